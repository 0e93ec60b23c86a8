import { Stage } from 'aws-cdk-lib';
import { DATA_OUTPUTS } from '../../lib/shared/data-outputs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { OPEN_WEBUI_DELETED_FILE_DAYS } from '../../constructs/platform-buckets';
import { dev } from '../../lib/config/environments/dev';
import { prod } from '../../lib/config/environments/prod';
import { parseEnvironment } from '../../lib/config/load-config';
import type { EnvironmentInput } from '../../lib/config/schema';
import { createStacks } from '../../lib/create-stacks';
import { DataStack } from '../../lib/data-stack';
import { NetworkStack } from '../../lib/network-stack';
import { snapshotOf, synthEnvironment, testApp } from '../support/app';
import { ENTRA_SSO } from '../support/web-config';

/** Logical IDs of stateful resources. A change here replaces a database, a cache or a bucket: never rename them casually. */
const STATEFUL_LOGICAL_IDS = {
  // The log group key holds every log already written: a replacement would leave them under the old key.
  'AWS::KMS::Key': ['DataKey17AFBB84', 'LogGroupKeyA7DF12B8'],
  'AWS::RDS::DBCluster': ['AuroraClusterD4EFE71C'],
  'AWS::ElastiCache::ReplicationGroup': ['ValkeyReplicationGroup77C9E011'],
  'AWS::S3::Bucket': ['BucketsAccessLogsA5F88218', 'BucketsClickHouseDC3E2332', 'BucketsLangfuseDA1419C6'],
};
/** Open WebUI's uploads bucket, in environments that enable it. */
const OPEN_WEBUI_BUCKET = 'BucketsOpenWebUi644D16F1';
/** The batch bucket, with `batches.enabled`: stateful while a job runs, so its logical ID is pinned like the others. */
const BATCH_BUCKET = 'BatchJobsBucket20D03040';
/** The backup vault and its key, in environments that back up: a replaced vault strands its recovery points. */
const BACKUP_LOGICAL_IDS: Readonly<Record<string, readonly string[]>> = {
  'AWS::KMS::Key': ['BackupKey570ED138'],
  'AWS::Backup::BackupVault': ['BackupVaultADF21B19'],
  // ClickHouse's own backups: a replaced bucket would strand them.
  'AWS::S3::Bucket': ['ClickHouseBackupBucket2DC34B68'],
};

/** The network and data stacks of an overlay: what the data stack builds does not depend on the others. */
function synthData(input: EnvironmentInput): { data: Template; stack: DataStack } {
  const config = parseEnvironment(input);
  const stage = new Stage(testApp(), config.name, { env: { account: config.account, region: config.region } });
  const network = new NetworkStack(stage, 'Network', { config });
  const stack = new DataStack(stage, 'Data', { config, vpc: network.vpc });
  return { data: Template.fromStack(stack), stack };
}

/** Every statement of one of the data stack's managed policies. */
function policyStatements(data: Template, idPrefix: string): { Sid?: string; Action: unknown; Resource: unknown; Effect: string }[] {
  const [, policy] = Object.entries(data.findResources('AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith(idPrefix)) ?? [];
  return policy?.Properties.PolicyDocument.Statement ?? [];
}

/** An ARN pattern of a secret known by name, as secretArnForName writes it. */
function secretNamePattern(name: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':secretsmanager:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:secret:${name}-??????`,
      ],
    ],
  };
}

