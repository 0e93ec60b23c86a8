import { CfnResource, Token, type IAspect, type RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

export interface FunctionLogGroupsProps {
  readonly retention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Gives every Lambda function without one (CDK's own custom-resource handlers included) a log group
 * owned by the stack. Otherwise Lambda creates `/aws/lambda/<name>` on first run, with no retention,
 * and it outlives `cdk destroy`. The function depends on the group, so the group is deleted last.
 */
export class FunctionLogGroups implements IAspect {
  constructor(private readonly props: FunctionLogGroupsProps) {}

  visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || node.cfnResourceType !== 'AWS::Lambda::Function') return;
    if (node instanceof lambda.CfnFunction && hasLogGroup(node)) return;
    const scope = node.node.scope;
    if (!scope) return;
    const logGroup = new logs.LogGroup(scope, `${node.node.id}LogGroup`, {
      retention: this.props.retention,
      removalPolicy: this.props.removalPolicy,
    });
    node.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
    node.node.addDependency(logGroup);
  }
}

function hasLogGroup(fn: lambda.CfnFunction): boolean {
  const config = fn.loggingConfig;
  if (!config) return false;
  if (Token.isUnresolved(config)) return true;
  return (config as lambda.CfnFunction.LoggingConfigProperty).logGroup !== undefined;
}
