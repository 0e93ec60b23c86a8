/**
 * LiteLLM's tenant boundaries as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): where the
 * rate limiter and spend counters keep state shared by every pod, and the two settings that stop a client from
 * switching its own tracing off or adding its own attribution tags; each checked against the config the LiteLLM
 * chart renders for every environment.
 *
 * Upstream, read 2026-12-06 through the code index (the repository snapshot is 1.4 GB, over the fetch limit, and
 * the index holds main-line copies, not the v1.108.12 tag; each source names the copy read):
 * - LIMITER: BerriAI/litellm litellm/proxy/hooks/parallel_request_limiter_v3.py at commits a6c8a40c and 00353f5f
 *   (the same in both): _PROXY_MaxParallelRequestsHandler_v3 registers its Lua scripts only when the internal usage
 *   cache has a Redis client, and otherwise counts in each process's memory; keys `{<descriptor>:<value>}:window`
 *   and `:requests`, `:tokens`, `:max_parallel_requests`, descriptors api_key (the key's hash), team (team_id),
 *   user, end_user, team_member, model_per_key; every key EXPIREs after the window, LITELLM_RATE_LIMIT_WINDOW_SIZE
 *   (default 60 s); a count above the limit raises a 429 (ParallelRequestLimitError).
 * - COORDINATION: BerriAI/litellm litellm/proxy/management_endpoints/coordination_redis_endpoints.py at commit
 *   253879b6 (main line): general_settings.coordination_redis is "the standalone Redis the proxy uses for cross-pod
 *   coordination (tpm/rpm rate limits, spend tracking, pod lock manager, shared health checks)", fields host, port,
 *   username, password, url, ssl, startup_nodes, sentinel_nodes, sentinel_password, service_name, values may be
 *   os.environ/ references resolved at start-up; start-up precedence: that block, else a Redis response cache,
 *   else the REDIS_* environment; GET /coordination_redis/settings (admin) reports which `source` is live. That
 *   the route exists in released images: OpenAPI documents served by deployed proxies of versions 1.95.0 and
 *   1.102.1 (api-evangelist/university-of-amsterdam and api-evangelist/apiclaw, read 2026-12-06), so 1.108.12 has it.
 *   An operations note on v1.95.0-dev (commit 4d543245, third-party, found by content) adds: the block is
 *   first-class since v1.93.0 (PR #32661); the REDIS_* fallback runs only inside litellm_settings.cache: true and
 *   not when cache_params has any key (issue #26233); the block has no namespace, so keys are written unprefixed.
 *   The exact fallback at v1.108.12 was not confirmed: our config never relies on it (the block is explicit).
 * - NO-LOG: litellm/litellm_core_utils/litellm_logging.py (main-line copy found by content), Logging.
 *   should_run_callback: returns true at once when litellm.global_disable_no_log_param is set, else skips every
 *   non-_PROXY_ callback of a request with "no-log": true. litellm_settings keys become litellm module attributes.
 *   No licence check on that path.
 * - CLIENT TAGS: litellm/proxy/auth/auth_checks.py (main-line copy found by content),
 *   _reject_clientside_metadata_tags_check: with general_settings.reject_clientside_metadata_tags true, an LLM API
 *   route whose body has a `metadata` object with `tags` is refused with a 400 ProxyException (bad_request_error,
 *   param metadata.tags); no premium_user check. LiteLLM's tag-rate-limit docs (same index) say the flag does not
 *   yet cover /v1/messages, Responses, batches or files, which read tags from `litellm_metadata`, nor the
 *   x-litellm-tags header.
 * - CLIENT HEADERS: BerriAI/litellm docs/my-website/docs/proxy/request_headers.md (main-line copy, read 2026-12-06):
 *   `x-litellm-tags` (comma-separated tags for tag routing or spend tracking) and `x-litellm-spend-logs-metadata` (a
 *   JSON string stored with the call's spend log) are request headers the proxy reads.
 * - LANGFUSE HEADERS: litellm/integrations/langfuse/langfuse_otel.py at commit 006f4be3 (main-line copy),
 *   _extract_langfuse_metadata: the OTEL export (our `langfuse_otel` callback) enriches the trace metadata through
 *   LangFuseLogger.add_metadata_from_header (litellm/integrations/langfuse/langfuse.py, several stored copies): every
 *   request header whose name starts with `langfuse_` is copied, prefix removed, over the metadata key of that name, and
 *   _set_langfuse_specific_attributes then maps tags, trace_user_id, session_id, trace_name, trace_metadata and
 *   existing_trace_id onto the span. So a client header could replace the platform's trace tags, name any person as
 *   the trace's user or append its call to another trace. Not confirmed at the v1.108.12 tag.
 * - TRACE PERSON: litellm/integrations/arize/_utils.py at commit 07e42bc8 (main-line copy), set_attributes: the span
 *   gets the standard logging payload's metadata (_set_metadata_attributes), and litellm/types/utils.py (several
 *   stored copies) StandardLoggingUserAPIKeyMetadata carries user_api_key_end_user_id, the request's end user; the
 *   trace's user id comes only from the request's `user` parameter (set_parent_span_attributes), which a browser page
 *   sets itself. So the signed-in person reaches Langfuse as metadata, not as the trace's user.
 * Facts are restated in our own words.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NAMES } from '../../k8s/endpoints';
import { LITELLM_ENV } from '../../k8s/renderers/litellm-config';
import { traceMetadata } from '../../bin/smoke-langfuse';
import { OPENAI_ROUTES } from '../../constructs/openai-routes';
import { CLIENT_ATTRIBUTION_HEADERS, LITELLM_END_USER_HEADERS } from '../../lib/shared/litellm';
import {
  clientTagsRefused,
  coordinationSource,
  noLogHonoured,
  RATE_LIMIT_WINDOW_SECONDS,
  rateLimitKeys,
  RequestWindow,
  type RenderedLiteLlmConfig,
} from '../support/litellm-isolation';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from '../k8s/support/charts';

/** Fields of CoordinationRedisParams (COORDINATION). */
const COORDINATION_REDIS_FIELDS = [
  'host',
  'port',
  'username',
  'password',
  'url',
  'ssl',
  'startup_nodes',
  'sentinel_nodes',
  'sentinel_password',
  'service_name',
];

