/**
 * LiteLLM's response cache, as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): what a
 * cache shared by every pod (litellm_settings.cache_params.type redis, in a store of its own that may evict)
 * would change, and why the platform keeps the per-pod cache instead (issue 22, item 3).
 *
 * Upstream, read 2026-12-06 through the code index (the repository is too large to fetch; the index holds
 * main-line copies, not the v1.108.12 tag; each source names the copy read). Facts restated in our own words.
 * - KEY: BerriAI/litellm litellm/caching/caching.py at commit 01191be4, Cache.get_cache_key: a caller-supplied
 *   `cache_key` or preset key is used as is; otherwise the key is the SHA-256 of the request's LLM API parameters
 *   (model as its model group, messages, temperature, user, ...), prefixed by a namespace taken from the
 *   request's own `cache.namespace`, else its `metadata.redis_namespace`, else cache_params.namespace. Only the
 *   semantic cache types add the caller's key, team and org to the key (_get_semantic_cache_tenant_scope).
 * - EXCLUDED: litellm/litellm_core_utils/model_param_helper.py at commit 14b0820a, _get_exclude_kwargs: `metadata`
 *   and `litellm_metadata` are left out of the key, and those are where the proxy writes the caller's identity
 *   (user_api_key, user_api_key_team_id, ...). So two teams sending the same request share one cache entry.
 *   (A later main-line helper, litellm/caching/_tenant_scope.py at commit 5c3207bc, says in its docstring that
 *   standard backends hash proxy metadata into the key; the two files read above say otherwise, and neither can
 *   be tied to v1.108.12, so the platform assumes the weaker one: keys do not separate teams.)
 * - KEY CONTROLS: litellm/proxy/litellm_pre_call_utils.py (several main-line copies, e.g. add_key_level_controls)
 *   copies a key's metadata.cache into the request only for SupportedCacheControls, which
 *   litellm/types/utils.py lists as ttl, s-maxage, no-cache, no-store: an administrator cannot pin a namespace
 *   per key or team, and the namespace a request names is chosen by its client.
 * - BORROW: litellm/proxy/proxy_server.py (several stored copies, e.g. index ids 968167277 and 67515528),
 *   ProxyConfig._init_cache: when the response cache is a RedisCache or RedisClusterCache the proxy makes it
 *   `redis_usage_cache`, the store of spend counters, the v3 limiter, the spend update buffer and pod locks.
 *   litellm/proxy/management_endpoints/coordination_redis_endpoints.py at commit 253879b6,
 *   _coordination_redis_source: an explicit general_settings.coordination_redis wins over that borrow. The
 *   guard inside _init_cache itself was not found in the index, so that the explicit block survives a Redis
 *   cache at v1.108.12 rests on that function and on a third-party operations note on v1.95.0-dev (commit
 *   4d543245: the block "runs before cache init" and "outranks the borrow"; the router cache, cooldowns and
 *   usage routing, comes from router_settings.redis_* and is back-filled from redis_usage_cache).
 *   The same note: /cache/flushall flushes the response cache's client, limit state included when borrowed.
 * - SEMANTIC: litellm/caching/valkey_semantic_cache.py at commit 04c1c8ba: type redis-semantic goes through
 *   RedisVL, which cannot drive valkey-search (ElastiCache's vector search): it checks for a RediSearch module
 *   version valkey-search does not report and its index needs a TEXT field valkey-search lacks. A separate
 *   valkey-semantic type (valkey-search, ElastiCache for Valkey 8.2+ node-based, no cluster mode) exists on the
 *   main line; whether v1.108.12 ships it was not confirmed, and it also needs an embedding call per request.
 */
import { createHash } from 'node:crypto';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NAMES } from '../../k8s/endpoints';
import { checkResponseCache } from '../../lib/config/models-schema';
import { coordinationSource, type RenderedLiteLlmConfig } from '../support/litellm-isolation';
import { ENVIRONMENT_NAMES, charts, config, find, type Manifest } from '../k8s/support/charts';

/** Request fields LiteLLM never hashes into the key (EXCLUDED): where the proxy writes who is asking. */
const KEY_EXCLUDED_FIELDS = ['metadata', 'litellm_metadata'];
/** Request fields that are not LLM API parameters (KEY: only those are hashed). */
const NOT_API_PARAMETERS = ['cache', 'cache_key', 'litellm_params'];
/** Cache controls a key's metadata may set for its requests (KEY CONTROLS). */
const KEY_LEVEL_CACHE_CONTROLS = ['ttl', 's-maxage', 'no-cache', 'no-store'];
/** cache_params that would point the response cache at a Redis (Cache.__init__ in caching.py). */
const REDIS_CONNECTION_PARAMS = ['host', 'port', 'password', 'username', 'url', 'ssl', 'redis_startup_nodes'];
/** Cache types that store outside the pod (caching.py, Cache.__init__). */
const SHARED_CACHE_TYPES = ['redis', 'redis-semantic', 'valkey-semantic', 'qdrant-semantic', 's3', 'gcs', 'azure-blob'];

interface CachedRequest {
  readonly [field: string]: unknown;
  readonly cache?: { readonly namespace?: string };
  readonly metadata?: Record<string, unknown>;
}

/** Stand-in of Cache.get_cache_key (KEY, EXCLUDED), for requests without a caller-supplied cache_key. */
function responseCacheKey(request: CachedRequest, configuredNamespace: string | undefined): string {
  const material = Object.keys(request)
    .filter((field) => !KEY_EXCLUDED_FIELDS.includes(field) && !NOT_API_PARAMETERS.includes(field))
    .map((field) => `${field}: ${String(request[field] as string)}`)
    .join('');
  const hash = createHash('sha256').update(material).digest('hex');
  const namespace = request.cache?.namespace ?? (request.metadata?.redis_namespace as string | undefined) ?? configuredNamespace;
  return namespace ? `${namespace}:${hash}` : hash;
}

