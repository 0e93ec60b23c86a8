import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadEnvironment } from '../../lib/config/load-config';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { createStacks } from '../../lib/create-stacks';
import { testApp } from '../support/app';

describe('cdk-nag AwsSolutions', () => {
  test.each(Object.keys(ENVIRONMENTS))('finds nothing unacknowledged in %s', (name) => {
    // GIVEN the whole app for one environment with the AwsSolutions pack
    const app = testApp();
    createStacks(app, loadEnvironment(name));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // WHEN it synthesizes THEN no rule reports a finding (a finding fails synth with its report)
    expect(() => app.synth()).not.toThrow();
  });

  test('every acknowledgement carries a reason', () => {
    const app = testApp();
    const stage = createStacks(app, loadEnvironment('prod'));
    const acknowledgements = stage.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    expect(acknowledgements.length).toBeGreaterThan(10);
    for (const [id, reason] of acknowledgements) {
      expect({ id, reasonLength: reason.trim().length >= 40 }).toEqual({ id, reasonLength: true });
    }
  });

  test('a new wildcard permission is reported, not swallowed by an acknowledgement', () => {
    // GIVEN a role policy with a wildcard no acknowledgement names
    const app = testApp();
    const stage = createStacks(app, loadEnvironment('dev'));
    const { PolicyStatement } = jest.requireActual<typeof import('aws-cdk-lib/aws-iam')>('aws-cdk-lib/aws-iam');
    stage.cluster.serviceAccountRoles.litellm.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::other-bucket/*'] }),
    );
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // WHEN / THEN
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::arn:aws:s3:::other-bucket\/\*\]/);
  });
});