const rendered = ENVIRONMENT_NAMES.map((env) => {
  const manifests = Testing.synth(charts(config(env)).litellm) as Manifest[];
  const yaml: string = find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
  const container = find(manifests, 'Deployment', NAMES.litellm.deployment).spec.template.spec.containers[0] as Manifest;
  return { env, config: parse(yaml) as Manifest, podEnv: envOf(container) };
});

describe('LiteLLM contract: limits shared by every pod', () => {
  test.each(rendered)(
    'general_settings.coordination_redis makes every pod count rate limits and spend in Valkey ($env)',
    ({ config: cfg, podEnv }) => {
      // Source: COORDINATION (the block wins; its values may be os.environ/ references) and LIMITER (counters live
      // in that Redis when one is configured).
      expect(coordinationSource(cfg)).toBe('coordination_redis');
      const block = cfg.general_settings.coordination_redis as Record<string, unknown>;
      expect(Object.keys(block).filter((k) => !COORDINATION_REDIS_FIELDS.includes(k))).toEqual([]);
      for (const value of Object.values(block).filter((v): v is string => typeof v === 'string')) {
        const variable = /^os\.environ\/(.+)$/.exec(value)?.[1];
        expect(variable).toBeDefined();
        expect(podEnv[variable!]).toBeDefined();
      }
      // ElastiCache runs with in-transit encryption: the client must speak TLS.
      expect(block.ssl).toBe(true);
    },
  );

  test('without the block neither environment shared its counters: prod has no cache, dev a local one with cache_params', () => {
    // Source: COORDINATION and the v1.95 operations note (the REDIS_* fallback needs cache: true and empty
    // cache_params, #26233; a local cache is not borrowed). This is the config before this change.
    for (const { env, config: cfg } of rendered) {
      const { coordination_redis: _dropped, ...general } = cfg.general_settings as Record<string, unknown>;
      const before: RenderedLiteLlmConfig = { ...cfg, general_settings: general };
      expect([env, coordinationSource(before)]).toEqual([env, null]);
    }
    // The stand-in knows the borrowed cache too, so the null above is not a stand-in that always says null.
    expect(coordinationSource({ litellm_settings: { cache: true } })).toBe('cache_backend');
    expect(coordinationSource({ litellm_settings: { cache: true, cache_params: { type: 'local' } } })).toBeNull();
  });

  test('dev and prod keep limit state the same way', () => {
    const blocks = rendered.map((r) => r.config.general_settings.coordination_redis);
    expect(new Set(blocks.map((b) => JSON.stringify(b))).size).toBe(1);
  });

  test('per-pod counters multiply a limit by the replica count; shared ones hold it (what npm run smoke proves live)', () => {
    // Source: LIMITER (fixed 60 s window per descriptor; a count above the limit is a 429).
    const rpm = 30;
    const spread = (stores: RequestWindow[]) =>
      Array.from({ length: rpm + 1 }, (_, i) => stores[i % stores.length]!.admit(rateLimitKeys('api_key', 'hash')[1]!, rpm, 1000));
    const shared = new RequestWindow();
    expect(spread([shared, shared, shared]).filter((ok) => !ok)).toHaveLength(1);
    expect(spread([new RequestWindow(), new RequestWindow(), new RequestWindow()]).filter((ok) => !ok)).toHaveLength(0);
  });

  test.each(rendered)(
    'the limiter writes hash-tagged keys that expire after its 60 s window, so under noeviction they cannot pile up ($env)',
    ({ podEnv }) => {
      // Source: LIMITER (key names; EXPIRE window_size on every key the Lua script sets; window from
      // LITELLM_RATE_LIMIT_WINDOW_SIZE, default 60). The pod leaves that variable at its default.
      expect(rateLimitKeys('api_key', '88dc28d0')).toEqual([
        '{api_key:88dc28d0}:window',
        '{api_key:88dc28d0}:requests',
        '{api_key:88dc28d0}:tokens',
        '{api_key:88dc28d0}:max_parallel_requests',
      ]);
      expect(RATE_LIMIT_WINDOW_SECONDS).toBe(60);
      expect(podEnv).not.toHaveProperty('LITELLM_RATE_LIMIT_WINDOW_SIZE');
      // A key's value never reaches Valkey: the api_key descriptor is its SHA-256 hash (user_api_key_dict.api_key).
      for (const name of [LITELLM_ENV.redisHost, LITELLM_ENV.redisPort, LITELLM_ENV.redisPassword]) expect(podEnv[name]).toBeDefined();
    },
  );
});

