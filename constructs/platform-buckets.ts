import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LANGFUSE_S3_PREFIXES } from '../lib/shared/langfuse';

/** Days a file deleted in Open WebUI stays recoverable as a noncurrent version. */
export const OPEN_WEBUI_DELETED_FILE_DAYS = 7;

export interface PlatformBucketsProps {
  readonly encryptionKey: kms.IKey;
  /** Ephemeral environments empty and delete the buckets on destroy; others retain them. */
  readonly ephemeral: boolean;
  /**
   * Adds Open WebUI's uploads bucket.
   * @default false
   */
  readonly openWebUi?: boolean;
  /**
   * Days Langfuse's events/ and media/ objects are kept; the bucket's versioning then keeps the expired version for
   * NONCURRENT_VERSION_DAYS more. Must be at least Langfuse's own minimum retention (3 days).
   * @default - kept until deleted
   */
  readonly traceRetentionDays?: number;
}

/** Days a deleted or overwritten Langfuse object stays recoverable as a noncurrent version. */
export const NONCURRENT_VERSION_DAYS = 30;

/** Langfuse's own minimum for a project's retention (projectRetentionSchema: 0 or at least 3 days). */
export const MIN_TRACE_RETENTION_DAYS = 3;

/**
 * The Langfuse bucket (events, media, exports: versioned, tiered), the ClickHouse disk bucket and, when
 * enabled, Open WebUI's uploads bucket. ClickHouse manages its own objects: versioning or expiry rules
 * under it corrupt its disk; only abandoned multipart uploads are aborted there.
 */
export class PlatformBuckets extends Construct {
  readonly langfuse: s3.Bucket;
  readonly clickhouse: s3.Bucket;
  /** Files employees upload to Open WebUI; only when enabled. */
  readonly openWebUi?: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: PlatformBucketsProps) {
    super(scope, id);
    const retention = props.traceRetentionDays;
    if (retention !== undefined && !(Number.isInteger(retention) && retention >= MIN_TRACE_RETENTION_DAYS)) {
      throw new Error(
        `traceRetentionDays: ${retention} must be a whole number of days, at least ${MIN_TRACE_RETENTION_DAYS} (Langfuse's minimum)`,
      );
    }
    const expire = retention !== undefined ? { expiration: Duration.days(retention) } : {};
    const removal = props.ephemeral
      ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
      : { removalPolicy: RemovalPolicy.RETAIN, autoDeleteObjects: false };
    const baseline = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      ...removal,
    };

    // Log delivery cannot write with a customer key: S3-managed encryption for the log bucket only.
    // Versioned (Control Tower CT.S3.PR.11): a deleted or expired log stays recoverable for a day.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...baseline,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });

    const encrypted = {
      ...baseline,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One KMS call per bucket key instead of per object: keeps ClickHouse's many small writes cheap.
      bucketKeyEnabled: true,
      serverAccessLogsBucket: this.accessLogs,
    };

    this.langfuse = new s3.Bucket(this, 'Langfuse', {
      ...encrypted,
      serverAccessLogsPrefix: 'langfuse/',
      versioned: true,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // With a trace retention, the same rules expire events and media after it (observability.traceRetentionDays).
        {
          id: 'tier-events',
          prefix: LANGFUSE_S3_PREFIXES.events,
          transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) }],
          ...expire,
        },
        {
          id: 'tier-media',
          prefix: LANGFUSE_S3_PREFIXES.media,
          transitions: [{ storageClass: s3.StorageClass.INTELLIGENT_TIERING, transitionAfter: Duration.days(0) }],
          ...expire,
        },
        // Exports are downloaded once, soon after they are made.
        { id: 'expire-exports', prefix: LANGFUSE_S3_PREFIXES.exports, expiration: Duration.days(7) },
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS) },
        // An expired object leaves a delete marker; once its last version is gone the marker goes too.
        ...(retention !== undefined ? [{ id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true }] : []),
      ],
    });

    this.clickhouse = new s3.Bucket(this, 'ClickHouse', {
      ...encrypted,
      serverAccessLogsPrefix: 'clickhouse/',
      versioned: false,
      // Touches only uploads that never completed (billed while they linger), never an object ClickHouse wrote:
      // Langfuse's ClickHouse guide recommends this rule and rules out expiry and versioning.
      lifecycleRules: [{ id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    });

    if (props.openWebUi) {
      // Versioned like the others (Control Tower CT.S3.PR.11), but Open WebUI deletes a file when its owner
      // deletes it: the old version is kept a week against mistakes, then it is gone for good.
      this.openWebUi = new s3.Bucket(this, 'OpenWebUi', {
        ...encrypted,
        serverAccessLogsPrefix: 'open-webui/',
        versioned: true,
        lifecycleRules: [
          { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
          { id: 'expire-deleted-files', noncurrentVersionExpiration: Duration.days(OPEN_WEBUI_DELETED_FILE_DAYS) },
          { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
        ],
      });
    }

    for (const bucket of [this.accessLogs, this.langfuse, this.clickhouse, this.openWebUi]) {
      if (bucket) publishEventsToEventBridge(bucket);
    }
  }

  /** Read, write and delete under Langfuse's prefixes, nothing else. */
  langfuseAccessStatements(): iam.PolicyStatement[] {
    return objectAccessStatements(this.langfuse, Object.values(LANGFUSE_S3_PREFIXES), ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
  }

  /**
   * What Open WebUI's S3 storage provider calls (backend/open_webui/storage/provider.py): upload_file (PutObject,
   * or a multipart upload boto3 aborts when it fails), download_file (HeadObject and GetObject), delete_object,
   * and list_objects_v2 when an admin deletes every file. No object tagging: S3_ENABLE_TAGGING stays off.
   * Empty when the bucket is not enabled.
   */
  openWebUiAccessStatements(): iam.PolicyStatement[] {
    if (!this.openWebUi) return [];
    return objectAccessStatements(this.openWebUi, [''], ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
  }

  /** The ClickHouse S3 disk lists, reads, writes and deletes its own objects, and aborts failed multipart uploads. */
  clickhouseAccessStatements(): iam.PolicyStatement[] {
    return objectAccessStatements(this.clickhouse, [''], ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload']);
  }
}

/**
 * Explicit actions only: the bucket's own grant methods use wildcard actions (s3:GetObject*, s3:Abort*).
 * An empty prefix means the whole bucket.
 */
function objectAccessStatements(bucket: s3.Bucket, prefixes: readonly string[], actions: readonly string[]): iam.PolicyStatement[] {
  const statements = [
    new iam.PolicyStatement({ actions: [...actions], resources: prefixes.map((prefix) => bucket.arnForObjects(`${prefix}*`)) }),
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      ...(prefixes.every((p) => p !== '') ? { conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) } } } : {}),
    }),
  ];
  if (bucket.encryptionKey) {
    statements.push(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [bucket.encryptionKey.keyArn] }));
  }
  return statements;
}

/**
 * Object events go to the account's default EventBridge bus, where rules can pick them up (Control Tower CT.S3.PR.4).
 * Set on the CloudFormation resource: the L2 `eventBridgeEnabled` would add a custom-resource Lambda to do the same.
 */
function publishEventsToEventBridge(bucket: s3.Bucket): void {
  (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
