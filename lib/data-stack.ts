import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ApplicationDatabases, type ApplicationDatabase } from '../constructs/application-databases';
import { AuroraPostgres } from '../constructs/aurora-postgres';
import { BedrockBatchJobs } from '../constructs/bedrock-batch-jobs';
import { ClickHouseBackupBucket } from '../constructs/clickhouse-backup-bucket';
import { PlatformBackup } from '../constructs/platform-backup';
import { PlatformBuckets } from '../constructs/platform-buckets';
import { PlatformSecrets } from '../constructs/platform-secrets';
import { secretArnForName, secretReadStatements } from '../constructs/secret-read-statements';
import { ValkeyCache } from '../constructs/valkey-cache';
import { bedrockModelArns } from './bedrock-access';
import { mcpCredentialSecretNames } from './config/mcp-schema';
import type { BedrockModelConfig, EnvironmentConfig } from './config/schema';
import { SUBNETS } from './network-stack';
import { runsBatchJobs } from './shared/batches';
import { BACKUP_TAG } from './shared/cost-tags';
import { DATA_OUTPUTS } from './shared/data-outputs';
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
  /** WEBUI_ADMIN_PASSWORD of the headless admin: JSON { value }. */
  readonly adminPassword: secretsmanager.ISecret;
  /** Its own Valkey user: JSON { username, password }. */
  readonly cacheCredentials: secretsmanager.ISecret;
}

/**
 * Workloads whose customer-managed access policy lives here; optional ones only when enabled. Each namespace's
 * secrets sync has its own: it may read that namespace's secrets and no other's.
 */