describe('DataStack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const { config, templates } = synthEnvironment(name);
    const data = templates.data;

    test('matches the snapshot', () => {
      expect(snapshotOf(data)).toMatchSnapshot();
    });

    test('keeps the logical IDs of stateful resources', () => {
      for (const [type, ids] of Object.entries({ ...STATEFUL_LOGICAL_IDS, 'AWS::Backup::BackupVault': [] })) {
        const withWeb = type === 'AWS::S3::Bucket' && config.openWebUi.enabled ? [...ids, OPEN_WEBUI_BUCKET] : ids;
        const withBatches = type === 'AWS::S3::Bucket' && config.batches.enabled ? [...withWeb, BATCH_BUCKET] : withWeb;
        const expected = config.backup.enabled ? [...withBatches, ...(BACKUP_LOGICAL_IDS[type] ?? [])] : withBatches;
        expect(Object.keys(data.findResources(type)).sort()).toEqual([...expected].sort());
      }
    });

    test('runs Aurora PostgreSQL Serverless v2 on the pinned version, encrypted with the data key', () => {
      data.hasResourceProperties('AWS::RDS::DBCluster', {
        Engine: 'aurora-postgresql',
        EngineVersion: config.database.engineVersion,
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': ['DataKey17AFBB84', 'Arn'] },
        DeletionProtection: config.deletionProtection,
        ServerlessV2ScalingConfiguration: Match.objectLike({
          MinCapacity: config.database.minCapacity,
          MaxCapacity: config.database.maxCapacity,
        }),
      });
      data.resourceCountIs('AWS::RDS::DBInstance', 1 + config.database.readers);
      data.allResourcesProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PubliclyAccessible: false });
    });

    test('forces TLS on every database connection', () => {
      data.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
    });

    test('admits nothing into the database security group but the bootstrap function (the cluster rule lives in the cluster stack)', () => {
      const ingress = Object.values(data.findResources('AWS::EC2::SecurityGroupIngress'));
      expect(ingress).toHaveLength(1);
      expect(ingress[0]!.Properties).toMatchObject({
        FromPort: 5432,
        ToPort: 5432,
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^ApplicationDatabasesSecurityGroup/), 'GroupId'] },
      });
      const groups = data.findResources('AWS::EC2::SecurityGroup');
      for (const group of Object.values(groups)) expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    });

    test('runs Valkey with TLS, one user per application, encryption at rest and noeviction', () => {
      data.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
        CacheParameterGroupFamily: 'valkey8',
        Properties: { 'maxmemory-policy': 'noeviction' },
      });
      data.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        Engine: 'valkey',
        TransitEncryptionEnabled: true,
        TransitEncryptionMode: 'required',
        AtRestEncryptionEnabled: true,
        UserGroupIds: [{ Ref: Match.stringLikeRegexp('^ValkeyUserGroup') }],
        AuthToken: Match.absent(),
        NumCacheClusters: 1 + config.cache.replicas,
        MultiAZEnabled: config.cache.multiAz,
        AutomaticFailoverEnabled: config.cache.multiAz,
      });
    });

    test("lets each namespace's secrets sync read its own application's Valkey credentials, never another's or the default user's", () => {
      const users = Object.values(data.findResources('AWS::ElastiCache::User')).map((u) => u.Properties.UserName as string);
      expect(users.sort()).toEqual(['default', 'langfuse', 'litellm', ...(config.openWebUi.enabled ? ['open-webui'] : [])].sort());
      const apps = ['Litellm', 'Langfuse', ...(config.openWebUi.enabled ? ['OpenWebUi'] : [])];
      for (const reader of apps) {
        const read = JSON.stringify(policyStatements(data, `${reader}SecretsSyncAccess`));
        for (const app of apps) expect([reader, app, read.includes(`Valkey${app}UserCredentials`)]).toEqual([reader, app, app === reader]);
        expect(read).not.toContain('ValkeyDefaultUserCredentials');
      }
    });

    test('keeps the ClickHouse bucket free of versioning and of every lifecycle rule but aborting abandoned uploads', () => {
      const clickhouse = data.findResources('AWS::S3::Bucket')['BucketsClickHouseDC3E2332']!;
      expect(clickhouse.Properties.VersioningConfiguration).toBeUndefined();
      expect(clickhouse.Properties.LifecycleConfiguration).toEqual({
        Rules: [{ Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' }],
      });
    });

    test(
      config.ephemeral
        ? 'leaves Performance Insights off (nothing to keep)'
        : 'turns on Performance Insights at its free 7 days, under the data key',
      () => {
        for (const instance of Object.values(data.findResources('AWS::RDS::DBInstance'))) {
          if (config.ephemeral) expect(instance.Properties.EnablePerformanceInsights).toBeUndefined();
          else
            expect(instance.Properties).toMatchObject({
              EnablePerformanceInsights: true,
              PerformanceInsightsRetentionPeriod: 7,
              PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
            });
        }
      },
    );

    test(
      config.backup.enabled
        ? 'backs up Aurora and the tagged ClickHouse volumes daily into its own retained vault'
        : 'has no backup plan (nothing to keep past the night)',
      () => {
        data.resourceCountIs('AWS::Backup::BackupPlan', config.backup.enabled ? 1 : 0);
        data.resourceCountIs('AWS::Backup::BackupSelection', config.backup.enabled ? 2 : 0);
        if (!config.backup.enabled) return;
        data.hasResourceProperties('AWS::Backup::BackupPlan', {
          BackupPlan: Match.objectLike({
            BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: config.backup.retentionDays } })],
          }),
        });
        data.hasResourceProperties('AWS::Backup::BackupSelection', {
          BackupSelection: Match.objectLike({
            Resources: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':cluster:'])]) })],
          }),
        });
        data.hasResourceProperties('AWS::Backup::BackupSelection', {
          BackupSelection: Match.objectLike({
            Conditions: { StringEquals: [{ ConditionKey: 'aws:ResourceTag/genai:backup', ConditionValue: name }] },
          }),
        });
        data.hasOutput(DATA_OUTPUTS.backupVault, Match.anyValue());
      },
    );

    test(
      config.backup.enabled
        ? "lets ClickHouse use exactly its disk bucket and its backup bucket's backups/ folder, with the data key"
        : 'denies ClickHouse any backup bucket: there is none',
      () => {
        const disk = { 'Fn::GetAtt': ['BucketsClickHouseDC3E2332', 'Arn'] };
        const key = { 'Fn::GetAtt': ['DataKey17AFBB84', 'Arn'] };
        const backupBucket = Object.keys(data.findResources('AWS::S3::Bucket')).filter((id) => id.startsWith('ClickHouseBackup'));
        const diskStatements = [
          {
            Effect: 'Allow',
            Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', [disk, '/*']] },
          },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: disk },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key },
        ];
        if (!config.backup.enabled) {
          expect(backupBucket).toEqual([]);
          expect(policyStatements(data, 'ClickHouseAccess')).toEqual(diskStatements);
          return;
        }
        expect(backupBucket).toHaveLength(1);
        const backup = { 'Fn::GetAtt': [backupBucket[0], 'Arn'] };
        expect(policyStatements(data, 'ClickHouseAccess')).toEqual([
          ...diskStatements,
          {
            Sid: 'ClickHouseBackupObjects',
            Effect: 'Allow',
            Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
            Resource: { 'Fn::Join': ['', [backup, '/backups/*']] },
          },
          { Sid: 'ClickHouseBackupList', Effect: 'Allow', Action: 's3:ListBucket', Resource: backup },
          { Sid: 'ClickHouseBackupKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key },
        ]);
        const bucket = data.findResources('AWS::S3::Bucket')[backupBucket[0]!]!;
        expect(bucket.DeletionPolicy).toBe('Retain');
        expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
        expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual({
          Id: 'expire-backups',
          Prefix: 'backups/',
          ExpirationInDays: config.backup.retentionDays,
          Status: 'Enabled',
        });
        data.hasOutput(DATA_OUTPUTS.clickhouseBackupBucket, Match.anyValue());
      },
    );

    test('names where its data is in outputs, for the restore plan', () => {
      for (const output of [DATA_OUTPUTS.auroraCluster, DATA_OUTPUTS.langfuseBucket, DATA_OUTPUTS.clickhouseBucket])
        data.hasOutput(output, Match.anyValue());
      if (config.openWebUi.enabled) data.hasOutput(DATA_OUTPUTS.openWebUiBucket, Match.anyValue());
    });

    test(
      config.observability.traceRetentionDays
        ? 'expires Langfuse events and media after the trace retention, and their delete markers after the last version'
        : 'keeps Langfuse events and media until Langfuse deletes them',
      () => {
        const langfuse = Object.entries(data.findResources('AWS::S3::Bucket')).find(([id]) => id.startsWith('BucketsLangfuse'))![1];
        const rules = langfuse.Properties.LifecycleConfiguration.Rules as { Id: string; Prefix?: string; ExpirationInDays?: number }[];
        const days = config.observability.traceRetentionDays;
        for (const prefix of ['events/', 'media/']) {
          expect(rules.find((r) => r.Prefix === prefix)?.ExpirationInDays).toBe(days);
        }
        expect(rules.some((r) => r.Id === 'remove-expired-delete-markers')).toBe(days !== undefined);
        // Exports keep their own 7 days, whatever the trace retention.
        expect(rules.find((r) => r.Prefix === 'exports/')?.ExpirationInDays).toBe(7);
      },
    );

    test('versions the Langfuse bucket and tiers its events and media', () => {
      data.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Id: 'tier-events',
              Prefix: 'events/',
              Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }],
            }),
            Match.objectLike({ Id: 'tier-media', Prefix: 'media/' }),
            Match.objectLike({ Id: 'expire-exports', Prefix: 'exports/', ExpirationInDays: 7 }),
          ]),
        },
      });
    });

    test('versions the access-log bucket and keeps a deleted or expired log one day', () => {
      const logs = data.findResources('AWS::S3::Bucket')['BucketsAccessLogsA5F88218']!;
      expect(logs.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(logs.Properties.LifecycleConfiguration.Rules).toEqual([
        expect.objectContaining({ Id: 'expire-access-logs', ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
        expect.objectContaining({ Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true }),
      ]);
    });

    test("publishes every bucket's object events to EventBridge, on the bucket itself rather than through a custom resource", () => {
      for (const [id, bucket] of Object.entries(data.findResources('AWS::S3::Bucket'))) {
        expect({ id, notifications: bucket.Properties.NotificationConfiguration }).toEqual({
          id,
          notifications: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        });
      }
      data.resourceCountIs('Custom::S3BucketNotifications', 0);
    });

    test('blocks public access, encrypts and requires TLS on every bucket', () => {
      const buckets = data.findResources('AWS::S3::Bucket');
      for (const [id, bucket] of Object.entries(buckets)) {
        expect({ id, block: bucket.Properties.PublicAccessBlockConfiguration }).toEqual({
          id,
          block: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        });
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toHaveLength(1);
        data.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: id },
          PolicyDocument: {
            Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
          },
        });
      }
    });

    test('generates the Langfuse encryption key as exactly 64 hex characters', () => {
      data.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({
          PasswordLength: 64,
          ExcludeUppercase: true,
          ExcludePunctuation: true,
          ExcludeCharacters: 'ghijklmnopqrstuvwxyz',
          GenerateStringKey: 'value',
        }),
      });
    });

    test('generates a login secret per application database and bootstraps them with a custom resource', () => {
      for (const app of ['litellm', 'langfuse']) {
        data.hasResourceProperties('AWS::SecretsManager::Secret', {
          GenerateSecretString: Match.objectLike({
            SecretStringTemplate: JSON.stringify({ username: app, dbname: app }),
            GenerateStringKey: 'password',
            ExcludePunctuation: true,
          }),
        });
      }
      data.hasResourceProperties('Custom::ApplicationDatabases', {
        MasterSecretArn: { Ref: Match.stringLikeRegexp('AuroraClusterSecretAttachment') },
        Databases: [
          { Name: 'litellm', UserSecretArn: { Ref: Match.stringLikeRegexp('^ApplicationDatabasesLitellmUser') } },
          { Name: 'langfuse', UserSecretArn: { Ref: Match.stringLikeRegexp('^ApplicationDatabasesLangfuseUser') } },
          ...(config.openWebUi.enabled
            ? [
                {
                  Name: 'openwebui',
                  UserSecretArn: { Ref: Match.stringLikeRegexp('^ApplicationDatabasesOpenwebuiUser') },
                  Extensions: ['vector'],
                },
              ]
            : []),
        ],
      });
    });

    test('publishes access policies without wildcard actions', () => {
      const policies = data.findResources('AWS::IAM::ManagedPolicy');
      // Langfuse, ClickHouse and one secrets sync per namespace; Open WebUI's uploads and its namespace's sync when enabled;
      // LiteLLM's batch files and jobs when batches are on.
      expect(Object.keys(policies)).toHaveLength((config.openWebUi.enabled ? 6 : 4) + (config.batches.enabled ? 1 : 0));
      for (const policy of Object.values(policies)) {
        for (const statement of policy.Properties.PolicyDocument.Statement) {
          for (const action of [statement.Action].flat()) expect(action).not.toContain('*');
        }
      }
    });

    test("never lets any namespace's secrets sync read the Aurora master secret, nor another application's login", () => {
      const sync = (prefix: string) => JSON.stringify(policyStatements(data, prefix));
      for (const prefix of ['LitellmSecretsSyncAccess', 'LangfuseSecretsSyncAccess', 'OpenWebUiSecretsSyncAccess']) {
        expect(sync(prefix)).not.toMatch(/AuroraCluster(Secret|SecretAttachment)/);
      }
      expect(sync('LitellmSecretsSyncAccess')).toMatch(/ApplicationDatabasesLitellmUser/);
      expect(sync('LitellmSecretsSyncAccess')).not.toMatch(/ApplicationDatabases(Langfuse|Openwebui)User/);
      expect(sync('LangfuseSecretsSyncAccess')).toMatch(/ApplicationDatabasesLangfuseUser/);
      expect(sync('LangfuseSecretsSyncAccess')).not.toMatch(/ApplicationDatabases(Litellm|Openwebui)User/);
    });

    test('denies every namespace but litellm the LiteLLM master and salt keys and the model API keys', () => {
      const sync = (prefix: string) => JSON.stringify(policyStatements(data, prefix));
      expect(sync('LitellmSecretsSyncAccess')).toMatch(/SecretsLitellmMasterKey/);
      for (const prefix of ['LangfuseSecretsSyncAccess', 'OpenWebUiSecretsSyncAccess']) {
        expect(sync(prefix)).not.toMatch(/SecretsLitellm(MasterKey|SaltKey)/);
        expect(
          policyStatements(data, prefix).filter((st) => st.Sid === 'ReadModelApiKeys' || st.Sid === 'ReadMcpServerCredentials'),
        ).toEqual([]);
      }
    });
  });

  test('lets dev Aurora scale to zero and pause', () => {
    synthEnvironment('dev').templates.data.hasResourceProperties('AWS::RDS::DBCluster', {
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 600 },
    });
  });

  test('keeps prod Aurora warm, with a reader', () => {
    const prod = synthEnvironment('prod').templates.data;
    prod.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 } });
    prod.resourceCountIs('AWS::RDS::DBInstance', 2);
  });

  test('lets the secrets sync read exactly the MCP server credentials config names', () => {
    // GIVEN one MCP server with a credential and one without
    const server = { url: 'https://mcp.example.com/mcp', description: 'Example' };
    const config = parseEnvironment({
      name: 'test',
      ephemeral: true,
      region: 'us-east-1',
      mcpServers: [
        { ...server, name: 'tickets', credentialSecretName: 'genai/mcp-tickets' },
        { ...server, name: 'docs' },
      ],
    });
    // WHEN the stacks are synthesized
    const data = Template.fromStack(createStacks(testApp(), config).data);
    // THEN one statement names that secret (any version suffix) and nothing else
    const statements = Object.values(data.findResources('AWS::IAM::ManagedPolicy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Sid?: string; Resource: unknown }[],
    );
    const mcp = statements.filter((s) => s.Sid === 'ReadMcpServerCredentials');
    expect(mcp).toHaveLength(1);
    expect(mcp[0]).toEqual({
      Sid: 'ReadMcpServerCredentials',
      Effect: 'Allow',
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':secretsmanager:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':secret:genai/mcp-tickets-??????',
          ],
        ],
      },
    });
  });

  describe('with Open WebUI enabled', () => {
    const input: EnvironmentInput = {
      ...dev,
      name: 'chat',
      openWebUi: { ...dev.openWebUi, enabled: true, team: dev.openWebUi?.team ?? 'platform-eng' },
    };
    const { data, stack } = synthData(input);

    test('keeps the uploads bucket under the data key, versioned, with deleted files gone after a week and failed uploads cleaned', () => {
      const bucket = data.findResources('AWS::S3::Bucket')[OPEN_WEBUI_BUCKET]!;
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': ['DataKey17AFBB84', 'Arn'] } },
            },
          ],
        },
        VersioningConfiguration: { Status: 'Enabled' },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: 'BucketsAccessLogsA5F88218' }, LogFilePrefix: 'open-webui/' },
      });
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
        { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
        { Id: 'expire-deleted-files', NoncurrentVersionExpiration: { NoncurrentDays: OPEN_WEBUI_DELETED_FILE_DAYS }, Status: 'Enabled' },
        { Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
      ]);
    });

    test('empties and deletes the uploads bucket with an ephemeral environment', () => {
      const bucket = data.findResources('AWS::S3::Bucket')[OPEN_WEBUI_BUCKET]!;
      expect(bucket.DeletionPolicy).toBe('Delete');
      data.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: OPEN_WEBUI_BUCKET } });
    });

    test('lets Open WebUI read, write and delete the objects of its own bucket, list it, and use the data key for them; nothing else', () => {
      const bucketArn = { 'Fn::GetAtt': [OPEN_WEBUI_BUCKET, 'Arn'] };
      expect(policyStatements(data, 'OpenWebUiAccess')).toEqual([
        {
          Effect: 'Allow',
          Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
          Resource: { 'Fn::Join': ['', [bucketArn, '/*']] },
        },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
        { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': ['DataKey17AFBB84', 'Arn'] } },
      ]);
    });

    test('generates the WEBUI_SECRET_KEY as JSON { value } under the data key', () => {
      data.hasResourceProperties('AWS::SecretsManager::Secret', {
        Description: Match.stringLikeRegexp('^Open WebUI WEBUI_SECRET_KEY'),
        KmsKeyId: { 'Fn::GetAtt': ['DataKey17AFBB84', 'Arn'] },
        GenerateSecretString: {
          SecretStringTemplate: '{}',
          GenerateStringKey: 'value',
          PasswordLength: 48,
          ExcludePunctuation: true,
          IncludeSpace: false,
          ExcludeUppercase: false,
        },
      });
    });

    test('gives Open WebUI its own database and login role, openwebui, and asks the bootstrap for pgvector there', () => {
      data.hasResourceProperties('AWS::SecretsManager::Secret', {
        GenerateSecretString: Match.objectLike({ SecretStringTemplate: JSON.stringify({ username: 'openwebui', dbname: 'openwebui' }) }),
      });
      data.hasResourceProperties('Custom::ApplicationDatabases', {
        Databases: Match.arrayWith([
          {
            Name: 'openwebui',
            UserSecretArn: { Ref: Match.stringLikeRegexp('^ApplicationDatabasesOpenwebuiUser') },
            Extensions: ['vector'],
          },
        ]),
      });
    });

    test("lets the open-webui sync read Open WebUI's database login, session key, admin password, built-in virtual key and its Cognito client secret", () => {
      const statements = policyStatements(data, 'OpenWebUiSecretsSyncAccess');
      const generated = JSON.stringify(statements[0]!.Resource);
      expect(generated).toMatch(/ApplicationDatabasesOpenwebuiUser/);
      expect(generated).toMatch(/SecretsOpenWebUiSecretKey/);
      expect(generated).toMatch(/SecretsOpenWebUiAdminPassword/);
      expect(statements.filter((st) => st.Sid === 'ReadBuiltinKey' || st.Sid === 'ReadSsoClientSecret')).toEqual([
        {
          Sid: 'ReadBuiltinKey',
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          Resource: secretNamePattern('genai-gateway/chat/builtin-keys/open-webui-*'),
        },
        {
          Sid: 'ReadSsoClientSecret',
          Effect: 'Allow',
          Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
          // Langfuse signs in only on a public hostname, so without web.domain its client secret is not read.
          Resource: secretNamePattern('genai-gateway/chat/sso/openWebUi'),
        },
      ]);
      expect(policyStatements(data, 'LangfuseSecretsSyncAccess').filter((st) => st.Sid === 'ReadSsoClientSecret')).toEqual([]);
    });

    test("with web.domain, lets the langfuse sync read Langfuse's client secret (even with Open WebUI off), and only it", () => {
      const domain = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', base: 'chat.genai.example.com' };
      const read = (openWebUi: boolean, prefix: string) =>
        policyStatements(
          synthData({
            ...dev,
            name: 'chat',
            openWebUi: { ...dev.openWebUi, enabled: openWebUi },
            web: { ...dev.web, domain },
          }).data,
          prefix,
        ).find((st) => st.Sid === 'ReadSsoClientSecret')?.Resource;
      expect(read(true, 'LangfuseSecretsSyncAccess')).toEqual(secretNamePattern('genai-gateway/chat/sso/langfuse'));
      expect(read(true, 'OpenWebUiSecretsSyncAccess')).toEqual(secretNamePattern('genai-gateway/chat/sso/openWebUi'));
      expect(read(false, 'LangfuseSecretsSyncAccess')).toEqual(secretNamePattern('genai-gateway/chat/sso/langfuse'));
    });

    test('exposes the database secret, bucket and session key for the platform stack', () => {
      expect(stack.openWebUi?.databaseSecret).toBe(stack.applicationDatabases.userSecrets.openwebui);
      expect(stack.openWebUi?.bucket).toBe(stack.buckets.openWebUi);
      expect(stack.openWebUi?.secretKey).toBe(stack.secrets.openWebUi?.openWebUiSecretKey);
      expect(stack.accessPolicies.openWebUi).toBeDefined();
    });
  });

  test("retains Open WebUI's uploads bucket in a non-ephemeral environment", () => {
    const { data } = synthData({
      ...prod,
      name: 'keep',
      openWebUi: { ...prod.openWebUi, enabled: true, team: prod.openWebUi?.team ?? 'platform-eng' },
    });
    const bucket = data.findResources('AWS::S3::Bucket')[OPEN_WEBUI_BUCKET]!;
    expect({ deletion: bucket.DeletionPolicy, replace: bucket.UpdateReplacePolicy }).toEqual({ deletion: 'Retain', replace: 'Retain' });
    data.resourcePropertiesCountIs('Custom::S3AutoDeleteObjects', { BucketName: { Ref: OPEN_WEBUI_BUCKET } }, 0);
  });

  test("lets the secrets sync read an external identity provider's client secret by the name config gives", () => {
    const sso = {
      provider: 'oidc',
      issuer: 'https://login.example.com/tenant/v2.0',
      clientId: 'genai-web',
      clientSecretName: 'corp/genai-web-client',
    };
    const { data } = synthData({
      ...dev,
      name: 'chat',
      openWebUi: { ...dev.openWebUi, enabled: true, team: dev.openWebUi?.team ?? 'platform-eng' },
      web: { ...dev.web, sso },
    } as EnvironmentInput);
    expect(policyStatements(data, 'OpenWebUiSecretsSyncAccess').find((st) => st.Sid === 'ReadSsoClientSecret')?.Resource).toEqual(
      secretNamePattern('corp/genai-web-client'),
    );
  });

  test("with an external issuer and web.domain, lets the langfuse sync read Langfuse's own client secret, never Open WebUI's", () => {
    const { data } = synthData({
      ...dev,
      name: 'chat',
      web: {
        ...dev.web,
        domain: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', base: 'chat.genai.example.com' },
        sso: ENTRA_SSO,
      },
    });
    const langfuse = policyStatements(data, 'LangfuseSecretsSyncAccess').find((st) => st.Sid === 'ReadSsoClientSecret')?.Resource;
    expect(langfuse).toEqual(secretNamePattern(ENTRA_SSO.langfuseClient!.clientSecretName));
    expect(JSON.stringify(policyStatements(data, 'LangfuseSecretsSyncAccess'))).not.toContain(ENTRA_SSO.clientSecretName + '-');
  });

  describe('with Open WebUI disabled', () => {
    const { data, stack } = synthData({ ...dev, name: 'chat', openWebUi: { enabled: false } });

    test('has no uploads bucket, access policy, session key, database or extension for it, and no reads of its secrets', () => {
      expect(Object.keys(data.findResources('AWS::S3::Bucket'))).not.toContain(OPEN_WEBUI_BUCKET);
      expect(Object.keys(data.findResources('AWS::IAM::ManagedPolicy')).filter((id) => id.startsWith('OpenWebUi'))).toEqual([]);
      expect(JSON.stringify(data.toJSON())).not.toMatch(/OpenWebUi|Openwebui|openwebui|WEBUI|Extensions|builtin-keys|\/sso\//);
      data.hasResourceProperties('Custom::ApplicationDatabases', {
        Databases: [
          { Name: 'litellm', UserSecretArn: Match.anyValue() },
          { Name: 'langfuse', UserSecretArn: Match.anyValue() },
        ],
      });
      expect(stack.openWebUi).toBeUndefined();
      expect(stack.accessPolicies.openWebUi).toBeUndefined();
    });
  });
});
