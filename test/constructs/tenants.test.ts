import { Match } from 'aws-cdk-lib/assertions';
import { CONSUMER_SECRET_TAG, TEAM_SECRET_TAG, type DesiredTenants } from '../../lib/shared/tenants';
import { loadEnvironment } from '../../lib/config/load-config';
import { createStacks } from '../../lib/create-stacks';
import { Template } from 'aws-cdk-lib/assertions';
import { RECONCILE_CONTEXT_KEY } from '../../constructs/tenants-reconciler';
import { SKIP_BUNDLING, synthEnvironment, testApp } from '../support/app';

type Resource = { Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string };

/** The DesiredTenants JSON of the custom resource, with every CloudFormation reference replaced by `<ref>`. */
function desiredOf(resource: Resource): DesiredTenants {
  const value = resource.Properties.DesiredTenants as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof value === 'string' ? value : value['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : '<ref>')).join('');
  return JSON.parse(text) as DesiredTenants;
}

describe('Tenants in the platform stack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const { config, templates } = synthEnvironment(name);
    const platform = templates.platform;
    const consumers = config.tenants.consumers;
    const keySecrets = platform.findResources('AWS::SecretsManager::Secret', {
      Properties: { Name: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
    });

    test('one KMS-encrypted secret per consumer, named <prefix><client id> and tagged with consumer and team', () => {
      expect(Object.keys(keySecrets)).toHaveLength(consumers.length);
      for (const consumer of consumers) {
        platform.hasResourceProperties('AWS::SecretsManager::Secret', {
          Name: {
            'Fn::Join': [
              '',
              [`genai-gateway/${name}/virtual-keys/`, { 'Fn::GetStackOutput': Match.objectLike({ StackName: `genai-${name}-edge` }) }],
            ],
          },
          KmsKeyId: {
            'Fn::GetStackOutput': Match.objectLike({ StackName: `genai-${name}-data`, OutputName: Match.stringLikeRegexp('DataKey') }),
          },
          Tags: Match.arrayWith([
            { Key: CONSUMER_SECRET_TAG, Value: consumer.name },
            { Key: TEAM_SECRET_TAG, Value: consumer.team },
          ]),
        });
      }
    });

    test(`key secrets ${name === 'dev' ? 'go with the stack' : 'are retained'}`, () => {
      for (const secret of Object.values(keySecrets) as Resource[]) {
        expect(secret.DeletionPolicy).toBe(config.ephemeral ? 'Delete' : 'Retain');
      }
    });

    test('the reconciler receives every team (with its MCP grant) and consumer, with limits as numbers and no key', () => {
      const [resource] = Object.values(platform.findResources('Custom::LiteLlmTenants')) as Resource[];
      const desired = desiredOf(resource!);
      expect(desired.environment).toBe(name);
      expect(desired.teams.map((t) => t.alias)).toEqual(config.tenants.teams.map((t) => t.name));
      expect(desired.consumers.map((c) => [c.name, c.team, c.clientId, c.secretArn])).toEqual(
        consumers.map((c) => [c.name, c.team, '<ref>', '<ref>']),
      );
      const first = config.tenants.teams[0]!;
      expect(desired.teams[0]).toEqual({
        alias: first.name,
        models: first.models,
        ...(first.mcpServers.length > 0 ? { mcpServers: first.mcpServers } : {}),
        tags: first.tags,
        ...(first.maxBudgetUsd !== undefined ? { maxBudgetUsd: first.maxBudgetUsd } : {}),
        ...(first.budgetDuration !== undefined ? { budgetDuration: first.budgetDuration } : {}),
        ...(first.tpmLimit !== undefined ? { tpmLimit: first.tpmLimit } : {}),
        ...(first.rpmLimit !== undefined ? { rpmLimit: first.rpmLimit } : {}),
        ...(first.maxParallelRequests !== undefined ? { maxParallelRequests: first.maxParallelRequests } : {}),
      });
      expect(JSON.stringify(resource!.Properties)).not.toMatch(/sk-[A-Za-z0-9_-]{16,}/);
    });

    test('the reconciler runs after LiteLLM is applied', () => {
      const [resource] = Object.values(platform.findResources('Custom::LiteLlmTenants')) as Resource[];
      expect(resource!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^LitellmChart/)]));
    });

    test('the admin functions reach only the internal load balancer port in the VPC and HTTPS', () => {
      const groups = platform.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('LiteLLM admin API') },
      });
      expect(Object.keys(groups)).toHaveLength(2);
      for (const group of Object.values(groups) as Resource[]) {
        expect(group.Properties.SecurityGroupEgress).toEqual([
          expect.objectContaining({
            IpProtocol: 'tcp',
            FromPort: 80,
            ToPort: 80,
            CidrIp: { 'Fn::GetStackOutput': expect.objectContaining({ StackName: `genai-${name}-network` }) },
          }),
          expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }),
        ]);
      }
    });

    test('only the reconciler writes the key secrets, and only those', () => {
      const policies = Object.values(platform.findResources('AWS::IAM::Policy')) as Resource[];
      const writes = policies.flatMap((p) =>
        (p.Properties.PolicyDocument as { Statement: { Sid?: string; Action: string[]; Resource: unknown }[] }).Statement.filter((s) =>
          [s.Action].flat().includes('secretsmanager:PutSecretValue'),
        ),
      );
      const named = writes.filter((s) => s.Sid === 'WriteConsumerKeys');
      expect(named).toHaveLength(1);
      expect([named[0]!.Resource].flat()).toHaveLength(consumers.length);
    });

    test(`every key rotates every ${config.tenants.keyRotationDays} days, never at creation, after the reconciler`, () => {
      const schedules = Object.values(platform.findResources('AWS::SecretsManager::RotationSchedule')) as Resource[];
      expect(schedules).toHaveLength(consumers.length);
      for (const schedule of schedules) {
        expect(schedule.Properties).toMatchObject({
          RotationRules: { ScheduleExpression: `rate(${config.tenants.keyRotationDays} days)` },
          RotateImmediatelyOnUpdate: false,
        });
        expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^TenantsReconciler[0-9A-F]{8}$/)]));
      }
    });

    test("only this account's secrets may invoke the rotation function", () => {
      platform.hasResourceProperties('AWS::Lambda::Permission', {
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
      });
      expect(
        Object.values(
          platform.findResources('AWS::Lambda::Permission', { Properties: { Principal: 'secretsmanager.amazonaws.com' } }),
        ).every((p) => p.Properties.SourceAccount !== undefined),
      ).toBe(true);
    });

    test('a rotated-out key keeps working past every cache that may hold it (25 minutes with a 300 s authorizer cache)', () => {
      expect(config.edge.authorizerCacheTtlSeconds).toBe(300);
      platform.hasResourceProperties('AWS::Lambda::Function', {
        Description: 'Virtual key rotation',
        Environment: { Variables: Match.objectLike({ GRACE_SECONDS: '1500' }) },
      });
    });
  });

  test('a deploy with -c reconcile=<id> changes only the RunId property, so CloudFormation runs the reconciler again', () => {
    const stage = createStacks(testApp({ ...SKIP_BUNDLING, [RECONCILE_CONTEXT_KEY]: '1764400000' }), loadEnvironment('dev'));
    const [forced] = Object.values(Template.fromStack(stage.platform).findResources('Custom::LiteLlmTenants')) as Resource[];
    const [plain] = Object.values(synthEnvironment('dev').templates.platform.findResources('Custom::LiteLlmTenants')) as Resource[];
    expect(forced!.Properties).toEqual({ ...plain!.Properties, RunId: '1764400000' });
  });
});
