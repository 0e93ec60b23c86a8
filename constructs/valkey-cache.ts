import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { withoutSnapshot } from './names';

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
}

/**
 * Valkey replication group for LiteLLM's router state and Langfuse's queues: TLS in transit,
 * encrypted at rest, AUTH token from a generated secret, and `noeviction`, because an evicted
 * queue entry is a lost trace.
 */
export class ValkeyCache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly securityGroup: ec2.SecurityGroup;
  /** JSON `{ password }` — the AUTH token. */
  readonly authSecret: secretsmanager.ISecret;

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

    this.authSecret = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'Valkey AUTH token: { password }',
      encryptionKey: props.encryptionKey,
      // Secrets cannot be snapshotted: keep the token when the cache is kept.
      removalPolicy: withoutSnapshot(props.removalPolicy),
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'password',
        passwordLength: 64,
        // AUTH tokens allow printable ASCII except a few; letters and digits keep URLs simple.
        excludePunctuation: true,
        includeSpace: false,
      },
    });

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
      // A dynamic reference: CloudFormation resolves it at deploy time, the template holds only the ARN.
      authToken: this.authSecret.secretValueFromJson('password').unsafeUnwrap(),
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: props.snapshotRetentionDays ?? 0,
    });
    this.replicationGroup.applyRemovalPolicy(props.removalPolicy);
  }

  get endpointAddress(): string {
    return this.replicationGroup.attrPrimaryEndPointAddress;
  }

  get endpointPort(): string {
    return this.replicationGroup.attrPrimaryEndPointPort;
  }
}
