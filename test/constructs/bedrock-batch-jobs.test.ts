import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BATCH_JOB_ACTIONS, BedrockBatchJobs, type BedrockBatchJobsProps } from '../../constructs/bedrock-batch-jobs';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROFILE = 'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0';
const MODEL = 'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0';
const JOBS = 'arn:<AWS::Partition>:bedrock:us-east-1:111111111111:model-invocation-job/*';

function build(overrides: Partial<BedrockBatchJobsProps> = {}) {
  const stack = new Stack(undefined, 'Data', { env: { account: '111111111111', region: 'us-east-1' } });
  const encryptionKey = new kms.Key(stack, 'Key');
  const accessLogs = new s3.Bucket(stack, 'Logs');
  const make = () =>
    new BedrockBatchJobs(stack, 'BatchJobs', {
      encryptionKey,
      accessLogs,
      ephemeral: true,
      retentionDays: 3,
      modelArns: [PROFILE, MODEL],
      region: 'us-east-1',
      ...overrides,
    });
  return { stack, make };
}

/** A CloudFormation value as text: references become <logical id> or <AWS::Pseudo>, joins are concatenated. */
function flat(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flat);
  if (value && typeof value === 'object') {
    const v = value as Json;
    if ('Ref' in v) return `<${v.Ref}>`;
    if ('Fn::GetAtt' in v) return `<${v['Fn::GetAtt'][0]}>`;
    if ('Fn::Join' in v) return (v['Fn::Join'][1] as unknown[]).map(flat).join(v['Fn::Join'][0] as string);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flat(x)]));
  }
  return value;
}

/** A policy's statements as text. */
function statements(policy: Json): Json[] {
  return flat(policy.Properties.PolicyDocument.Statement) as Json[];
}

