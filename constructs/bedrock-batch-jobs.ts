import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { privateBucketProps } from './private-bucket-props';
import { BATCH_OUTPUT_PREFIX, BATCH_RETENTION_DAYS } from '../lib/shared/batches';

/** The Bedrock actions LiteLLM calls to run a job it created: status (retrieve) and stop (cancel). */
export const BATCH_JOB_ACTIONS = ['bedrock:GetModelInvocationJob', 'bedrock:StopModelInvocationJob'] as const;

export interface BedrockBatchJobsProps {
  /** Encrypts the batch bucket's objects (S3 default encryption, so LiteLLM's plain signed PUT needs no header). */
  readonly encryptionKey: kms.IKey;
  /** Bucket the server access logs go to, under `batches/`. */
  readonly accessLogs: s3.IBucket;
  /** Ephemeral environments empty and delete the bucket on destroy; others retain it. */
  readonly ephemeral: boolean;
  /** Days uploaded batch files and job output are kept before S3 expires them. */
  readonly retentionDays: number;
  /**
   * Exact ARNs of the models and inference profiles batch jobs may run (lib/bedrock-access.ts bedrockModelArns): what
   * LiteLLM may name in CreateModelInvocationJob and what the service role may invoke.
   */
  readonly modelArns: readonly string[];
  /** Region the jobs run in (the environment's): Bedrock reads and writes the bucket from there. */
  readonly region: string;
}

/**
 * What a Bedrock batch inference job needs: the bucket LiteLLM uploads batch input to and Bedrock writes output to
 * (KMS-encrypted, TLS-only, private, expiring), and the service role Bedrock assumes for the job (only Bedrock, only
 * for this account's jobs in this region; reads the bucket, writes only under the output prefix, invokes only the
 * batch models). LiteLLM's part is `litellmStatements()`. Upstream facts: test/contracts/litellm-batches.test.ts.
 */
export class BedrockBatchJobs extends Construct {
  readonly bucket: s3.Bucket;
  /** The role LiteLLM passes as `roleArn` in CreateModelInvocationJob (`aws_batch_role_arn`). */
  readonly serviceRole: iam.Role;
  /** The batch models' ARNs, sorted, each once. */
  readonly modelArns: readonly string[];
  /** Every batch inference job of this account in the jobs' region: Bedrock names a job only when it creates it. */
  readonly jobArnPattern: string;
  private readonly encryptionKey: kms.IKey;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: BedrockBatchJobsProps) {
    super(scope, id);
    const days = props.retentionDays;
    if (!(Number.isInteger(days) && days >= BATCH_RETENTION_DAYS.min && days <= BATCH_RETENTION_DAYS.max)) {
      throw new Error(
        `retentionDays: ${days} must be a whole number of days from ${BATCH_RETENTION_DAYS.min} to ${BATCH_RETENTION_DAYS.max}`,
      );
    }
    if (props.modelArns.length === 0) {
      throw new Error('modelArns: needs at least one Bedrock model or inference profile ARN (the batch models)');
    }
    // A region wildcard is how a cross-region profile's models are named; a model wildcard would grant every model.
    const notOneModel = props.modelArns.filter(
      (arn) => !/^arn:[^:]+:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile)\/[^*]+$/.test(arn),
    );
    if (notOneModel.length > 0) {
      throw new Error(
        `modelArns: ${notOneModel.join(', ')} (allowed: Bedrock foundation-model or inference-profile ARNs naming one model each)`,
      );
    }
    this.modelArns = [...new Set(props.modelArns)].sort();
    this.encryptionKey = props.encryptionKey;
    this.region = props.region;
    const { account, partition } = Stack.of(this);
    this.jobArnPattern = `arn:${partition}:bedrock:${props.region}:${account}:model-invocation-job/*`;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketProps({ encryptionKey: props.encryptionKey, accessLogs: props.accessLogs, accessLogPrefix: 'batches/' }),
      ...(props.ephemeral
        ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
        : { removalPolicy: RemovalPolicy.RETAIN, autoDeleteObjects: false }),
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        // Prompts and answers of every team: kept only as long as the config says, then gone for good.
        { id: 'expire-batch-files', expiration: Duration.days(days), noncurrentVersionExpiration: Duration.days(1) },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
    });
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };

    this.serviceRole = new iam.Role(this, 'ServiceRole', {
      description: 'Bedrock batch inference jobs of the gateway: read batch input, write output, invoke the batch models',
      // Confused-deputy guard (Bedrock user guide, batch-iam-sr): only Bedrock acting for this account's jobs here.
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': this.jobArnPattern },
      }),
    });
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadBatchInput', actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('*')] }),
      new iam.PolicyStatement({ sid: 'ListBatchBucket', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
      new iam.PolicyStatement({
        sid: 'WriteBatchOutput',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${BATCH_OUTPUT_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'BatchBucketKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` } },
      }),
      new iam.PolicyStatement({ sid: 'InvokeBatchModels', actions: ['bedrock:InvokeModel'], resources: [...this.modelArns] }),
    ];
    for (const statement of statements) this.serviceRole.addToPrincipalPolicy(statement);
  }

  /**
   * What LiteLLM calls for the files and batches routes: upload input, read output, delete files (S3 with the bucket's
   * key), create jobs for the batch models only, read and stop jobs, and pass the service role to Bedrock only.
   */
  litellmStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'BatchFiles',
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
      new iam.PolicyStatement({ sid: 'BatchFilesList', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
      new iam.PolicyStatement({
        sid: 'BatchFilesKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
        // Only for S3 on LiteLLM's behalf: the data key also encrypts secrets LiteLLM must not decrypt this way.
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
      }),
      new iam.PolicyStatement({
        sid: 'CreateBatchJobs',
        actions: ['bedrock:CreateModelInvocationJob'],
        resources: [...this.modelArns, this.jobArnPattern],
      }),
      new iam.PolicyStatement({ sid: 'ManageBatchJobs', actions: [...BATCH_JOB_ACTIONS], resources: [this.jobArnPattern] }),
      new iam.PolicyStatement({
        sid: 'PassBatchServiceRole',
        actions: ['iam:PassRole'],
        resources: [this.serviceRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      }),
    ];
  }
}
