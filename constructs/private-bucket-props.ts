import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';

export interface PrivateBucketPropsInput {
  /** Key every object is encrypted with (S3 Bucket Keys on, so KMS is called per bucket session, not per object). */
  readonly encryptionKey: kms.IKey;
  /** Where S3 writes the bucket's access logs. */
  readonly accessLogs: s3.IBucket;
  /** Prefix of this bucket's logs in the access-log bucket. */
  readonly accessLogPrefix: string;
}

/**
 * What every private data bucket of the platform shares: no public access, TLS 1.2 or later only, the owner owns every
 * object, encrypted with a customer key, access-logged, versioned (Control Tower CT.S3.PR.11). Removal and lifecycle
 * stay with each bucket.
 */
export function privateBucketProps(input: PrivateBucketPropsInput): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: input.encryptionKey,
    bucketKeyEnabled: true,
    serverAccessLogsBucket: input.accessLogs,
    serverAccessLogsPrefix: input.accessLogPrefix,
    versioned: true,
  };
}