/** Stand-in of add_key_level_controls (KEY CONTROLS): a key's metadata.cache, filtered to the supported controls. */
function keyLevelCacheControls(keyMetadata: Record<string, unknown>): Record<string, unknown> {
  const cache = (keyMetadata.cache ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(cache).filter(([control]) => KEY_LEVEL_CACHE_CONTROLS.includes(control)));
}

const rendered = ENVIRONMENT_NAMES.map((env) => {
  const manifests = Testing.synth(charts(config(env)).litellm) as Manifest[];
  const yaml: string = find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
  return { env, config: parse(yaml) as RenderedLiteLlmConfig & Manifest };
});

const prompt = { model: 'chat', messages: '[{"role": "user", "content": "Summarise the Q3 incident report"}]' };
const asTeam = (team: string) => ({ user_api_key: `hash-${team}`, user_api_key_team_id: team, user_api_key_team_alias: team });

describe('LiteLLM contract: the response cache key does not separate teams', () => {
  test('two teams sending the same request get the same key; what they send in the request does change it', () => {
    // Source: KEY and EXCLUDED (identity lives in metadata, which is not hashed).
    const a = responseCacheKey({ ...prompt, metadata: asTeam('team-a') }, 'genai-dev');
    const b = responseCacheKey({ ...prompt, metadata: asTeam('team-b') }, 'genai-dev');
    expect(a).toBe(b);
    expect(a.startsWith('genai-dev:')).toBe(true);
    // The stand-in is not constant: an API parameter such as `user` does change the key.
    expect(responseCacheKey({ ...prompt, user: 'someone', metadata: asTeam('team-a') }, 'genai-dev')).not.toBe(a);
  });

  test('denies a per-team namespace by configuration: a key or team cannot pin one, and a client names any it likes', () => {
    // Source: KEY CONTROLS (namespace is not a supported key-level control) and KEY (the request's namespace wins).
    expect(keyLevelCacheControls({ cache: { namespace: 'team-a', ttl: 60 } })).toEqual({ ttl: 60 });
    // Team B naming team A's namespace reads team A's entries, so a namespace chosen per request is no boundary.
    const teamA = responseCacheKey({ ...prompt, cache: { namespace: 'team-a' }, metadata: asTeam('team-a') }, 'genai-dev');
    const teamB = responseCacheKey({ ...prompt, cache: { namespace: 'team-a' }, metadata: asTeam('team-b') }, 'genai-dev');
    expect(teamB).toBe(teamA);
  });

  test('the model group is hashed: teams share entries only through a group both call, which the config refuses unless told', () => {
    // Source: KEY (model, as its model group, is an API parameter). A guarded copy (`<model>.guard-<name>`) is a group
    // of its own, so it never shares an entry with the plain group.
    expect(responseCacheKey({ ...prompt, model: 'chat.guard-strict' }, 'genai-dev')).not.toBe(responseCacheKey(prompt, 'genai-dev'));
    const teams = [
      { name: 'team-a', models: ['chat'] },
      { name: 'team-b', models: ['chat'] },
    ];
    const problems: string[] = [];
    checkResponseCache({ enabled: true, mode: 'opt-in', ttlSeconds: 60, sharedAcrossTeams: false }, teams, (_p, m) => problems.push(m));
    expect(problems).toHaveLength(1);
    checkResponseCache(
      { enabled: true, mode: 'opt-in', ttlSeconds: 60, sharedAcrossTeams: false },
      [teams[0]!, { ...teams[1]!, guardrail: 'strict' }],
      (_p, m) => problems.push(m),
    );
    expect(problems).toHaveLength(1);
  });
});

describe('LiteLLM contract: the response cache stays in pod memory', () => {
  test.each(rendered)('no environment gives the response cache a Redis, semantic or remote store ($env)', ({ config: cfg }) => {
    // Source: KEY/EXCLUDED (a shared store would serve one team's answer to another across every pod) and BORROW
    // (a Redis response cache becomes the limiter's and spend counters' store unless coordination_redis wins).
    const settings = cfg.litellm_settings as Record<string, unknown>;
    if (settings.cache !== true) {
      expect(settings).not.toHaveProperty('cache_params');
      return;
    }
    const params = settings.cache_params as Record<string, unknown>;
    expect(params.type).toBe('local');
    expect(SHARED_CACHE_TYPES).not.toContain(params.type);
    expect(Object.keys(params).filter((k) => REDIS_CONNECTION_PARAMS.includes(k))).toEqual([]);
  });

  test.each(rendered)('limit and spend state stay in the noeviction Valkey named by coordination_redis ($env)', ({ config: cfg }) => {
    // Source: BORROW (the explicit block is the source; a local cache is never borrowed).
    expect(coordinationSource(cfg)).toBe('coordination_redis');
    const { coordination_redis: _block, ...general } = cfg.general_settings as Record<string, unknown>;
    expect(coordinationSource({ ...cfg, general_settings: general })).toBeNull();
  });

  test('denies the evicting store as limit store: a Redis response cache without the block would be borrowed', () => {
    // Source: BORROW. What choosing `type: redis` would risk if the explicit block were ever dropped or lost to
    // the precedence we could not read at the pinned tag: counters in a store that evicts them under memory pressure.
    const redisCache = { litellm_settings: { cache: true, cache_params: { type: 'redis', host: 'cache.example' } } };
    expect(coordinationSource(redisCache)).toBe('cache_backend');
    expect(coordinationSource({ ...redisCache, general_settings: { coordination_redis: { host: 'valkey.example' } } })).toBe(
      'coordination_redis',
    );
  });
});