describe('LiteLLM contract: tracing no client can switch off or forge', () => {
  test.each(rendered)(
    'litellm_settings.global_disable_no_log_param makes LiteLLM ignore a request\'s "no-log" ($env)',
    ({ config: cfg }) => {
      // Source: NO-LOG (should_run_callback returns true at once with the flag; litellm_settings keys are module
      // attributes, so the flag belongs in litellm_settings). No licence needed.
      expect(cfg.litellm_settings.global_disable_no_log_param).toBe(true);
      expect(noLogHonoured(cfg, { model: 'm', 'no-log': true })).toBe(false);
      // Without the flag the same request would leave no trace.
      expect(noLogHonoured({ litellm_settings: {} }, { model: 'm', 'no-log': true })).toBe(true);
    },
  );

  test.each(rendered)(
    'general_settings.reject_clientside_metadata_tags refuses a request carrying its own metadata.tags ($env)',
    ({ config: cfg }) => {
      // Source: CLIENT TAGS (general_settings flag, metadata object with tags on an LLM API route, 400). No licence.
      const forged = { model: 'm', messages: [], metadata: { tags: ['team:other', 'consumer:someone-else'] } };
      expect(cfg.general_settings.reject_clientside_metadata_tags).toBe(true);
      for (const route of ['/v1/chat/completions', '/v1/embeddings', '/v1/responses'])
        expect(clientTagsRefused(cfg, route, forged)).toBe(true);
      expect(clientTagsRefused({ general_settings: {} }, '/v1/chat/completions', forged)).toBe(false);
      // Other metadata (a trace name, a user id) still passes: the smoke test sends some.
      expect(clientTagsRefused(cfg, '/v1/chat/completions', { model: 'm', metadata: traceMetadata('smoke-x') })).toBe(false);
    },
  );

  test('gaps upstream names: litellm_metadata.tags, a metadata JSON string and the x-litellm-tags header are not looked at', () => {
    // Source: CLIENT TAGS (the check reads only body.metadata as an object; the docs name the litellm_metadata routes
    // and the header as not covered). The header is refused at the edge (the API's web ACL, CLIENT_ATTRIBUTION_HEADERS,
    // test/contracts/waf.test.ts). Our edge exposes /v1/messages and /v1/responses, so a client can still add tags
    // through litellm_metadata there: WAF sees at most the first 16 to 64 KB of a body, so no edge rule can refuse it
    // reliably. The platform's own tags stay on every trace (they come from key and team metadata, which the client
    // cannot touch), but an extra forged tag is possible. README, "Tenant isolation", says so.
    const cfg = rendered[0]!.config;
    expect(clientTagsRefused(cfg, '/v1/messages', { litellm_metadata: { tags: ['team:other'] } })).toBe(false);
    expect(clientTagsRefused(cfg, '/v1/chat/completions', { metadata: JSON.stringify({ tags: ['team:other'] }) })).toBe(false);
    expect(OPENAI_ROUTES.map((r) => r.path)).toEqual(expect.arrayContaining(['v1/messages', 'v1/responses']));
    expect(CLIENT_ATTRIBUTION_HEADERS).toEqual(['x-litellm-tags', 'x-litellm-spend-logs-metadata', 'langfuse_*']);
  });
});

