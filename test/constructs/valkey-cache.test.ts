import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ValkeyCache, type ValkeyCacheProps } from '../../constructs/valkey-cache';
import { CACHE_IDENTITIES, DISABLED_DEFAULT_USER_ACCESS, cacheAccessString } from '../../lib/shared/cache';

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
    applications: ['litellm', 'langfuse', 'openWebUi'],
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
    ['no application', { applications: [] }, 'applications: is empty (name at least one application that uses the cache)'],
    ['an application twice', { applications: ['litellm', 'litellm'] }, 'applications: lists an application twice (litellm, litellm)'],
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

  describe('identities', () => {
    const { stack, construct } = build();
    const cache = construct();
    const template = Template.fromStack(stack);
    const users = template.findResources('AWS::ElastiCache::User');
    const byName = (name: string) => Object.values(users).find((u) => u.Properties.UserName === name)!.Properties;

    test('one user per application with its access string, and a switched-off default user', () => {
      expect(
        Object.values(users)
          .map((u) => u.Properties.UserName)
          .sort(),
      ).toEqual(['default', 'langfuse', 'litellm', 'open-webui']);
      for (const identity of Object.values(CACHE_IDENTITIES)) {
        expect(byName(identity.userName)).toMatchObject({ Engine: 'valkey', AccessString: cacheAccessString(identity) });
      }
      expect(byName('default').AccessString).toBe(DISABLED_DEFAULT_USER_ACCESS);
    });

    test('every password is a dynamic reference to its own generated secret, never a value', () => {
      const secretRefs = Object.values(users).map((u) => {
        expect(u.Properties.AuthenticationMode.Type).toBe('password');
        expect(u.Properties).not.toHaveProperty('Passwords');
        const [reference] = u.Properties.AuthenticationMode.Passwords;
        expect(reference).toEqual({
          'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: expect.any(String) }, ':SecretString:password::}}']],
        });
        return reference['Fn::Join'][1][1].Ref;
      });
      expect(new Set(secretRefs).size).toBe(4);
      template.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"open-webui"}', GenerateStringKey: 'password' }),
      });
      expect(Object.keys(cache.credentials).sort()).toEqual(['langfuse', 'litellm', 'openWebUi']);
    });

    test('the replication group signs clients in through the user group only: no AUTH token', () => {
      const group = template.findResources('AWS::ElastiCache::UserGroup');
      const [groupId, groupResource] = Object.entries(group)[0]!;
      expect(groupResource.Properties.Engine).toBe('valkey');
      expect(groupResource.Properties.UserIds).toHaveLength(4);
      expect(groupResource.DependsOn).toHaveLength(4);
      const rg = Object.values(template.findResources('AWS::ElastiCache::ReplicationGroup'))[0]!.Properties;
      expect(rg.UserGroupIds).toEqual([{ Ref: groupId }]);
      expect(rg).not.toHaveProperty('AuthToken');
      expect(rg.TransitEncryptionEnabled).toBe(true);
    });

    test('user and group ids are lowercase letters, digits and hyphens within 40 characters, and differ', () => {
      const ids = [
        ...Object.values(users).map((u) => u.Properties.UserId as string),
        Object.values(template.findResources('AWS::ElastiCache::UserGroup'))[0]!.Properties.UserGroupId as string,
      ];
      for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9-]{0,39}$/);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  test('makes no Open WebUI user where Open WebUI does not run', () => {
    const { stack, construct } = build({ applications: ['litellm', 'langfuse'] });
    expect(construct().credentials.openWebUi).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::ElastiCache::User', 3);
  });
});
