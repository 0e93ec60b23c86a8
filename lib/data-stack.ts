import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApplicationDatabases, type ApplicationDatabase } from '../constructs/application-databases';
import { AuroraPostgres } from '../constructs/aurora-postgres';
import { PlatformBuckets } from '../constructs/platform-buckets';
import { PlatformSecrets } from '../constructs/platform-secrets';
import { secretArnForName, secretReadStatements } from '../constructs/secret-read-statements';
import { ValkeyCache } from '../constructs/valkey-cache';
import { mcpCredentialSecretNames } from './config/mcp-schema';
import type { EnvironmentConfig } from './config/schema';
import { SUBNETS } from './network-stack';
import { builtinKeySecretName, OPEN_WEBUI_CONSUMER, ssoClientSecretName } from './shared/web';
import { removalPolicyFor, statefulRemovalPolicyFor } from './removal';

export interface DataStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
}

/** Open WebUI's database and login role. */
export const OPEN_WEBUI_DATABASE = 'openwebui';
/** pgvector's extension name: Open WebUI keeps its retrieval vectors in its own database. */
export const PGVECTOR_EXTENSION = 'vector';

/**
 * The applications that each get a database, a login role of the same name and a secret, with the extensions
 * the bootstrap creates in their database. Open WebUI's only when it is enabled.
 */
export function applicationDatabases(config: EnvironmentConfig): ApplicationDatabase[] {
  return [
    { name: 'litellm' },
    { name: 'langfuse' },
    ...(config.openWebUi.enabled ? [{ name: OPEN_WEBUI_DATABASE, extensions: [PGVECTOR_EXTENSION] }] : []),
  ];
}

/** What the platform stack needs of Open WebUI's data; exists only when it is enabled. */
export interface OpenWebUiData {
  /** Login for its own database (pgvector created there): JSON { username, password, dbname }. */
  readonly databaseSecret: secretsmanager.ISecret;
  /** Uploaded files. */
  readonly bucket: s3.IBucket;
  /** WEBUI_SECRET_KEY: JSON { value }. */
  readonly secretKey: secretsmanager.ISecret;
  /** Its own Valkey user: JSON { username, password }. */
  readonly cacheCredentials: secretsmanager.ISecret;
}

/** Workloads whose customer-managed access policy lives here; optional ones only when enabled. */
export type AccessPolicies = Readonly<Record<'langfuse' | 'clickhouse' | 'secretsSync', iam.ManagedPolicy>> &
  Readonly<Partial<Record<'openWebUi', iam.ManagedPolicy>>>;

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
  readonly accessPolicies: AccessPolicies;
  /** Open WebUI's database login, bucket and session secret; only when `openWebUi.enabled`. */
  readonly openWebUi?: OpenWebUiData;

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

    const openWebUi = config.openWebUi.enabled;
    this.secrets = new PlatformSecrets(this, 'Secrets', { encryptionKey: this.key, removalPolicy, openWebUi });

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
      databases: applicationDatabases(config),
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
      // One Valkey user per application; Open WebUI's only when it runs.
      applications: ['litellm', 'langfuse', ...(config.openWebUi.enabled ? (['openWebUi'] as const) : [])],
    });

    this.buckets = new PlatformBuckets(this, 'Buckets', { encryptionKey: this.key, ephemeral: config.ephemeral, openWebUi });

    if (this.buckets.openWebUi && this.secrets.openWebUi && this.cache.credentials.openWebUi) {
      this.openWebUi = {
        databaseSecret: this.applicationDatabases.userSecrets[OPEN_WEBUI_DATABASE]!,
        bucket: this.buckets.openWebUi,
        secretKey: this.secrets.openWebUi.openWebUiSecretKey,
        cacheCredentials: this.cache.credentials.openWebUi,
      };
    }

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
      ...(this.openWebUi
        ? {
            openWebUi: new iam.ManagedPolicy(this, 'OpenWebUiAccess', {
              description: 'Open WebUI: read, write and delete the files in its uploads bucket',
              statements: this.buckets.openWebUiAccessStatements(),
            }),
          }
        : {}),
    };
  }

  private secretsSyncStatements(config: EnvironmentConfig): iam.PolicyStatement[] {
    // The applications' Valkey credentials, never the switched-off default user's.
    const cacheCredentials = Object.values(this.cache.credentials);
    const secrets = [...this.secrets.all, ...cacheCredentials, ...Object.values(this.applicationDatabases.userSecrets)];
    const statements = secretReadStatements(
      secrets.map((s) => s.secretArn),
      this.key,
    );
    // Secrets other stacks create under this environment's names, with this stack's key (the data key
    // statement above covers them): found by name, so no reference runs from here to the edge or platform stack.
    // Third-party model keys, MCP server credentials and an external identity provider's client secret live
    // outside the environment, so they survive the nightly destroy; the sync may read exactly the secrets the
    // config names. Those are encrypted with keys of their own, whose key policies must let the sync's role decrypt.
    const byName: [string, string[]][] = [
      ['ReadBuiltinKeys', config.openWebUi.enabled ? [builtinKeySecretName(config.name, OPEN_WEBUI_CONSUMER, '*')] : []],
      ['ReadSsoClientSecrets', ssoClientSecretNames(config)],
      ['ReadModelApiKeys', config.models.flatMap((m) => (m.provider === 'bedrock' ? [] : [m.apiKeySecretName]))],
      ['ReadMcpServerCredentials', Object.values(mcpCredentialSecretNames(config.mcpServers))],
    ];
    for (const [sid, names] of byName) {
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

/**
 * Client secrets of the web UIs that sign in through single sign-on, which the in-cluster sync hands to them:
 * Cognito's, copied by the edge stack under this environment's names, or the external provider's, by the name
 * the config gives. Only for the UIs that sign in: Open WebUI when enabled, Langfuse with a public hostname.
 */
export function ssoClientSecretNames(config: EnvironmentConfig): string[] {
  // Open WebUI signs in with or without a domain; Langfuse only on its public hostname (constructs/workforce-identity.ts).
  const clients = [...(config.openWebUi.enabled ? ['openWebUi' as const] : []), ...(config.web.domain ? ['langfuse' as const] : [])];
  if (clients.length === 0) return [];
  const sso = config.web.sso;
  return sso.provider === 'cognito' ? clients.map((c) => ssoClientSecretName(config.name, c)) : [sso.clientSecretName];
}
