import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { withoutSnapshot } from './names';

const ENGINE_VERSIONS: Readonly<Record<string, rds.AuroraPostgresEngineVersion>> = {
  '16.13': rds.AuroraPostgresEngineVersion.VER_16_13,
  '17.7': rds.AuroraPostgresEngineVersion.VER_17_7,
};

export const POSTGRES_PORT = 5432;

/**
 * The master login's name: not `postgres` or `admin` (Control Tower CT.RDS.PR.21), so it is not half a credential
 * already. Everything reads it from the generated secret. What a change does to a live cluster (RDS renames no master
 * user; the secret's password is regenerated) is untested: set it before an environment's first deploy only.
 */
export const MASTER_USERNAME = 'genai_admin';

/** Enhanced Monitoring's OS metrics interval (Control Tower CT.RDS.PR.2); 60 s is the cheapest non-zero setting. */
const MONITORING_INTERVAL = Duration.seconds(60);

export interface AuroraPostgresProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Pinned engine version, one of the keys the config schema allows. */
  readonly engineVersion: string;
  /** Aurora capacity units; 0 lets the cluster pause when idle. */
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** Idle time before pausing; only used when minCapacity is 0. */
  readonly autoPause: Duration;
  /** Serverless v2 readers besides the writer. */
  readonly readers: number;
  readonly backupRetention: Duration;
  readonly deletionProtection: boolean;
  /**
   * Enhanced Monitoring (OS metrics every 60 s). Off in ephemeral environments: it is billed per instance-hour of
   * metrics, RDS writes it to the account's RDSOSMetrics log group that no stack owns, and whether it lets an idle
   * Serverless v2 instance auto-pause is not documented.
   */
  readonly enhancedMonitoring: boolean;
  /**
   * Performance Insights on every instance at its free retention (7 days, PerformanceInsightRetention.DEFAULT),
   * encrypted with `encryptionKey`. @default false
   */
  readonly performanceInsights?: boolean;
  readonly encryptionKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  /**
   * Cluster identifier. Known up front so the log group can be created (and deleted) by
   * CloudFormation instead of by RDS, which would leave it behind on destroy.
   */
  readonly clusterIdentifier: string;
}

/** Aurora PostgreSQL Serverless v2: encrypted with a customer key, TLS enforced, no public access. */
export class AuroraPostgres extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: AuroraPostgresProps) {
    super(scope, id);
    const engineVersion = ENGINE_VERSIONS[props.engineVersion];
    if (!engineVersion) {
      throw new Error(`engineVersion: "${props.engineVersion}" is not pinned here (allowed: ${Object.keys(ENGINE_VERSIONS).join(', ')})`);
    }
    if (!/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/.test(props.clusterIdentifier)) {
      throw new Error(
        `clusterIdentifier: "${props.clusterIdentifier}" is not a valid identifier (lowercase letters, digits and single hyphens, 2-63 characters)`,
      );
    }
    if (props.minCapacity > props.maxCapacity) {
      throw new Error(`minCapacity: ${props.minCapacity} is above maxCapacity ${props.maxCapacity}`);
    }
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: engineVersion });
    // Per instance (the instance-level settings are the ones Aurora documents); 7 days is the free retention,
    // longer is billed per vCPU-month.
    const insights: rds.ServerlessV2ClusterInstanceProps | Record<string, never> = props.performanceInsights
      ? {
          enablePerformanceInsights: true,
          performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
          performanceInsightEncryptionKey: props.encryptionKey,
        }
      : {};

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Aurora PostgreSQL: ingress only from the EKS cluster and the bootstrap function',
      allowAllOutbound: false,
    });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'TLS only, connection logging',
      parameters: {
        'rds.force_ssl': '1',
        log_connections: '1',
        log_disconnections: '1',
      },
    });

    const logGroup = new logs.LogGroup(this, 'PostgresqlLogs', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      retention: props.logRetention,
      // Log groups cannot be snapshotted: keep them when the cluster is kept.
      removalPolicy: withoutSnapshot(props.removalPolicy),
    });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      clusterIdentifier: props.clusterIdentifier,
      port: POSTGRES_PORT,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      credentials: rds.Credentials.fromGeneratedSecret(MASTER_USERNAME, { encryptionKey: props.encryptionKey }),
      parameterGroup,
      writer: rds.ClusterInstance.serverlessV2('Writer', { publiclyAccessible: false, ...insights }),
      readers: Array.from({ length: props.readers }, (_, i) =>
        rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, { scaleWithWriter: true, publiclyAccessible: false, ...insights }),
      ),
      serverlessV2MinCapacity: props.minCapacity,
      serverlessV2MaxCapacity: props.maxCapacity,
      ...(props.minCapacity === 0 ? { serverlessV2AutoPauseDuration: props.autoPause } : {}),
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      // IAM tokens as a second way in (Control Tower CT.RDS.PR.4); roles still log in with their passwords until granted rds_iam.
      iamAuthentication: true,
      ...(props.enhancedMonitoring ? { monitoringInterval: MONITORING_INTERVAL } : {}),
      backup: { retention: props.backupRetention },
      deletionProtection: props.deletionProtection,
      removalPolicy: props.removalPolicy,
      cloudwatchLogsExports: ['postgresql'],
      copyTagsToSnapshot: true,
    });
    // Deleted after the cluster, so RDS cannot re-create it while shutting down.
    this.cluster.node.addDependency(logGroup);
    // A kept snapshot is only useful with the master login that goes with it.
    const masterSecret = this.cluster.node.tryFindChild('Secret');
    if (masterSecret instanceof secretsmanager.Secret) {
      masterSecret.applyRemovalPolicy(withoutSnapshot(props.removalPolicy));
    }
  }
}
