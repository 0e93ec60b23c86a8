import * as iam from 'aws-cdk-lib/aws-iam';
import type { BedrockModelConfig, ModelConfig } from './config/schema';
import { bedrockInvocationId, type BedrockDeploymentRef, usesApplicationProfile } from './shared/bedrock';

/**
 * Converse and ConverseStream are authorized as InvokeModel and InvokeModelWithResponseStream:
 * these two actions cover all four runtime APIs.
 */
export const BEDROCK_INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;

export interface BedrockAccessScope {
  readonly partition: string;
  readonly account: string;
  /**
   * Region whose local deployments LiteLLM calls through the environment's application inference profiles
   * (`applicationProfileStatements`): they get no direct grant here. @default none (every deployment is granted directly)
   */
  readonly profileRegion?: string;
}

/**
 * Statements letting a role invoke exactly the configured Bedrock deployments (every region and account of
 * every model group, standbys included) and nothing else.
 */
export function bedrockInvokeStatements(models: readonly ModelConfig[], scope: BedrockAccessScope): iam.PolicyStatement[] {
  const bedrock = models.filter((m): m is BedrockModelConfig => m.provider === 'bedrock');
  const profileRegion = scope.profileRegion;
  const local = bedrock.filter((m) => !m.crossAccountRoleArn && !(profileRegion !== undefined && usesApplicationProfile(m, profileRegion)));
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
 * The exact ARNs a set of deployments is called by (model, or system inference profile and the models behind it),
 * sorted, each once: what a batch job may name and invoke (constructs/bedrock-batch-jobs.ts).
 */
export function bedrockModelArns(models: readonly BedrockModelConfig[], scope: BedrockAccessScope): string[] {
  return [...new Set(models.flatMap((m) => bedrockResourceArns(m, scope)))].sort();
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

/** An application inference profile and the deployment it copies. */
export interface ApplicationProfileGrant {
  /** The profile's ARN (a CloudFormation token in the app). */
  readonly arn: string;
  readonly model: BedrockDeploymentRef;
}

/**
 * Statements letting a role invoke exactly the given application inference profiles. Bedrock also authorizes the
 * foundation model behind a profile (in every region the profile routes to), so the role may invoke those models,
 * but only when the request names one of these profiles (`bedrock:InferenceProfileArn`), never directly.
 */
export function applicationProfileStatements(
  profiles: readonly ApplicationProfileGrant[],
  scope: BedrockAccessScope,
): iam.PolicyStatement[] {
  if (profiles.length === 0) return [];
  const arns = profiles.map((p) => p.arn);
  const models = [...new Set(profiles.map((p) => foundationModelArn(p.model, scope)))].sort();
  return [
    new iam.PolicyStatement({ sid: 'InvokeApplicationProfiles', actions: [...BEDROCK_INVOKE_ACTIONS], resources: arns }),
    new iam.PolicyStatement({
      sid: 'InvokeModelsThroughApplicationProfiles',
      actions: [...BEDROCK_INVOKE_ACTIONS],
      resources: models,
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': arns } },
    }),
  ];
}

/** The foundation model(s) a deployment reaches: its region's, or any region's through a cross-region profile. */
function foundationModelArn(model: BedrockDeploymentRef, scope: BedrockAccessScope): string {
  return `arn:${scope.partition}:bedrock:${model.inferenceProfile ? '*' : model.region}::foundation-model/${model.modelId}`;
}