describe('BedrockBatchJobs', () => {
  const { stack, make } = build();
  const jobs = make();
  new iam.ManagedPolicy(stack, 'LiteLlm', { statements: jobs.litellmStatements() });
  const template = Template.fromStack(stack);
  const bucketId = stack.getLogicalId(jobs.bucket.node.defaultChild as s3.CfnBucket);
  const roleId = stack.getLogicalId(jobs.serviceRole.node.defaultChild as iam.CfnRole);
  const bucket = template.findResources('AWS::S3::Bucket')[bucketId]!;
  const role = template.findResources('AWS::IAM::Role')[roleId]!;
  const rolePolicy = Object.values(template.findResources('AWS::IAM::Policy'))[0]!;
  const litellm = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))[0]!;
  const key = (s: string) => `<${s}>`;
  const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;

  test('keeps batch files encrypted with the data key, private, TLS-only, logged, and gone after the retention', () => {
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } },
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
      LoggingConfiguration: { LogFilePrefix: 'batches/' },
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
      { Id: 'expire-batch-files', ExpirationInDays: 3, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' },
      { Id: 'remove-expired-delete-markers', ExpiredObjectDeleteMarker: true, Status: 'Enabled' },
    ]);
    const [bucketPolicy] = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (p) => p.Properties.Bucket.Ref === bucketId,
    );
    expect(bucketPolicy!.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });

  test('goes with an ephemeral environment (emptied, then deleted) and stays with a retained one', () => {
    expect(bucket.DeletionPolicy).toBe('Delete');
    template.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: bucketId } });
    const retained = build({ ephemeral: false });
    retained.make();
    const kept = Template.fromStack(retained.stack);
    const [batchBucket] = Object.values(kept.findResources('AWS::S3::Bucket')).filter(
      (b) => b.Properties.LoggingConfiguration?.LogFilePrefix === 'batches/',
    );
    expect(batchBucket!.DeletionPolicy).toBe('Retain');
    kept.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test("lets only Bedrock assume the service role, and only for this account's jobs in this region", () => {
    expect(flat(role.Properties.AssumeRolePolicyDocument.Statement)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'bedrock.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnLike: { 'aws:SourceArn': JOBS } },
      },
    ]);
  });

  test('gives the service role exactly: read the bucket, write the output prefix, the key through S3, invoke the batch models', () => {
    expect(statements(rolePolicy)).toEqual([
      { Sid: 'ReadBatchInput', Effect: 'Allow', Action: 's3:GetObject', Resource: `${key(bucketId)}/*` },
      { Sid: 'ListBatchBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: key(bucketId) },
      { Sid: 'WriteBatchOutput', Effect: 'Allow', Action: 's3:PutObject', Resource: `${key(bucketId)}/litellm-batch-outputs/*` },
      {
        Sid: 'BatchBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key(keyId),
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      },
      { Sid: 'InvokeBatchModels', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: [MODEL, PROFILE] },
    ]);
  });

  test('gives LiteLLM exactly: batch files, the key, jobs of the batch models, and passing the role to Bedrock only', () => {
    expect(statements(litellm)).toEqual([
      { Sid: 'BatchFiles', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${key(bucketId)}/*` },
      { Sid: 'BatchFilesList', Effect: 'Allow', Action: 's3:ListBucket', Resource: key(bucketId) },
      {
        Sid: 'BatchFilesKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: key(keyId),
        Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
      },
      { Sid: 'CreateBatchJobs', Effect: 'Allow', Action: 'bedrock:CreateModelInvocationJob', Resource: [MODEL, PROFILE, JOBS] },
      { Sid: 'ManageBatchJobs', Effect: 'Allow', Action: [...BATCH_JOB_ACTIONS], Resource: JOBS },
      {
        Sid: 'PassBatchServiceRole',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: key(roleId),
        Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      },
    ]);
  });

  test('denies the service role any write outside the output prefix, and any model but the batch models', () => {
    const all = statements(rolePolicy);
    const writes = all.filter((s) => [s.Action].flat().some((a: string) => /Put|Delete/.test(a)));
    expect(writes.map((s) => s.Resource)).toEqual([`${key(bucketId)}/litellm-batch-outputs/*`]);
    const invokes = all.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('bedrock:')));
    expect(invokes.flatMap((s) => [s.Resource].flat())).toEqual([MODEL, PROFILE]);
    expect(JSON.stringify(all)).not.toMatch(/"(\*|bedrock:\*|s3:\*|iam:PassRole)"/);
  });

  test('denies LiteLLM listing, tagging or deleting jobs, and a job for a model that is not a batch model', () => {
    const actions = statements(litellm).flatMap((s) => [s.Action].flat() as string[]);
    for (const action of ['bedrock:ListModelInvocationJobs', 'bedrock:TagResource', 'bedrock:InvokeModel', 'bedrock:*', 's3:*'])
      expect(actions).not.toContain(action);
    const create = statements(litellm).find((s) => s.Sid === 'CreateBatchJobs')!;
    expect(create.Resource).not.toContain('*');
    expect(create.Resource).not.toContain('arn:aws:bedrock:*::foundation-model/*');
  });

  test.each([
    [{ retentionDays: 0 }, 'retentionDays: 0 must be a whole number of days from 1 to 365'],
    [{ retentionDays: 2.5 }, 'retentionDays: 2.5 must be a whole number of days from 1 to 365'],
    [{ retentionDays: 366 }, 'retentionDays: 366 must be a whole number of days from 1 to 365'],
    [{ modelArns: [] }, 'modelArns: needs at least one Bedrock model or inference profile ARN (the batch models)'],
    [
      { modelArns: ['arn:aws:bedrock:us-east-1::foundation-model/*', 'arn:aws:s3:::bucket'] },
      'modelArns: arn:aws:bedrock:us-east-1::foundation-model/*, arn:aws:s3:::bucket (allowed: Bedrock foundation-model or inference-profile ARNs naming one model each)',
    ],
  ] as const)('rejects %j before building anything', (props, message) => {
    const { stack, make: again } = build(props);
    expect(again).toThrow(message);
    expect(stack.node.tryFindChild('BatchJobs')?.node.children ?? []).toHaveLength(0);
  });
});
