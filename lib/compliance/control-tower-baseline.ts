import { Stack, type IAspect, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { LogGroupKey } from '../../constructs/log-group-key';

export interface ControlTowerBaselineProps {
  /** Removal policy of the log group keys it creates: the environment's, so an ephemeral one leaves none behind. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * What every resource of a kind needs to pass AWS Control Tower's proactive controls, applied to all of them, CDK's own
 * included, so no construct has to remember it:
 * - every log group is encrypted with its stack's customer managed key (CT.CLOUDWATCH.PR.3);
 * - every KMS key policy denies CreateGrant unless an AWS service asks for it on a caller's behalf (CT.KMS.PR.3).
 */
export class ControlTowerBaseline implements IAspect {
  private readonly limited = new WeakSet<kms.Key>();

  constructor(private readonly props: ControlTowerBaselineProps) {}

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup && node.kmsKeyId === undefined) {
      node.kmsKeyId = LogGroupKey.of(Stack.of(node), this.props).keyArn;
    }
    if (node instanceof kms.Key && !this.limited.has(node)) {
      this.limited.add(node);
      node.addToResourcePolicy(grantsOnlyForAwsServices());
    }
  }
}

/**
 * The statement CT.KMS.PR.3 asks for: nobody creates a grant on the key unless an integrated AWS service creates it for
 * them (EBS, RDS, EKS and the like) or the caller is an AWS service. BoolIfExists so a request without the keys is
 * denied too. From the control's guard rule (ct-kms-pr-3.guard in @cdklabs/cdk-validator-cfnguard 0.0.62).
 */
export function grantsOnlyForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  });
}
