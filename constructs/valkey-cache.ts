import { Names, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CACHE_IDENTITIES, DISABLED_DEFAULT_USER_ACCESS, cacheAccessString, type CacheApplication } from '../lib/shared/cache';
import { pascalCase, withoutSnapshot } from './names';

const PARAMETER_FAMILIES: Readonly<Record<string, string>> = { '8.0': 'valkey8' };
export const CACHE_PORT = 6379;

export interface ValkeyCacheProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly engineVersion: string;
  readonly nodeType: string;
  /** Read replicas besides the primary. */
  readonly replicas: number;
  /** Spread nodes over zones and fail over automatically; needs at least one replica. */
  readonly multiAz: boolean;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  /** Days of automatic snapshots; 0 turns them off. @default 0 */
  readonly snapshotRetentionDays?: number;
  /** The applications that each get their own user (lib/shared/cache.ts). */
  readonly applications: readonly CacheApplication[];
}

/** ElastiCache user and user group ids: lowercase letters, digits and hyphens, starting with a letter. */
const ID_MAX_LENGTH = 40;

/**
 * Valkey replication group for LiteLLM's router and limit state, Langfuse's queues and Open WebUI's sessions: TLS in
 * transit, encrypted at rest, `noeviction` (an evicted queue entry is a lost trace), and one ElastiCache user per
 * application (RBAC), each with its own generated password and an access string that confines it to its own keys
 * and keeps it from the dangerous commands. The user group's `default` user is switched off. No AUTH token: a
 * replication group takes either a token or a user group (test/contracts/elasticache.test.ts).
 */
export class ValkeyCache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly securityGroup: ec2.SecurityGroup;
  readonly userGroup: elasticache.CfnUserGroup;
  /** Per application: JSON `{ username, password }`, what its pods authenticate with. */
  readonly credentials: Readonly<Partial<Record<CacheApplication, secretsmanager.ISecret>>>;
  /** Each application's ElastiCache user. */
  readonly users: Readonly<Partial<Record<CacheApplication, elasticache.CfnUser>>>;
  /** The switched-off `default` user; its password secret is read by nothing. */
  readonly defaultUser: elasticache.CfnUser;

  constructor(scope: Construct, id: string, props: ValkeyCacheProps) {
    super(scope, id);
    const family = PARAMETER_FAMILIES[props.engineVersion];
    if (!family) {
      throw new Error(
        `engineVersion: "${props.engineVersion}" has no parameter group family here (allowed: ${Object.keys(PARAMETER_FAMILIES).join(', ')})`,
      );
    }
    if (props.multiAz && props.replicas < 1) {
      throw new Error('replicas: must be at least 1 when multiAz is true (a primary cannot fail over to nothing)');
    }
    if (props.applications.length === 0) {
      throw new Error('applications: is empty (name at least one application that uses the cache)');
    }
    if (new Set(props.applications).size !== props.applications.length) {
      throw new Error(`applications: lists an application twice (${props.applications.join(', ')})`);
    }

    // Named in the group, never in a pod: no client can sign in as it (off), and its password is read by nobody.
    this.defaultUser = this.passwordUser(
      'DefaultUser',
      'default',
      DISABLED_DEFAULT_USER_ACCESS,
      props,
      'switched off, read by nobody',
    ).user;
    const credentials: Partial<Record<CacheApplication, secretsmanager.ISecret>> = {};
    const users: Partial<Record<CacheApplication, elasticache.CfnUser>> = {};
    for (const app of props.applications) {
      const identity = CACHE_IDENTITIES[app];
      const id = pascalCase(app);
      const user = this.passwordUser(`${id}User`, identity.userName, cacheAccessString(identity), props, `${identity.userName}'s pods`);
      users[app] = user.user;
      credentials[app] = user.secret;
    }
    this.credentials = credentials;
    this.users = users;
    this.userGroup = new elasticache.CfnUserGroup(this, 'UserGroup', {
      engine: 'valkey',
      userGroupId: Names.uniqueResourceName(this, { maxLength: ID_MAX_LENGTH }).toLowerCase(),
      userIds: [this.defaultUser.userId, ...Object.values(users).map((u) => u.userId)],
    });
    // The ids are plain names, not references: the group must wait for its users explicitly.
    for (const user of [this.defaultUser, ...Object.values(users)]) this.userGroup.node.addDependency(user);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Valkey: ingress only from the EKS cluster',
      allowAllOutbound: false,
    });

    const subnetGroup = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'Isolated data subnets',
      subnetIds: props.vpc.selectSubnets(props.subnets).subnetIds,
    });

    const parameterGroup = new elasticache.CfnParameterGroup(this, 'Parameters', {
      cacheParameterGroupFamily: family,
      description: 'noeviction: queues must not lose entries under memory pressure',
      properties: { 'maxmemory-policy': 'noeviction' },
    });

    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'LiteLLM router state and Langfuse queues',
      engine: 'valkey',
      engineVersion: props.engineVersion,
      cacheNodeType: props.nodeType,
      numCacheClusters: 1 + props.replicas,
      automaticFailoverEnabled: props.multiAz,
      multiAzEnabled: props.multiAz,
      port: CACHE_PORT,
      cacheSubnetGroupName: subnetGroup.ref,
      cacheParameterGroupName: parameterGroup.ref,
      securityGroupIds: [this.securityGroup.securityGroupId],
      transitEncryptionEnabled: true,
      transitEncryptionMode: 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: props.encryptionKey.keyArn,
      // Replaces the AUTH token: every client signs in as its application's user.
      userGroupIds: [this.userGroup.ref],
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 0,
    });
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy);
  }

  /**
   * A user signing in with a generated password: its secret holds `{ username, password }`, and the user's
   * password is a dynamic reference CloudFormation resolves at deploy time (the template holds only the ARN).
   */
  private passwordUser(
    id: string,
    userName: string,
    accessString: string,
    props: ValkeyCacheProps,
    readBy: string,
  ): { user: elasticache.CfnUser; secret: secretsmanager.ISecret } {
    const secret = new secretsmanager.Secret(this, `${id}Credentials`, {
      description: `Valkey user ${userName} (${readBy}): { username, password }`,
      encryptionKey: props.encryptionKey,
      // Secrets cannot be snapshotted: keep the credentials when the cache is kept.
      removalPolicy: withoutSnapshot(props.removalPolicy),
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: userName }),
        generateStringKey: 'password',
        passwordLength: 64,
        // ElastiCache passwords take printable ASCII but a few; letters and digits keep URLs simple.
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    const user = new elasticache.CfnUser(this, id, {
      engine: 'valkey',
      userId: 'set-below',
      userName,
      accessString,
      authenticationMode: { Type: 'password', Passwords: [secret.secretValueFromJson('password').unsafeUnwrap()] },
    });
    // Unique per account and region (ElastiCache's rule): derived from the construct path, so each environment's differ.
    user.userId = Names.uniqueResourceName(user, { maxLength: ID_MAX_LENGTH }).toLowerCase();
    return { user, secret };
  }

  get endpointAddress(): string {
    return this.replicationGroup.attrPrimaryEndPointAddress;
  }

  get endpointPort(): string {
    return this.replicationGroup.attrPrimaryEndPointPort;
  }
}
