import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Read access to secrets, written as plain statements. `secret.grantRead` would also edit the key
 * policy, tying the stack that holds the key to the stack that holds the reader.
 */
export function secretReadStatements(secretArns: readonly string[], key: kms.IKey): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [...secretArns] }),
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      // Only when Secrets Manager decrypts on the caller's behalf.
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
    }),
  ];
}

/** ARN pattern of a secret known by name: Secrets Manager appends a random 6-character suffix. */
export function secretArnForName(name: string): string {
  return `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${name}-??????`;
}
