import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AuroraPostgres, type AuroraPostgresProps } from '../../constructs/aurora-postgres';
import { auroraTestProps } from '../support/aurora-props';

function build(overrides: Partial<AuroraPostgresProps> = {}) {
  const stack = new Stack();
  const props = auroraTestProps(stack, overrides);
  return { stack, construct: () => new AuroraPostgres(stack, 'Aurora', props) };
}

describe('AuroraPostgres', () => {
  test.each<[string, Partial<AuroraPostgresProps>, string]>([
    ['an unpinned engine version', { engineVersion: '15.4' }, 'engineVersion: "15.4" is not pinned here (allowed: 16.13, 17.7)'],
    [
      'an invalid identifier',
      { clusterIdentifier: 'Genai--x' },
      'clusterIdentifier: "Genai--x" is not a valid identifier (lowercase letters, digits and single hyphens, 2-63 characters)',
    ],
    ['min capacity above max', { minCapacity: 4, maxCapacity: 2 }, 'minCapacity: 4 is above maxCapacity 2'],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Aurora')?.node.children ?? []).toHaveLength(0);
  });

  test('pauses only when it may scale to zero', () => {
    const zero = build();
    zero.construct();
    Template.fromStack(zero.stack).hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2, SecondsUntilAutoPause: 300 },
    });

    const warm = build({ minCapacity: 0.5 });
    warm.construct();
    Template.fromStack(warm.stack).hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
    });
  });

  test('creates the PostgreSQL log group itself and keeps it when the cluster is snapshotted', () => {
    const { stack, construct } = build({ removalPolicy: RemovalPolicy.SNAPSHOT });
    construct();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', {
      DeletionPolicy: 'Retain',
      Properties: { LogGroupName: '/aws/rds/cluster/genai-test-postgres/postgresql', RetentionInDays: 7 },
    });
    template.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      Properties: { EnableCloudwatchLogsExports: ['postgresql'] },
    });
  });

  test('logs in its master user under a name other than postgres or admin, and accepts IAM database authentication', () => {
    // GIVEN / WHEN
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);

    // THEN Control Tower CT.RDS.PR.21 and CT.RDS.PR.4 hold
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: JSON.stringify({ username: 'genai_admin' }) },
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: true });
  });

  test('sends Enhanced Monitoring OS metrics every 60 s from every instance, through a role RDS may assume', () => {
    // GIVEN / WHEN
    const { stack, construct } = build({ readers: 1 });
    construct();
    const template = Template.fromStack(stack);

    // THEN Control Tower CT.RDS.PR.2 holds for the writer and the reader
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance.Properties).toMatchObject({
        MonitoringInterval: 60,
        MonitoringRoleArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      });
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'monitoring.rds.amazonaws.com' } })],
      },
    });
  });

  test('sends no Enhanced Monitoring when turned off (ephemeral environments): no interval, no role', () => {
    const { stack, construct } = build({ enhancedMonitoring: false });
    construct();
    const template = Template.fromStack(stack);
    for (const instance of Object.values(template.findResources('AWS::RDS::DBInstance'))) {
      expect(instance.Properties.MonitoringInterval).toBeUndefined();
    }
    expect(
      Object.values(template.findResources('AWS::IAM::Role')).filter((r) =>
        JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('monitoring.rds.amazonaws.com'),
      ),
    ).toHaveLength(0);
  });
});
