/**
 * Batch jobs (the OpenAI files and batches routes) as the renderer, the stacks and the tests name them.
 * Dependency-free: k8s/ and lib/ both import it. Upstream behaviour: test/contracts/litellm-batches.test.ts.
 */

/** Suffix of the model name a team asks for to run a model group's requests as a Bedrock batch job. */
export const BATCH_MODEL_SUFFIX = '-batch';

/**
 * The batch copy of a model group: its own model_list entries (`model_info.mode: batch`) carrying the S3 bucket
 * and the service role, so the chat deployments of the group never see batch-only parameters.
 */
export function batchModelName(group: string): string {
  return `${group}${BATCH_MODEL_SUFFIX}`;
}

/**
 * Whether a deployment of a batch group runs its batch jobs: Bedrock, in the environment's region (the job reads and
 * writes the environment's bucket, and Bedrock batch jobs read S3 in their own region) and account (the bucket and the
 * service role are this account's; LiteLLM signs S3 calls with the deployment's credentials). A group's batch copy is
 * made of these deployments only; its other deployments keep serving chat.
 */
export function runsBatchJobs(
  deployment: { readonly provider: string; readonly region?: string; readonly crossAccountRoleArn?: string },
  region: string,
): boolean {
  return deployment.provider === 'bedrock' && deployment.region === region && deployment.crossAccountRoleArn === undefined;
}

/** Variables carrying the batch bucket's name and the Bedrock batch service role's ARN into the LiteLLM pod. */
export const BATCH_ENV = {
  bucket: 'LITELLM_BATCH_BUCKET',
  roleArn: 'LITELLM_BATCH_ROLE_ARN',
} as const;

/**
 * Where LiteLLM writes in the batch bucket (test/contracts/litellm-batches.test.ts, S3 KEYS): uploaded batch input
 * under `litellm-bedrock-files-...` / `litellm-bedrock-files/...`, other uploads under its managed upload prefix, and
 * Bedrock's output under `litellm-batch-outputs/<job>/`. The bucket holds nothing else, so grants cover it whole.
 */
export const BATCH_OUTPUT_PREFIX = 'litellm-batch-outputs/';

/** Bounds of how long batch files stay in the bucket (days). */
export const BATCH_RETENTION_DAYS = { min: 1, max: 365, default: 7 } as const;

/**
 * Smallest and largest batch a Bedrock job accepts is a Bedrock quota (records per job, per model); a file larger
 * than this cannot pass the edge at all: API Gateway REST payload limit, 10 MB, not adjustable
 * (test/contracts/api-gateway.test.ts), minus the multipart envelope.
 */
export const EDGE_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;
