import * as iam from 'aws-cdk-lib/aws-iam';
import type { BedrockModelConfig, ModelConfig } from './config/schema';
import { bedrockInvocationId } from './shared/bedrock';

/**
 * Converse and ConverseStream are authorized as InvokeModel and InvokeModelWithResponseStream:
 * these two actions cover all four runtime APIs.
 */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

export interface BedrockAccessScope {
  readonly partition: string;
  readonly account: string;
}

/**
 * Statements letting a role invoke exactly the configured Bedrock deployments (every region and account of
 * every model group, standbys included) and nothing else.
 */
export function bedrockInvokeStatements(models: readonly ModelConfig[], scope: BedrockAccessScope): iam.PolicyStatement[] {
  const bedrock = models.filter((m): m is BedrockModelConfig => m.provider === 'bedrock');
  const local = bedrock.filter((m) => !m.crossAccountRoleArn);
  const statements: iam.PolicyStatement[] = [];

  const resources = [...new Set(local.flatMap((m) => bedrockResourceArns(m, scope)))].sort();
  if (resources.length > 0) {
    statements.push(new iam.PolicyStatement({ sid: 'InvokeConfiguredModels', actions: [...BEDROCK_INVOKE_ACTIONS], resources }));
  }

  const crossAccountRoles = [...new Set(bedrock.flatMap((m) => (m.crossAccountRoleArn ? [m.crossAccountRoleArn] : [])))].sort();
  if (crossAccountRoles.length > 0) {
    statements.push(
      new iam.PolicyStatement({ sid: 'AssumeCrossAccountBedrockRoles', actions: ['sts:AssumeRole'], resources: crossAccountRoles }),
    );
  }
  return statements;
}

/**
 * A cross-region inference profile lives in the calling region and routes to the same model in any
 * region of its geography, so the foundation-model ARN needs a region wildcard (and only that).
 */
function bedrockResourceArns(model: BedrockModelConfig, scope: BedrockAccessScope): string[] {
  if (!model.inferenceProfile) {
    return [`arn:${scope.partition}:bedrock:${model.region}::foundation-model/${model.modelId}`];
  }
  return [
    `arn:${scope.partition}:bedrock:${model.region}:${scope.account}:inference-profile/${bedrockInvocationId(model)}`,
    `arn:${scope.partition}:bedrock:*::foundation-model/${model.modelId}`,
  ];
}