describe('LiteLLM contract: trace metadata from langfuse_ headers', () => {
  /** Stand-in of LangFuseLogger.add_metadata_from_header (LANGFUSE HEADERS); header names arrive lower-cased. */
  const fromHeaders = (headers: Record<string, string>, metadata: Record<string, unknown>) => {
    const out = { ...metadata };
    for (const [name, value] of Object.entries(headers)) if (name.startsWith('langfuse_')) out[name.slice('langfuse_'.length)] = value;
    return out;
  };

  test("a langfuse_ header overwrites the platform's trace tags; the edge refuses every such header", () => {
    const platform = { tags: ['environment:dev', 'team:a', 'consumer:app'] };
    expect(fromHeaders({ langfuse_tags: '["team:b"]', langfuse_trace_user_id: 'ceo' }, platform)).toEqual({
      tags: '["team:b"]',
      trace_user_id: 'ceo',
    });
    expect(fromHeaders({ 'x-langfuse-tags': 'x' }, platform)).toEqual(platform);
    expect(CLIENT_ATTRIBUTION_HEADERS).toContain('langfuse_*');
  });

  test("the person the edge names is the end user LiteLLM logs, so Langfuse's metadata carries it; the user field is the caller's", () => {
    // Source: TRACE PERSON and END USER (above): the edge writes the end user into the standard headers LiteLLM reads.
    expect(LITELLM_END_USER_HEADERS).toEqual(expect.arrayContaining(['x-litellm-end-user-id', 'x-litellm-customer-id']));
  });
});
