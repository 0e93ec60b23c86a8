import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  CLICKHOUSE_BACKUP_NONCURRENT_DAYS,
  ClickHouseBackupBucket,
  type ClickHouseBackupBucketProps,
} from '../../constructs/clickhouse-backup-bucket';

function build(overrides: Partial<ClickHouseBackupBucketProps> = {}) {
  const stack = new Stack();
  const encryptionKey = new kms.Key(stack, 'Key');
  const accessLogs = new s3.Bucket(stack, 'Logs');
  const make = () => new ClickHouseBackupBucket(stack, 'Backup', { encryptionKey, accessLogs, retentionDays: 35, ...overrides });
  return { stack, make };
}

describe('ClickHouseBackupBucket', () => {
  const { stack, make } = build();
  const construct = make();
  const policy = new iam.ManagedPolicy(stack, 'Access', { statements: construct.accessStatements() });
  const template = Template.fromStack(stack);
  const bucketId = stack.getLogicalId(construct.bucket.node.defaultChild as s3.CfnBucket);
  const bucket = template.findResources('AWS::S3::Bucket')[bucketId]!;

  test('is versioned, encrypted with the given key, private, logged and retained', () => {
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^Logs/) }, LogFilePrefix: 'clickhouse-backups/' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('expires backups after the retention, old versions after a week, and abandoned uploads', () => {
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
      { Id: 'expire-backups', Prefix: 'backups/', ExpirationInDays: 35, Status: 'Enabled' },
      { Id: 'expire-old-versions', NoncurrentVersionExpiration: { NoncurrentDays: CLICKHOUSE_BACKUP_NONCURRENT_DAYS }, Status: 'Enabled' },
      { Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
    ]);
    expect(CLICKHOUSE_BACKUP_NONCURRENT_DAYS).toBe(7);
  });

  test('denies plain HTTP and TLS older than 1.2', () => {
    const statements = Object.values(template.findResources('AWS::S3::BucketPolicy'))
      .filter((p) => JSON.stringify(p.Properties.Bucket).includes(bucketId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.filter((s) => s.Effect === 'Deny').map((s) => s.Condition)).toEqual([
      { Bool: { 'aws:SecureTransport': 'false' } },
      { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    ]);
  });

  test('lets ClickHouse write, read and delete backup files under backups/ only, list the bucket, and use the key; nothing else', () => {
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(
      template.findResources('AWS::IAM::ManagedPolicy')[stack.getLogicalId(policy.node.defaultChild as iam.CfnManagedPolicy)]!.Properties
        .PolicyDocument.Statement,
    ).toEqual([
      {
        Sid: 'ClickHouseBackupObjects',
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [bucketArn, '/backups/*']] },
      },
      { Sid: 'ClickHouseBackupList', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn },
      {
        Sid: 'ClickHouseBackupKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      },
    ]);
  });

  test.each([0, 1.5, -3])('denies a retention of %p days', (days) => {
    expect(() => build({ retentionDays: days }).make()).toThrow(`retentionDays: ${days} must be a whole number of days, at least 1`);
  });
});
