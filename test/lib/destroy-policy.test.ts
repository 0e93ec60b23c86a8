import { ENVIRONMENTS } from '../../lib/config/environments';
import { loadEnvironment } from '../../lib/config/load-config';
import { Template } from 'aws-cdk-lib/assertions';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createStacks } from '../../lib/create-stacks';
import { synthEnvironment, testApp } from '../support/app';
import { withDomain } from '../support/web-domain';

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

const ephemeral = Object.keys(ENVIRONMENTS).filter((name) => loadEnvironment(name).ephemeral);
const persistent = Object.keys(ENVIRONMENTS).filter((name) => !loadEnvironment(name).ephemeral);

/** Properties that give a resource a physical name, by type. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::EKS::Cluster': 'Name',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::RDS::DBInstance': 'DBInstanceIdentifier',
  'AWS::ElastiCache::ReplicationGroup': 'ReplicationGroupId',
  'AWS::Cognito::UserPoolDomain': 'Domain',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::CompositeAlarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
};

/**
 * Named resources whose name is free again the moment CloudFormation deletes them, so the next
 * morning's deploy can reuse it. Secrets (recovery window), buckets (global namespace) and aliases are not.
 */
const REUSABLE_NAMES = new Set([
  'AWS::Logs::LogGroup',
  'AWS::EKS::Cluster',
  'AWS::RDS::DBCluster',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::CompositeAlarm',
  'AWS::CloudWatch::Dashboard',
]);

/** An environment by name, or a config built in the test (an overlay with a web domain). */
function templatesOf(environment: string | EnvironmentConfig): Record<string, Template> {
  if (typeof environment === 'string') return synthEnvironment(environment).templates;
  const stage = createStacks(testApp(), environment);
  const stacks = [stage.network, stage.data, stage.cluster, stage.edge, stage.platform, stage.observability];
  return Object.fromEntries(stacks.map((stack) => [stack.node.id.toLowerCase(), Template.fromStack(stack)]));
}

function allResources(environment: string | EnvironmentConfig): [string, string, Resource][] {
  const templates = templatesOf(environment);
  return Object.entries(templates).flatMap(([stack, template]) =>
    Object.entries(template.toJSON().Resources as Record<string, Resource>).map(([id, r]) => [stack, id, r] as [string, string, Resource]),
  );
}

/** Every violation of the end-of-day destroy rules, as readable lines. */
function destroyViolations(environment: string | EnvironmentConfig): string[] {
  const name = typeof environment === 'string' ? environment : environment.name;
  const violations: string[] = [];
  const resources = allResources(environment);
  const autoDeleted = new Set(
    resources.filter(([, , r]) => r.Type === 'Custom::S3AutoDeleteObjects').map(([, , r]) => JSON.stringify(r.Properties?.BucketName)),
  );
  for (const [stack, id, r] of resources) {
    const where = `${stack}/${id} (${r.Type})`;
    for (const policy of [r.DeletionPolicy, r.UpdateReplacePolicy]) {
      if (policy !== undefined && policy !== 'Delete') violations.push(`${where}: ${policy} policy`);
    }
    const props = r.Properties ?? {};
    for (const [key, value] of Object.entries(props)) {
      if (/^DeletionProtection/.test(key) && value === true) violations.push(`${where}: ${key} is on`);
    }
    // Load balancers keep theirs among their attributes.
    const attributes = (props.LoadBalancerAttributes ?? []) as { Key: string; Value: string }[];
    if (attributes.some((a) => a.Key === 'deletion_protection.enabled' && a.Value === 'true')) {
      violations.push(`${where}: deletion_protection.enabled is on`);
    }
    if (r.Type === 'AWS::S3::Bucket' && !autoDeleted.has(JSON.stringify({ Ref: id }))) violations.push(`${where}: not emptied on delete`);
    if (r.Type === 'AWS::Lambda::Function' && !(props.LoggingConfig as { LogGroup?: unknown } | undefined)?.LogGroup) {
      violations.push(`${where}: Lambda would create a log group the stack does not own`);
    }
    const nameProperty = NAME_PROPERTIES[r.Type];
    const physicalName = nameProperty ? props[nameProperty] : undefined;
    // A name derived from the stack's own id, or from a Cognito app client id (new whenever the user pool is
    // created), is new with every re-create, so it cannot collide.
    const uniquePerStackInstance = /AWS::StackId|UserPoolClient/.test(JSON.stringify(physicalName ?? ''));
    if (physicalName !== undefined && !uniquePerStackInstance) {
      if (!REUSABLE_NAMES.has(r.Type)) violations.push(`${where}: fixed ${nameProperty} would collide when re-created the same day`);
      else if (typeof physicalName === 'string' && !physicalName.includes(name))
        violations.push(`${where}: ${nameProperty} "${physicalName}" does not carry the environment name`);
    }
  }
  return violations;
}

describe('end-of-day destroy', () => {
  test('there is at least one ephemeral and one persistent environment to check', () => {
    expect(ephemeral.length).toBeGreaterThan(0);
    expect(persistent.length).toBeGreaterThan(0);
  });

  test.each(ephemeral)('%s deletes everything, empties its buckets and reuses no name that outlives it', (name) => {
    expect(destroyViolations(name)).toEqual([]);
  });

  test.each(ephemeral)('%s with a web domain (public load balancer, certificates, API domain) still leaves nothing', (name) => {
    expect(destroyViolations(withDomain(name))).toEqual([]);
  });

  test('the check catches a retained, protected or named resource', () => {
    // GIVEN a persistent environment, which keeps its data on purpose
    const violations = destroyViolations(persistent[0]!);
    // THEN the same walk reports it, so a passing ephemeral check means something
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/AWS::RDS::DBCluster\): Snapshot policy/),
        expect.stringMatching(/DeletionProtection is on/),
        expect.stringMatching(/AWS::ElasticLoadBalancingV2::LoadBalancer\): deletion_protection.enabled is on/),
      ]),
    );
  });

  describe.each(persistent)('%s', (name) => {
    const { templates } = synthEnvironment(name);

    test('snapshots Aurora and Valkey and protects Aurora from deletion', () => {
      templates.data.hasResource('AWS::RDS::DBCluster', {
        DeletionPolicy: 'Snapshot',
        UpdateReplacePolicy: 'Snapshot',
        Properties: { DeletionProtection: true },
      });
      templates.data.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot' });
    });

    test('retains its buckets, key and secrets and never empties a bucket', () => {
      for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret']) {
        for (const resource of Object.values(templates.data.findResources(type))) expect(resource.DeletionPolicy).toBe('Retain');
      }
      templates.data.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    });
  });
});
