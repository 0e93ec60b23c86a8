import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface LogGroupKeyProps {
  /** DESTROY in ephemeral environments: the key is then scheduled for deletion after the shortest wait, 7 days. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer managed key a stack's CloudWatch log groups are encrypted with. CloudWatch Logs itself encrypts and
 * decrypts, so writers and readers need no key permission; the key policy lets the regional CloudWatch Logs service
 * use the key only for log groups of this account and region (encryption context `aws:logs:arn`), as in the CloudWatch
 * Logs user guide, "Encrypt log data in CloudWatch Logs using AWS KMS", step 2 (read 2026-11-29).
 */
export class LogGroupKey extends Construct {
  /** The stack's one log group key, created on first use. */
  static of(stack: Stack, props: LogGroupKeyProps): kms.Key {
    const existing = stack.node.tryFindChild(ID);
    return existing instanceof LogGroupKey ? existing.key : new LogGroupKey(stack, ID, props).key;
  }

  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: LogGroupKeyProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `CloudWatch Logs encryption for ${Stack.of(this).stackName}`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      ...(props.removalPolicy === RemovalPolicy.DESTROY ? { pendingWindow: Duration.days(7) } : {}),
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );
  }
}

const ID = 'LogGroupKey';
