import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ApplicationDatabases } from '../constructs/application-databases';
import { AuroraPostgres } from '../constructs/aurora-postgres';
import { PlatformBuckets } from '../constructs/platform-buckets';
import { PlatformSecrets } from '../constructs/platform-secrets';
import { secretArnForName, secretReadStatements } from '../constructs/secret-read-statements';
import { ValkeyCache } from '../constructs/valkey-cache';
import { mcpCredentialSecretNames } from './config/mcp-schema';
import type { EnvironmentConfig } from './config/schema';
import { SUBNETS } from './network-stack';
import { removalPolicyFor, statefulRemovalPolicyFor } from './removal';

export interface DataStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
}

/** Application names that each get a database, a login role and a secret. */
export const APPLICATION_DATABASES = ['litellm', 'langfuse'] as const;

/** Everything stateful: Aurora, Valkey, the buckets and the generated secrets, under one customer key. */
export class DataStack extends Stack {
  readonly key: kms.Key;
  readonly database: AuroraPostgres;
  readonly applicationDatabases: ApplicationDatabases;
  readonly cache: ValkeyCache;
  readonly buckets: PlatformBuckets;
  readonly secrets: PlatformSecrets;
  /**
   * Customer-managed policies for the workload roles, kept next to the resources they cover so
   * the cluster stack attaches them without referencing bucket or secret ARNs across stacks.
   */
  readonly accessPolicies: Readonly<Record<'langfuse' | 'clickhouse' | 'secretsSync', iam.ManagedPolicy>>;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;
    const removalPolicy = removalPolicyFor(config);
    const logRetention = config.cluster.logRetentionDays as logs.RetentionDays;

    this.key = new kms.Key(this, 'DataKey', {
      description: `GenAI platform ${config.name}: Aurora, Valkey, S3 and Secrets Manager`,
      enableKeyRotation: true,
      removalPolicy,
      // Ephemeral keys go with the environment; the minimum wait keeps the nightly destroy tidy.
      pendingWindow: config.ephemeral ? Duration.days(7) : Duration.days(30),
    });

    this.secrets = new PlatformSecrets(this, 'Secrets', { encryptionKey: this.key, removalPolicy });

    this.database = new AuroraPostgres(this, 'Aurora', {
      vpc,
      subnets: { subnetGroupName: SUBNETS.data },
      engineVersion: config.database.engineVersion,
      minCapacity: config.database.minCapacity,
      maxCapacity: config.database.maxCapacity,
      autoPause: Duration.minutes(config.database.autoPauseMinutes),
      readers: config.database.readers,
      backupRetention: Duration.days(config.database.backupRetentionDays),
      deletionProtection: config.deletionProtection,
      enhancedMonitoring: !config.ephemeral,
      encryptionKey: this.key,
      removalPolicy: statefulRemovalPolicyFor(config),
      logRetention,
      clusterIdentifier: `genai-${config.name}-postgres`,
    });

    this.applicationDatabases = new ApplicationDatabases(this, 'ApplicationDatabases', {
      cluster: this.database.cluster,
      clusterSecurityGroup: this.database.securityGroup,
      vpc,
      subnets: { subnetGroupName: SUBNETS.workloads },
      databases: APPLICATION_DATABASES,
      encryptionKey: this.key,
      removalPolicy,
      logRetention,
    });

    this.cache = new ValkeyCache(this, 'Valkey', {
      vpc,
      subnets: { subnetGroupName: SUBNETS.data },
      engineVersion: config.cache.engineVersion,
      nodeType: config.cache.nodeType,
      replicas: config.cache.replicas,
      multiAz: config.cache.multiAz,
      encryptionKey: this.key,
      removalPolicy: statefulRemovalPolicyFor(config),
      snapshotRetentionDays: config.ephemeral ? 0 : 7,
    });

    this.buckets = new PlatformBuckets(this, 'Buckets', { encryptionKey: this.key, ephemeral: config.ephemeral });

    this.accessPolicies = {
      langfuse: new iam.ManagedPolicy(this, 'LangfuseAccess', {
        description: 'Langfuse web and worker: read and write its bucket prefixes',
        statements: this.buckets.langfuseAccessStatements(),
      }),
      clickhouse: new iam.ManagedPolicy(this, 'ClickHouseAccess', {
        description: 'ClickHouse: its S3 disk bucket',
        statements: this.buckets.clickhouseAccessStatements(),
      }),
      secretsSync: new iam.ManagedPolicy(this, 'SecretsSyncAccess', {
        description: 'In-cluster secrets sync: read the application secrets (never the Aurora master secret)',
        statements: this.secretsSyncStatements(config),
      }),
    };
  }

  private secretsSyncStatements(config: EnvironmentConfig): iam.PolicyStatement[] {
    const secrets = [
      ...Object.values(this.secrets.secrets),
      this.cache.authSecret,
      ...Object.values(this.applicationDatabases.userSecrets),
    ];
    const statements = secretReadStatements(
      secrets.map((s) => s.secretArn),
      this.key,
    );
    // Third-party model keys and MCP server credentials live outside the environment, so they survive the
    // nightly destroy; the sync may read exactly the secrets the config names.
    const external: [string, string[]][] = [
      ['ReadModelApiKeys', config.models.flatMap((m) => (m.provider === 'bedrock' ? [] : [m.apiKeySecretName]))],
      ['ReadMcpServerCredentials', Object.values(mcpCredentialSecretNames(config.mcpServers))],
    ];
    for (const [sid, names] of external) {
      if (names.length === 0) continue;
      statements.push(
        new iam.PolicyStatement({
          sid,
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [...new Set(names)].map(secretArnForName),
        }),
      );
    }
    return statements;
  }
}
