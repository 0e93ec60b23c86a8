import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * Read access to secrets granted on the principal's side only. `secret.grantRead` would also edit
 * the key policy, which makes the stack holding the key depend on the stack holding the role.
 */
export function grantSecretsRead(grantee: iam.IGrantable, secrets: readonly secretsmanager.ISecret[], key: kms.IKey): void {
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
    resourceArns: secrets.map((s) => s.secretArn),
  });
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      // Only when Secrets Manager decrypts on the caller's behalf.
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.amazonaws.com` } },
    }),
  );
}
