/**
 * How a configured Bedrock model is named when LiteLLM calls it and when IAM allows the call.
 * Dependency-free on purpose: the renderer (k8s/) and the IAM policy (lib/) both import it.
 */

export interface BedrockModelRef {
  /** Foundation model id, e.g. anthropic.claude-sonnet-4-20250514-v1:0. */
  readonly modelId: string;
  /** Cross-region inference profile prefix (us, eu, apac, global), if the model is called through one. */
  readonly inferenceProfile?: string;
}

/** The id LiteLLM sends to Bedrock: the inference profile id when one is configured, else the model id. */
export function bedrockInvocationId(model: BedrockModelRef): string {
  return model.inferenceProfile ? `${model.inferenceProfile}.${model.modelId}` : model.modelId;
}

/** A Bedrock deployment as far as its application inference profile is concerned. */
export interface BedrockDeploymentRef extends BedrockModelRef {
  readonly region: string;
  /** Set when LiteLLM assumes a role in another account: a profile of ours cannot serve that account's calls. */
  readonly crossAccountRoleArn?: string;
}

/**
 * Whether LiteLLM calls this deployment through an application inference profile of the environment: the profile is
 * created by the platform stack, so only in its region and account. Deployments in another region or account keep
 * calling the model or system profile directly, and their token spend carries no environment tag.
 */
export function usesApplicationProfile(model: BedrockDeploymentRef, profileRegion: string): boolean {
  return !model.crossAccountRoleArn && model.region === profileRegion;
}

/**
 * Variable carrying the ARN of a deployment's application inference profile into the LiteLLM pod (the ARN is only
 * known after deploy). One per invocation id and region: two groups serving the same model share one profile.
 */
export function bedrockProfileEnvName(model: BedrockDeploymentRef): string {
  return `BEDROCK_PROFILE_${`${bedrockInvocationId(model)}_${model.region}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}
