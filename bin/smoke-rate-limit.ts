/**
 * The smoke check that a consumer's rpm limit holds across every gateway pod: LiteLLM counts a key's requests in
 * Valkey (general_settings.coordination_redis, test/contracts/litellm-isolation.test.ts) only when the pods share
 * a store; counted per pod, a limit of N lets N x pods through. The check fires rpm + 1 one-token completions at
 * once (the load balancer spreads them over pods and connections) and expects LiteLLM to refuse at least one.
 */
import { openAiError } from './smoke-diagnosis';
import { send } from './smoke-http';
import type { CheckContext, CheckResult, ClientHeaders } from './smoke-checks';

export const RATE_LIMIT_CAUSES = {
  perPod:
    'no request was refused: the limit is counted per pod. Check that every LiteLLM pod reports source "coordination_redis" on GET /coordination_redis/settings (master key, from inside the cluster) and reaches Valkey',
  otherFailure: 'requests failed for another reason than the rate limit; fix those first (run the smoke test without --rate-limit)',
  notLiteLlm: '429s came without an OpenAI-style error body: API Gateway throttling, not the consumer limit, answered',
} as const;

/** How many requests answered what; `refused` counts LiteLLM's 429s (OpenAI-style error body). */
export interface Burst {
  readonly ok: number;
  readonly refused: number;
  readonly otherStatus: readonly number[];
  readonly throttledByEdge: number;
}

/** Fires `count` one-token chat completions at once. */
export async function fireBurst(ctx: CheckContext, headers: ClientHeaders, model: string, count: number): Promise<Burst> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      send(
        ctx.fetch,
        `${ctx.gatewayUrl}/chat/completions`,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: `Reply OK (${i}).` }], max_tokens: 1 }),
        },
        ctx.timeoutMs,
      ),
    ),
  );
  const refused = answers.filter((a) => a.status === 429 && openAiError(a.body) !== undefined).length;
  const throttledByEdge = answers.filter((a) => a.status === 429 && openAiError(a.body) === undefined).length;
  return {
    ok: answers.filter((a) => a.status === 200).length,
    refused,
    throttledByEdge,
    otherStatus: answers.filter((a) => a.status !== 200 && a.status !== 429).map((a) => a.status ?? 0),
  };
}

/** Passes when LiteLLM refuses at least one of rpm + 1 requests and every other one succeeds. */
export async function checkSharedRateLimit(ctx: CheckContext, headers: ClientHeaders, model: string, rpm: number): Promise<CheckResult> {
  const name = `rpm limit ${rpm} holds across pods (${rpm + 1} requests at once)`;
  const start = ctx.now();
  const burst = await fireBurst(ctx, headers, model, rpm + 1);
  const ms = ctx.now() - start;
  const detail = `${burst.ok} answered 200, ${burst.refused} refused with 429${
    burst.throttledByEdge ? `, ${burst.throttledByEdge} throttled by the edge` : ''
  }${burst.otherStatus.length ? `, others: ${burst.otherStatus.join(', ')}` : ''}`;
  if (burst.otherStatus.length > 0) return { name, outcome: 'fail', ms, detail, cause: RATE_LIMIT_CAUSES.otherFailure };
  if (burst.refused > 0) return { name: `${name}: ${detail}`, outcome: 'pass', ms };
  const cause = burst.throttledByEdge > 0 ? RATE_LIMIT_CAUSES.notLiteLlm : RATE_LIMIT_CAUSES.perPod;
  return { name, outcome: 'fail', ms, detail, cause };
}
