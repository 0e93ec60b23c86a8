/**
 * Finding the smoke call's trace in Langfuse.
 *
 * The chat request carries `metadata.trace_user_id`, which becomes the Langfuse trace's user id. With the
 * `langfuse_otel` callback the charts configure, LiteLLM copies that metadata key onto the span as `user.id`
 * (BerriAI/litellm, litellm/integrations/langfuse/langfuse_otel.py and litellm/types/integrations/langfuse_otel.py,
 * main line read 2026-11-29, not confirmed at the pinned tag), and Langfuse's OTel ingestion makes `user.id` the
 * trace user (test/contracts/litellm.test.ts); the older `langfuse` callback turns `trace_*` metadata keys into trace
 * fields too (litellm/integrations/langfuse/langfuse.py).
 *
 * Langfuse's public API lists traces with `GET /api/public/traces?userId=&fromTimestamp=&limit=` under HTTP Basic
 * auth with the project's public and secret keys and answers `{ data: [...], meta: {...} }`
 * (langfuse/langfuse, web/src/pages/api/public/traces/index.ts, main line read 2026-11-29).
 */
import { send, type Fetch, type HttpAnswer } from './smoke-http';

/**
 * Prefixes the charts put before the generated random parts of the headless-init project keys
 * (k8s/langfuse-chart.ts, k8s/litellm-chart.ts: `pk-lf-{{ .initPublicKey }}`, `sk-lf-{{ .initSecretKey }}`).
 */
export const LANGFUSE_PUBLIC_KEY_PREFIX = 'pk-lf-';
export const LANGFUSE_SECRET_KEY_PREFIX = 'sk-lf-';

/**
 * Logical id prefixes of the generated init key secrets in the data stack (constructs/platform-secrets.ts under the
 * construct id `Secrets`; CloudFormation adds a hash).
 */
export const LANGFUSE_KEY_LOGICAL_IDS = { publicKey: 'SecretsLangfuseInitPublicKey', secretKey: 'SecretsLangfuseInitSecretKey' } as const;

export interface LangfuseKeys {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** The project keys as Langfuse and LiteLLM see them, from the random parts Secrets Manager holds. */
export function langfuseKeys(randomParts: LangfuseKeys): LangfuseKeys {
  return {
    publicKey: `${LANGFUSE_PUBLIC_KEY_PREFIX}${randomParts.publicKey}`,
    secretKey: `${LANGFUSE_SECRET_KEY_PREFIX}${randomParts.secretKey}`,
  };
}

/** The request metadata that makes the smoke call's trace findable. */
export function traceMetadata(traceUserId: string): Record<string, string> {
  return { trace_user_id: traceUserId, generation_name: 'smoke-test' };
}

/** The traces query for one user since a moment (ISO 8601). */
export function tracesUrl(langfuseUrl: string, userId: string, since: Date): string {
  const query = new URLSearchParams({ userId, fromTimestamp: since.toISOString(), limit: '10' });
  return `${langfuseUrl.replace(/\/+$/, '')}/api/public/traces?${query.toString()}`;
}

/** Whether a traces answer holds a trace of this user. */
export function hasTrace(answer: HttpAnswer, userId: string): boolean {
  if (answer.status !== 200) return false;
  const data = (answer.body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) && data.some((t) => (t as { userId?: unknown } | null)?.userId === userId);
}

export interface TraceWait {
  readonly fetch: Fetch;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly langfuseUrl: string;
  readonly keys: LangfuseKeys;
  readonly userId: string;
  readonly since: Date;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * Polls until the trace shows up or time runs out. Returns the last answer: a 200 with the trace, or what stood
 * in its way (an error status, no response, or a 200 without it at the deadline).
 */
export async function waitForTrace(w: TraceWait): Promise<{ found: boolean; last: HttpAnswer }> {
  const deadline = w.now() + w.timeoutMs;
  const authorization = `Basic ${Buffer.from(`${w.keys.publicKey}:${w.keys.secretKey}`).toString('base64')}`;
  for (;;) {
    const last = await send(w.fetch, tracesUrl(w.langfuseUrl, w.userId, w.since), { headers: { authorization } }, w.requestTimeoutMs);
    if (hasTrace(last, w.userId)) return { found: true, last };
    // Wrong keys or an unreachable host will not fix themselves while we wait.
    if (last.status !== 200) return { found: false, last };
    if (w.now() + w.pollMs > deadline) return { found: false, last };
    await w.sleep(w.pollMs);
  }
}
