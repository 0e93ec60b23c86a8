import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { privateBucketProps } from '../../constructs/private-bucket-props';

describe('privateBucketProps', () => {
  const stack = new Stack(new App(), 'Test');
  const encryptionKey = new kms.Key(stack, 'Key');
  const accessLogs = new s3.Bucket(stack, 'Logs');
  new s3.Bucket(stack, 'Data', privateBucketProps({ encryptionKey, accessLogs, accessLogPrefix: 'data/' }));
  const template = Template.fromStack(stack);

  test('a bucket built from them is private, owner-enforced, KMS-encrypted with bucket keys, logged and versioned', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
      LoggingConfiguration: { LogFilePrefix: 'data/' },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  test('its policy denies any request without TLS, or below TLS 1.2', () => {
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter((p) =>
      JSON.stringify(p).includes('aws:SecureTransport'),
    );
    const statements = JSON.stringify(policy);
    expect(statements).toContain('"aws:SecureTransport":"false"');
    expect(statements).toContain('"s3:TlsVersion":1.2');
  });
});
