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
