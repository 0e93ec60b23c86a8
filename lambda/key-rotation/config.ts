/** Every environment variable the rotation function reads. The KeyRotation construct sets these. */
export const ENV_VAR_NAMES = ['LITELLM_URL', 'MASTER_KEY_SECRET_ARN', 'GRACE_SECONDS'] as const;

export interface RotationConfig {
  /** LiteLLM inside the VPC, without a trailing slash: `http://<internal load balancer>:<port>`. */
  readonly litellmUrl: string;
  /** Secret holding `{"value": "<master key without sk->"}`, as the LiteLLM chart reads it. */
  readonly masterKeySecretArn: string;
  /**
   * How long a rotated-out key keeps working after finishSecret: longer than every cache that may still hand
   * it out (the authorizer's key cache and its stale-on-error window, API Gateway's authorizer cache).
   */
  readonly graceSeconds: number;
}

/** A week: past it the old key would outlive any cache by days, which only widens the window of a leak. */
const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export class RotationConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid key rotation configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RotationConfigError';
  }
}

/** Reads and checks the environment once per cold start; every problem is listed in one error. */
export function parseRotationConfig(env: Readonly<Record<string, string | undefined>>): RotationConfig {
  const problems: string[] = [];
  const url = env.LITELLM_URL ?? '';
  let litellmUrl = '';
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    litellmUrl = url.replace(/\/+$/, '');
  } catch {
    problems.push(`LITELLM_URL: ${url ? `"${url}" is not an http(s) URL` : 'is required'}`);
  }
  const masterKeySecretArn = env.MASTER_KEY_SECRET_ARN ?? '';
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(masterKeySecretArn)) {
    problems.push(
      `MASTER_KEY_SECRET_ARN: ${masterKeySecretArn ? `"${masterKeySecretArn}" is not a Secrets Manager secret ARN` : 'is required'}`,
    );
  }
  const grace = env.GRACE_SECONDS ?? '';
  const graceSeconds = /^\d{1,7}$/.test(grace) ? Number(grace) : NaN;
  if (!(graceSeconds >= 1 && graceSeconds <= MAX_GRACE_SECONDS)) {
    problems.push(
      `GRACE_SECONDS: ${grace ? `"${grace}" is not` : 'is required, as'} a whole number of seconds from 1 to ${MAX_GRACE_SECONDS}`,
    );
  }
  if (problems.length > 0) throw new RotationConfigError(problems);
  return { litellmUrl, masterKeySecretArn, graceSeconds };
}
