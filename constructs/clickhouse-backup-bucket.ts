import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucketProps } from './private-bucket-props';
import { CLICKHOUSE_BACKUP_PREFIX } from '../lib/shared/clickhouse-backup';

/** Days a deleted or overwritten backup file stays recoverable as a noncurrent version. */
export const CLICKHOUSE_BACKUP_NONCURRENT_DAYS = 7;

export interface ClickHouseBackupBucketProps {
  readonly encryptionKey: kms.IKey;
  /** Bucket the server access logs go to, under `clickhouse-backups/`. */
  readonly accessLogs: s3.IBucket;
  /**
   * Days each backup is kept. Backups are full (never incremental), so expiring the oldest breaks none of the others.
   */
  readonly retentionDays: number;
}

/**
 * The versioned bucket ClickHouse's own `BACKUP … TO S3` writes full backups into, apart from its disk bucket
 * (whose objects ClickHouse rewrites and deletes, so versioning and expiry are ruled out there). Always retained:
 * it exists only in environments with backups, which are never ephemeral (lib/config/schema.ts).
 */
export class ClickHouseBackupBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: ClickHouseBackupBucketProps) {
    super(scope, id);
    if (!(Number.isInteger(props.retentionDays) && props.retentionDays >= 1)) {
      throw new Error(`retentionDays: ${props.retentionDays} must be a whole number of days, at least 1`);
    }
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketProps({ encryptionKey: props.encryptionKey, accessLogs: props.accessLogs, accessLogPrefix: 'clickhouse-backups/' }),
      removalPolicy: RemovalPolicy.RETAIN,
      autoDeleteObjects: false,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        { id: 'expire-backups', prefix: CLICKHOUSE_BACKUP_PREFIX, expiration: Duration.days(props.retentionDays) },
        // A file deleted by mistake (or by an attacker with ClickHouse's role) stays recoverable this long.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(CLICKHOUSE_BACKUP_NONCURRENT_DAYS) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    // Object events on the default bus, like the platform's other buckets (Control Tower CT.S3.PR.4).
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
  }

  /**
   * What BACKUP and RESTORE to S3 call, under the backup prefix only: write (PutObject, multipart included), read back
   * and check for an existing backup (GetObject; ListBucket, bucket-wide), remove its lock and the files of a failed backup
   * (DeleteObject) and abort a failed multipart upload. With the bucket's key. Read: test/contracts/clickhouse.test.ts.
   */
  accessStatements(): iam.PolicyStatement[] {
    const key = this.bucket.encryptionKey!;
    return [
      new iam.PolicyStatement({
        sid: 'ClickHouseBackupObjects',
        actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects(`${CLICKHOUSE_BACKUP_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ClickHouseBackupList',
        actions: ['s3:ListBucket'],
        // No prefix condition: S3 answers a HeadObject for a missing key with 404 only to a caller that may list
        // the bucket, and ClickHouse checks that a backup does not exist yet before writing it.
        resources: [this.bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ClickHouseBackupKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
      }),
    ];
  }
}
