/**
 * Stand-ins for the LiteLLM behaviours that keep tenants apart: where the rate limiter keeps its counters, when a
 * request's "no-log" is honoured and when its own metadata.tags are refused. Each follows
 * test/contracts/litellm-isolation.test.ts, which names the upstream source; change both together.
 */

/** The parts of a rendered config.yaml these behaviours read. */
export interface RenderedLiteLlmConfig {
  readonly litellm_settings?: Readonly<Record<string, unknown>>;
  readonly general_settings?: Readonly<Record<string, unknown>>;
}

/** Where a pod's limit and spend state lives, as GET /coordination_redis/settings names it; null: each pod alone. */
export type CoordinationSource = 'coordination_redis' | 'cache_backend' | null;

/**
 * The precedence LiteLLM applies at start-up: an explicit general_settings.coordination_redis with a connection
 * target; else a Redis response cache (litellm_settings.cache true, cache_params.type redis or absent) it borrows;
 * else nothing shared. The REDIS_* fallback of newer code is left out: the note read says any cache_params key
 * turns it off (upstream issue #26233) and, with no cache_params, the cache is already a Redis one; how exactly it
 * behaves at v1.108.12 was not confirmed, and our configs never rely on it.
 */
export function coordinationSource(config: RenderedLiteLlmConfig): CoordinationSource {
  const block = config.general_settings?.coordination_redis as Record<string, unknown> | undefined;
  if (block && ['host', 'url', 'startup_nodes', 'sentinel_nodes'].some((k) => block[k] !== undefined && block[k] !== '')) {
    return 'coordination_redis';
  }
  const settings = config.litellm_settings ?? {};
  if (settings.cache !== true) return null;
  const params = (settings.cache_params ?? {}) as Record<string, unknown>;
  return (params.type ?? 'redis') === 'redis' ? 'cache_backend' : null;
}

/** The v3 limiter's window, LITELLM_RATE_LIMIT_WINDOW_SIZE's default: every key it writes expires after it. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** The descriptors the v3 limiter counts: a key by its hash, a team by its id, and so on. */
export type RateLimitDescriptor = 'api_key' | 'team' | 'user' | 'end_user' | 'team_member' | 'model_per_key';

/** The Valkey keys the v3 limiter writes for one descriptor (hash-tagged so they share a cluster slot). */
export function rateLimitKeys(descriptor: RateLimitDescriptor, value: string): readonly string[] {
  return ['window', 'requests', 'tokens', 'max_parallel_requests'].map((kind) => `{${descriptor}:${value}}:${kind}`);
}

/**
 * A fixed-window request counter like the v3 limiter's: the first request opens a 60 s window, each request adds
 * one, a request whose count passes the limit is refused (429). Pods given the same store count together; pods
 * with a store each count alone, which is what happens without a shared store.
 */
export class RequestWindow {
  private readonly counts = new Map<string, { start: number; count: number }>();

  /** True when the request is within the limit. */
  admit(key: string, limit: number, nowSeconds: number): boolean {
    const current = this.counts.get(key);
    const open = current && nowSeconds - current.start < RATE_LIMIT_WINDOW_SECONDS ? current : { start: nowSeconds, count: 0 };
    open.count++;
    this.counts.set(key, open);
    return open.count <= limit;
  }
}

/** Whether LiteLLM drops a request's trace because the request said "no-log": true. */
export function noLogHonoured(config: RenderedLiteLlmConfig, requestBody: Readonly<Record<string, unknown>>): boolean {
  if (config.litellm_settings?.global_disable_no_log_param === true) return false;
  return requestBody['no-log'] === true;
}

/** Routes the tag check treats as LLM API routes (those our edge exposes and LiteLLM lists as OpenAI routes). */
const LLM_API_ROUTES = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/responses', '/v1/messages'];

/**
 * Whether LiteLLM refuses the request (400, param metadata.tags) because it carries its own metadata.tags. Only a
 * `metadata` object with a `tags` entry is looked at: tags in `litellm_metadata`, in a metadata JSON string or in
 * the x-litellm-tags header are not (the gaps the contract test names).
 */
export function clientTagsRefused(config: RenderedLiteLlmConfig, route: string, requestBody: Readonly<Record<string, unknown>>): boolean {
  if (config.general_settings?.reject_clientside_metadata_tags !== true) return false;
  const metadata = requestBody.metadata;
  return (
    LLM_API_ROUTES.includes(route) && typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && 'tags' in metadata
  );
}
