import type { LiteLlmAdmin } from '../tenants/litellm-admin';

export interface ReadinessOptions {
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Between polls. */
  readonly intervalMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
}

/**
 * Polls /health/readiness until LiteLLM says its database is connected: the route answers 200 even while the
 * database is unreachable (test/contracts/litellm-admin.test.ts), and before the pods are up the load balancer
 * answers 503 or nothing at all. Fails with what it last saw once the deadline has passed.
 */
export async function waitUntilReady(admin: LiteLlmAdmin, baseUrl: string, opts: ReadinessOptions): Promise<number> {
  const start = opts.now();
  let polls = 0;
  for (;;) {
    let last: string;
    polls++;
    try {
      const r = await admin.readiness();
      if (r.httpStatus === 200 && r.db === 'connected') {
        opts.log(`readiness: LiteLLM ready after ${polls} poll(s), ${Math.round((opts.now() - start) / 1000)} s`);
        return polls;
      }
      last = r.httpStatus === 200 ? `status ${r.status ?? '?'}, database ${r.db ?? 'not reported'}` : `HTTP ${r.httpStatus}`;
    } catch (err) {
      last = (err as Error).message;
    }
    const elapsed = opts.now() - start;
    if (elapsed + opts.intervalMs > opts.timeoutMs) {
      throw new Error(
        `LiteLLM at ${baseUrl} was not ready within ${Math.round(opts.timeoutMs / 1000)} s (${polls} polls of /health/readiness; last: ${last}). ` +
          'Check the gateway pods and their database connection, then deploy again.',
      );
    }
    await opts.sleep(opts.intervalMs);
  }
}
