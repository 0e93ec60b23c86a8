import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ValkeyCache, type ValkeyCacheProps } from '../../constructs/valkey-cache';

function build(overrides: Partial<ValkeyCacheProps> = {}) {
  const stack = new Stack();
  const props: ValkeyCacheProps = {
    vpc: new ec2.Vpc(stack, 'Vpc'),
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    engineVersion: '8.0',
    nodeType: 'cache.t4g.micro',
    replicas: 0,
    multiAz: false,
    encryptionKey: new kms.Key(stack, 'Key'),
    removalPolicy: RemovalPolicy.DESTROY,
    ...overrides,
  };
  return { stack, construct: () => new ValkeyCache(stack, 'Cache', props) };
}

describe('ValkeyCache', () => {
  test.each<[string, Partial<ValkeyCacheProps>, string]>([
    [
      'an engine without a parameter family',
      { engineVersion: '7.2' },
      'engineVersion: "7.2" has no parameter group family here (allowed: 8.0)',
    ],
    [
      'multi-AZ without a replica',
      { multiAz: true, replicas: 0 },
      'replicas: must be at least 1 when multiAz is true (a primary cannot fail over to nothing)',
    ],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Cache')?.node.children ?? []).toHaveLength(0);
  });

  test('spreads a primary and replicas over zones with failover when multi-AZ', () => {
    const { stack, construct } = build({ multiAz: true, replicas: 2, snapshotRetentionDays: 7, removalPolicy: RemovalPolicy.SNAPSHOT });
    construct();
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ElastiCache::ReplicationGroup', {
      DeletionPolicy: 'Snapshot',
      Properties: { NumCacheClusters: 3, MultiAZEnabled: true, AutomaticFailoverEnabled: true, SnapshotRetentionLimit: 7 },
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test('admits no traffic until a rule is added', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Valkey: ingress only from the EKS cluster',
      SecurityGroupEgress: [{ CidrIp: '255.255.255.255/32', IpProtocol: 'icmp' }],
    });
  });
});