export type AccessPolicies = Readonly<Record<'langfuse' | 'clickhouse' | 'litellmSecretsSync' | 'langfuseSecretsSync', iam.ManagedPolicy>> &
  Readonly<Partial<Record<'openWebUi' | 'openWebUiSecretsSync' | 'litellmBatches', iam.ManagedPolicy>>>;

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
  /** Daily AWS Backup of Aurora and the ClickHouse volumes; only when `backup.enabled`. */
  readonly backup?: PlatformBackup;
  /** Versioned bucket of ClickHouse's own daily `BACKUP … TO S3`; only when `backup.enabled`. */
  readonly clickhouseBackup?: ClickHouseBackupBucket;
  /** Open WebUI's database login, bucket and session secret; only when `openWebUi.enabled`. */
  readonly openWebUi?: OpenWebUiData;
  /** Bedrock batch jobs' bucket and service role; only when `batches.enabled`. */
  readonly batches?: BedrockBatchJobs;

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
      performanceInsights: !config.ephemeral,
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

    this.buckets = new PlatformBuckets(this, 'Buckets', {
      encryptionKey: this.key,
      ephemeral: config.ephemeral,
      openWebUi,
      ...(config.observability.traceRetentionDays ? { traceRetentionDays: config.observability.traceRetentionDays } : {}),
    });

    if (config.backup.enabled) {
      this.backup = new PlatformBackup(this, 'Backup', {
        environment: config.name,
        retentionDays: config.backup.retentionDays,
        auroraClusterArn: this.database.cluster.clusterArn,
        // The ClickHouse StorageClass tags its volumes so (lib/shared/cost-tags.ts, clickhouseVolumeTags).
        volumeTag: { key: BACKUP_TAG, value: config.name },
      });
      this.clickhouseBackup = new ClickHouseBackupBucket(this, 'ClickHouseBackup', {
        encryptionKey: this.key,
        accessLogs: this.buckets.accessLogs,
        retentionDays: config.backup.retentionDays,
      });
    }

    if (config.batches.enabled) {
      this.batches = new BedrockBatchJobs(this, 'BatchJobs', {
        encryptionKey: this.key,
        accessLogs: this.buckets.accessLogs,
        ephemeral: config.ephemeral,
        retentionDays: config.batches.retentionDays,
        modelArns: bedrockModelArns(batchDeployments(config), { partition: this.partition, account: this.account }),
        region: config.region,
      });
    }

    if (this.buckets.openWebUi && this.secrets.openWebUi && this.cache.credentials.openWebUi) {
      this.openWebUi = {
        databaseSecret: this.applicationDatabases.userSecrets[OPEN_WEBUI_DATABASE]!,
        bucket: this.buckets.openWebUi,
        secretKey: this.secrets.openWebUi.openWebUiSecretKey,
        adminPassword: this.secrets.openWebUi.openWebUiAdminPassword,
        cacheCredentials: this.cache.credentials.openWebUi,
      };
    }

    this.addRestoreOutputs();

    this.accessPolicies = {
      langfuse: new iam.ManagedPolicy(this, 'LangfuseAccess', {
        description: 'Langfuse web and worker: read and write its bucket prefixes',
        statements: this.buckets.langfuseAccessStatements(),
      }),
      clickhouse: new iam.ManagedPolicy(this, 'ClickHouseAccess', {
        description: this.clickhouseBackup ? 'ClickHouse: its S3 disk bucket and its backup bucket' : 'ClickHouse: its S3 disk bucket',
        statements: [...this.buckets.clickhouseAccessStatements(), ...(this.clickhouseBackup?.accessStatements() ?? [])],
      }),
      litellmSecretsSync: new iam.ManagedPolicy(this, 'LitellmSecretsSyncAccess', {
        description: "litellm namespace's secrets sync: LiteLLM's secrets only (never the Aurora master secret)",
        statements: this.secretsSyncStatements(secretsByNamespace(config, this).litellm),
      }),
      langfuseSecretsSync: new iam.ManagedPolicy(this, 'LangfuseSecretsSyncAccess', {
        description: "langfuse namespace's secrets sync: Langfuse's and ClickHouse's secrets only",
        statements: this.secretsSyncStatements(secretsByNamespace(config, this).langfuse),
      }),
      ...(this.batches
        ? {
            litellmBatches: new iam.ManagedPolicy(this, 'LitellmBatchesAccess', {
              description: 'LiteLLM: batch files in the batch bucket, Bedrock batch jobs of the batch models, passing their service role',
              statements: this.batches.litellmStatements(),
            }),
          }
        : {}),
      ...(this.openWebUi
        ? {
            openWebUi: new iam.ManagedPolicy(this, 'OpenWebUiAccess', {
              description: 'Open WebUI: read, write and delete the files in its uploads bucket',
              statements: this.buckets.openWebUiAccessStatements(),
            }),
            openWebUiSecretsSync: new iam.ManagedPolicy(this, 'OpenWebUiSecretsSyncAccess', {
              description: "open-webui namespace's secrets sync: Open WebUI's secrets only (never LiteLLM's master key)",
              statements: this.secretsSyncStatements(secretsByNamespace(config, this).openWebUi),
            }),
          }
        : {}),
    };
  }

  /** Where the data is, by name, for `npm run restore-plan` (bin/restore-plan.ts). */
  private addRestoreOutputs(): void {
    const outputs: [string, string | undefined, string][] = [
      [DATA_OUTPUTS.auroraCluster, this.database.cluster.clusterIdentifier, 'Aurora cluster (LiteLLM, Langfuse, Open WebUI databases)'],
      [DATA_OUTPUTS.backupVault, this.backup?.vault.backupVaultName, 'AWS Backup vault of Aurora and the ClickHouse volumes'],
      [DATA_OUTPUTS.backupRole, this.backup?.role.roleArn, 'Role AWS Backup restores with'],
      [DATA_OUTPUTS.langfuseBucket, this.buckets.langfuse.bucketName, 'Langfuse events, media and exports (versioned)'],
      [DATA_OUTPUTS.clickhouseBucket, this.buckets.clickhouse.bucketName, 'ClickHouse S3 disk (not versioned)'],
      [
        DATA_OUTPUTS.clickhouseBackupBucket,
        this.clickhouseBackup?.bucket.bucketName,
        "ClickHouse's own full backups (BACKUP … TO S3, versioned)",
      ],
      [DATA_OUTPUTS.openWebUiBucket, this.buckets.openWebUi?.bucketName, 'Open WebUI uploads (versioned)'],
    ];
    for (const [id, value, description] of outputs) if (value) new CfnOutput(this, id, { value, description });
  }

  private secretsSyncStatements(secrets: NamespaceSecrets): iam.PolicyStatement[] {
    const statements = secretReadStatements(
      secrets.arns.map((s) => s.secretArn),
      this.key,
    );
    // Secrets other stacks create under this environment's names, with this stack's key (the data key
    // statement above covers them): found by name, so no reference runs from here to the edge or platform stack.
    // Third-party model keys, MCP server credentials and an external identity provider's client secrets live
    // outside the environment, so they survive the nightly destroy; the sync may read exactly the secrets the
    // config names. Those are encrypted with keys of their own, whose key policies must let the sync's role decrypt.
    for (const [sid, names] of Object.entries(secrets.byName)) {
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

/** The deployments that run the batch groups' jobs (lib/shared/batches.ts runsBatchJobs). */
export function batchDeployments(config: EnvironmentConfig): BedrockModelConfig[] {
  if (!config.batches.enabled) return [];
  return config.models.filter((m): m is BedrockModelConfig => config.batches.models.includes(m.name) && runsBatchJobs(m, config.region));
}

/** What one namespace's secrets sync may read: secrets of this stack, and secrets known by name (statement id -> names). */
export interface NamespaceSecrets {
  readonly arns: readonly secretsmanager.ISecret[];
  readonly byName: Readonly<Record<string, readonly string[]>>;
}

/**
 * The secrets each namespace's synced Secrets read (k8s/*-chart.ts), and nothing more: the master key only in litellm.
 * Each namespace gets its own application's Valkey user (never another's, never the default user's); Open WebUI's
 * only when enabled.
 */
export function secretsByNamespace(
  config: EnvironmentConfig,
  data: Pick<DataStack, 'secrets' | 'cache' | 'applicationDatabases'>,
): { readonly litellm: NamespaceSecrets; readonly langfuse: NamespaceSecrets; readonly openWebUi: NamespaceSecrets } {
  const generated = data.secrets.secrets;
  const users = data.applicationDatabases.userSecrets;
  const own = (...secrets: (secretsmanager.ISecret | undefined)[]) => secrets.filter((s): s is secretsmanager.ISecret => s !== undefined);
  const sso = ssoClientSecretNamesByClient(config);
  const openWebUi = data.secrets.openWebUi;
  return {
    litellm: {
      arns: own(
        generated.litellmMasterKey,
        generated.litellmSaltKey,
        generated.langfuseInitPublicKey,
        generated.langfuseInitSecretKey,
        data.cache.credentials.litellm,
        users.litellm,
      ),
      byName: {
        ReadModelApiKeys: config.models.flatMap((m) => (m.provider === 'bedrock' ? [] : [m.apiKeySecretName])),
        ReadMcpServerCredentials: Object.values(mcpCredentialSecretNames(config.mcpServers)),
      },
    },
    langfuse: {
      arns: own(
        generated.langfuseNextAuthSecret,
        generated.langfuseSalt,
        generated.langfuseEncryptionKey,
        generated.langfuseInitPublicKey,
        generated.langfuseInitSecretKey,
        generated.langfuseAdminPassword,
        generated.clickhousePassword,
        data.cache.credentials.langfuse,
        users.langfuse,
      ),
      byName: { ReadSsoClientSecret: sso.langfuse ? [sso.langfuse] : [] },
    },
    openWebUi: {
      arns: openWebUi
        ? own(openWebUi.openWebUiSecretKey, openWebUi.openWebUiAdminPassword, data.cache.credentials.openWebUi, users[OPEN_WEBUI_DATABASE])
        : [],
      byName: {
        ReadBuiltinKey: config.openWebUi.enabled ? [builtinKeySecretName(config.name, OPEN_WEBUI_CONSUMER, '*')] : [],
        ReadSsoClientSecret: sso.openWebUi ? [sso.openWebUi] : [],
      },
    },
  };
}

/**
 * Client secrets of the web UIs that sign in through single sign-on, which the in-cluster sync hands to them, by UI:
 * Cognito's, copied by the edge stack under this environment's names, or the external provider's, by the names the
 * config gives (Open WebUI's registration and Langfuse's own). Only for the UIs that sign in: Open WebUI when enabled,
 * Langfuse with a public hostname.
 */
export function ssoClientSecretNamesByClient(config: EnvironmentConfig): { readonly openWebUi?: string; readonly langfuse?: string } {
  const sso = config.web.sso;
  const openWebUi = config.openWebUi.enabled
    ? sso.provider === 'cognito'
      ? ssoClientSecretName(config.name, 'openWebUi')
      : sso.clientSecretName
    : undefined;
  // Langfuse signs in only on its public hostname (constructs/workforce-identity.ts).
  const langfuse = config.web.domain
    ? sso.provider === 'cognito'
      ? ssoClientSecretName(config.name, 'langfuse')
      : sso.langfuseClient?.clientSecretName
    : undefined;
  return { ...(openWebUi ? { openWebUi } : {}), ...(langfuse ? { langfuse } : {}) };
}
