/**
 * LiteLLM's router and response cache, as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12):
 * the keys we write into config.yaml (model_list, router_settings, litellm_settings.cache*) and what LiteLLM
 * does with them, checked against the config the LiteLLM chart renders for dev and prod.
 *
 * Upstream: github.com/BerriAI/litellm, read 2026-11-29 through the code index (the repository is too large to
 * check out). The index holds main-line copies, not the v1.108.12 tag; the commit of each file read is named in
 * its test. Where the line moved (e.g. where `order` is applied), the test names both places and our config
 * satisfies both. Facts are restated in our own words.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NAMES } from '../../k8s/endpoints';
import { CACHED_CALL_TYPES, DEPLOYMENT_ORDER, LITELLM_ENV } from '../../k8s/renderers/litellm-config';
import { ROUTING_STRATEGIES } from '../../lib/config/models-schema';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from '../k8s/support/charts';

const rendered = ENVIRONMENT_NAMES.map((env) => {
  const manifests = Testing.synth(charts(config(env)).litellm) as Manifest[];
  const yaml: string = find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
  const deployment = find(manifests, 'Deployment', NAMES.litellm.deployment);
  return { env, yaml, config: parse(yaml) as Manifest, container: deployment.spec.template.spec.containers[0] as Manifest };
});
const byEnv = (env: string) => rendered.find((r) => r.env === env)!;

interface Deployment {
  model_name: string;
  litellm_params: { weight?: number; order?: number; rpm?: number; tpm?: number; [key: string]: unknown };
  model_info: { id: string };
}
const deploymentsOf = (cfg: Manifest, group: string): Deployment[] =>
  (cfg.model_list as Deployment[]).filter((d) => d.model_name === group);

/** Router.__init__ arguments we use (litellm/router.py at commit f292d1ae). */
const ROUTER_ARGUMENTS = [
  'redis_host',
  'redis_port',
  'redis_password',
  'routing_strategy',
  'num_retries',
  'timeout',
  'retry_policy',
  'allowed_fails',
  'allowed_fails_policy',
  'cooldown_time',
  'enable_pre_call_checks',
  'fallbacks',
  'context_window_fallbacks',
];
/** RetryPolicy fields the retry lookup reads (litellm/router_utils/get_retry_from_policy.py at commit 00cd2a49). */
const RETRY_POLICY_FIELDS_READ = [
  'AuthenticationErrorRetries',
  'TimeoutErrorRetries',
  'RateLimitErrorRetries',
  'ContentPolicyViolationErrorRetries',
  'BadRequestErrorRetries',
  'NotFoundErrorRetries',
];
/** AllowedFailsPolicy fields (litellm/types/router.py at commit 0044fbec). */
const ALLOWED_FAILS_POLICY_FIELDS = [
  'BadRequestErrorAllowedFails',
  'AuthenticationErrorAllowedFails',
  'TimeoutErrorAllowedFails',
  'RateLimitErrorAllowedFails',
  'ContentPolicyViolationErrorAllowedFails',
  'InternalServerErrorAllowedFails',
  'ServiceUnavailableErrorAllowedFails',
  'BadGatewayErrorAllowedFails',
  'NotFoundErrorAllowedFails',
];
/** LiteLLM's cool-down when none is configured (litellm/router_utils/cooldown_handlers.py at commit 04f21172). */
const LITELLM_DEFAULT_COOLDOWN_SECONDS = 5;
/** Cache.__init__ arguments we use (litellm/caching/caching.py at commits 86947f8b and 01191be4). */
const CACHE_ARGUMENTS = ['type', 'mode', 'namespace', 'ttl', 'supported_call_types'];
/** Call types Cache caches by default (same file): the ones we list must be among them. */
const CACHEABLE_CALL_TYPES = [
  'completion',
  'acompletion',
  'embedding',
  'aembedding',
  'atranscription',
  'transcription',
  'atext_completion',
  'text_completion',
  'arerank',
  'rerank',
];

/**
 * A stand-in for one routing decision as LiteLLM makes it for a chat request, built from the contract below:
 * drop deployments in cool-down, keep the lowest declared `order` (deployments without one do not count),
 * then simple-shuffle: a weighted random pick by `weight` when the first candidate has one.
 */
function pick(deployments: readonly Deployment[], coolingDown: ReadonlySet<string>, random: () => number): Deployment | undefined {
  const healthy = deployments.filter((d) => !coolingDown.has(d.model_info.id));
  const orders = healthy.map((d) => d.litellm_params.order).filter((o): o is number => o !== undefined);
  const tier = orders.length > 0 ? healthy.filter((d) => d.litellm_params.order === Math.min(...orders)) : healthy;
  if (tier.length === 0) return undefined;
  if (tier[0]!.litellm_params.weight === undefined) return tier[Math.floor(random() * tier.length)];
  const weights = tier.map((d) => d.litellm_params.weight ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) throw new Error('Total of weights must be greater than zero'); // Python's random.choices
  let r = random() * total;
  return tier.find((_, i) => (r -= weights[i]!) < 0) ?? tier[tier.length - 1];
}
/** A seeded generator, so the share counts below are the same on every run. */
function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
const shares = (deployments: readonly Deployment[], coolingDown: ReadonlySet<string> = new Set(), draws = 3000) => {
  const random = seeded(42);
  const counts = new Map<string, number>();
  for (let i = 0; i < draws; i++) {
    const id = pick(deployments, coolingDown, random)?.model_info.id ?? 'none';
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].map(([id, n]) => [id, n / draws]));
};

describe('LiteLLM contract: router settings', () => {
  test.each(rendered)(
    'the proxy hands router_settings to the Router, and every key the $env config sets is a Router argument',
    ({ config: cfg }) => {
      // Source: BerriAI/litellm litellm/router.py at commit f292d1ae, Router.__init__: redis_host/port/password,
      // routing_strategy, num_retries, timeout, retry_policy, allowed_fails, allowed_fails_policy, cooldown_time,
      // enable_pre_call_checks, fallbacks, context_window_fallbacks are all keyword arguments; the proxy builds the
      // Router from router_settings (the config this file already used for redis_* and routing_strategy).
      expect(Object.keys(cfg.router_settings).filter((k) => !ROUTER_ARGUMENTS.includes(k))).toEqual([]);
    },
  );

  test.each(rendered)('routing_strategy is a strategy the Router knows ($env)', ({ config: cfg }) => {
    // Source: litellm/router.py at commit f292d1ae, Router.__init__ routing_strategy Literal: simple-shuffle,
    // least-busy, usage-based-routing, latency-based-routing, cost-based-routing, usage-based-routing-v2; the
    // async path implements all but usage-based-routing (v1), which we do not offer.
    const known = [
      'simple-shuffle',
      'least-busy',
      'usage-based-routing',
      'latency-based-routing',
      'cost-based-routing',
      'usage-based-routing-v2',
    ];
    expect(ROUTING_STRATEGIES.filter((s) => !known.includes(s))).toEqual([]);
    expect(known).toContain(cfg.router_settings.routing_strategy);
  });

  test.each(rendered)('retry_policy names only the error classes LiteLLM reads; other errors get num_retries ($env)', ({ config: cfg }) => {
    // Source: litellm/types/router.py at commit 0044fbec (RetryPolicy: <Class>ErrorRetries fields) and
    // litellm/router_utils/get_retry_from_policy.py at commit 00cd2a49: the lookup reads Authentication, Timeout,
    // RateLimit, ContentPolicyViolation, BadRequest and NotFound and returns None otherwise (then num_retries
    // applies). InternalServerError/ServiceUnavailable fields exist in the type but that lookup ignores them.
    expect(Object.keys(cfg.router_settings.retry_policy).sort()).toEqual([...RETRY_POLICY_FIELDS_READ].sort());
    expect(Number.isInteger(cfg.router_settings.num_retries)).toBe(true);
  });

  test.each(rendered)(
    'allowed_fails counts only with an allowed_fails_policy, whose every allowance is at least 1 ($env)',
    ({ config: cfg }) => {
      // Source: litellm/router_utils/cooldown_handlers.py at commit 04f21172, _should_cooldown_deployment: with no
      // allowed_fails_policy a deployment cools down when over 50 % of its calls this minute failed (allowed_fails
      // is not read); with a policy, should_cooldown_based_on_allowed_fails_policy takes the class's allowance
      // `or` allowed_fails, so an allowance of 0 would read as unset. Field names: litellm/types/router.py
      // (AllowedFailsPolicy) at commit 0044fbec.
      const policy = cfg.router_settings.allowed_fails_policy as Record<string, number>;
      expect(Object.keys(policy).filter((k) => !ALLOWED_FAILS_POLICY_FIELDS.includes(k))).toEqual([]);
      expect(Object.values(policy).every((n) => n >= 1)).toBe(true);
      expect(cfg.router_settings.allowed_fails).toBeGreaterThanOrEqual(1);
    },
  );

  test.each(rendered)('a failing deployment cools down longer than LiteLLM default of 5 s ($env)', ({ config: cfg }) => {
    // Source: litellm/router_utils/cooldown_handlers.py at commit 04f21172 (DEFAULT_COOLDOWN_TIME_SECONDS = 5;
    // _set_cooldown_deployments uses the router's cooldown_time) and litellm/router.py at f292d1ae
    // (cooldown_time or the default).
    expect(cfg.router_settings.cooldown_time).toBeGreaterThan(LITELLM_DEFAULT_COOLDOWN_SECONDS);
  });

  test.each(rendered)('fallbacks are single-key maps from a served group to served groups, in order ($env)', ({ config: cfg }) => {
    // Source: litellm/router.py at commit f292d1ae, validate_fallbacks: each item must be a dict with exactly
    // one key (else the Router refuses to start); fallbacks and context_window_fallbacks take the same shape.
    const groups = new Set((cfg.model_list as Deployment[]).map((d) => d.model_name));
    for (const field of ['fallbacks', 'context_window_fallbacks']) {
      for (const item of cfg.router_settings[field] as Record<string, string[]>[]) {
        expect(Object.keys(item)).toHaveLength(1);
        const [[from, to]] = Object.entries(item) as [[string, string[]]];
        expect(groups.has(from)).toBe(true);
        expect(to.every((g) => groups.has(g) && g !== from)).toBe(true);
      }
    }
  });

  test.each(rendered)(
    'router state goes to Valkey: the redis_* settings point at variables the pod sets ($env)',
    ({ config: cfg, container }) => {
      // Source: litellm/router.py at commit f292d1ae, Router.__init__: with redis_host and redis_port set it builds
      // a RedisCache and uses DualCache(redis + in-memory) as self.cache, and the CooldownCache writes cool-downs
      // to it, so every replica sees them. The per-minute failure count behind allowed_fails_policy
      // (self.failed_calls) is an InMemoryCache: each pod counts its own failures.
      expect(cfg.router_settings).toMatchObject({
        redis_host: `os.environ/${LITELLM_ENV.redisHost}`,
        redis_port: `os.environ/${LITELLM_ENV.redisPort}`,
        redis_password: `os.environ/${LITELLM_ENV.redisPassword}`,
      });
      const env = envOf(container);
      for (const name of [LITELLM_ENV.redisHost, LITELLM_ENV.redisPort, LITELLM_ENV.redisPassword]) expect(env[name]).toBeDefined();
    },
  );

  test.each(rendered)(
    'every deployment has a unique, stable model_info.id, so shared cool-downs name the same deployment ($env)',
    ({ env, config: cfg }) => {
      // Source: litellm/types/router.py at commit 0044fbec, ModelInfo: `id` is optional on input (generated when
      // absent); cool-downs are stored and looked up by that id (cooldown_handlers.py, async_get_active_cooldowns
      // over get_model_ids()). Pinning it keeps ids equal across replicas and restarts whatever LiteLLM generates.
      const ids = (cfg.model_list as Deployment[]).map((d) => d.model_info.id);
      expect(new Set(ids).size).toBe(ids.length);
      const again = parse(byEnv(env).yaml) as Manifest;
      expect((again.model_list as Deployment[]).map((d) => d.model_info.id)).toEqual(ids);
    },
  );
});

describe('LiteLLM contract: how a group spreads its traffic', () => {
  test.each(rendered)(
    'simple-shuffle weighs by `weight` only if the first candidate has one, so every deployment has one ($env)',
    ({ config: cfg }) => {
      // Source: litellm/router_strategy/simple_shuffle.py at commit 1116dd59: if the first healthy deployment has a
      // weight, every deployment is weighed by its weight (missing = 0, random.choices); otherwise rpm, then tpm,
      // then a uniform pick. All weights 0 makes random.choices raise.
      for (const d of cfg.model_list as Deployment[]) expect(typeof d.litellm_params.weight).toBe('number');
    },
  );

  test.each(rendered)(
    'LiteLLM serves the lowest declared order, so every deployment of a group with a standby declares one ($env)',
    ({ config: cfg }) => {
      // Source: litellm/utils.py _get_order_filtered_deployments (stored main-line copy found by content, read
      // 2026-11-29): of the healthy deployments it keeps those with the lowest `order` among the ones that declare
      // it; deployments without `order` do not count, so a lone `order: 2` standby would take all traffic.
      // LiteLLM's own tests (tests/test_litellm/test_router_order_fallback.py) check order 2 is untouched while
      // order 1 is healthy. At router.py commit f292d1ae this filter runs inside _pre_call_checks, i.e. only with
      // enable_pre_call_checks and for requests with messages (chat), hence the setting below.
      expect(cfg.router_settings.enable_pre_call_checks).toBe(true);
      const groups = new Set((cfg.model_list as Deployment[]).map((d) => d.model_name));
      for (const group of groups) {
        const deployments = deploymentsOf(cfg, group);
        const declared = deployments.filter((d) => d.litellm_params.order !== undefined);
        expect([0, deployments.length]).toContain(declared.length);
        if (declared.length > 0) expect(deployments.some((d) => d.litellm_params.order === DEPLOYMENT_ORDER.active)).toBe(true);
      }
    },
  );

  test('prod: claude-sonnet-4 sends about two thirds to us-east-1, all to us-west-2 while us-east-1 cools down, then falls back', () => {
    // Source: the three behaviours above (cool-down filter in router.py async_get_healthy_deployments at
    // f292d1ae, order filter, simple_shuffle weights), and run_async_fallback trying the groups listed for the
    // requested one once no deployment is left (router.py, fallbacks).
    const cfg = byEnv('prod').config;
    const sonnet = deploymentsOf(cfg, 'claude-sonnet-4');
    const [east, west] = sonnet.map((d) => d.model_info.id) as [string, string];
    const normal = shares(sonnet);
    expect(normal[east]).toBeCloseTo(2 / 3, 1);
    expect(normal[west]).toBeCloseTo(1 / 3, 1);
    expect(shares(sonnet, new Set([east]))).toEqual({ [west]: 1 });
    expect(shares(sonnet, new Set([east, west]))).toEqual({ none: 1 });
    expect(cfg.router_settings.fallbacks).toContainEqual({ 'claude-sonnet-4': ['claude-3-7-sonnet'] });
  });

  test('prod: the claude-opus-4 standby gets nothing while us-east-1 is healthy and everything while it cools down', () => {
    // Source: as above (order filter after the cool-down filter).
    const opus = deploymentsOf(byEnv('prod').config, 'claude-opus-4');
    const [active, standby] = opus.map((d) => d.model_info.id) as [string, string];
    expect(shares(opus)).toEqual({ [active]: 1 });
    expect(shares(opus, new Set([active]))).toEqual({ [standby]: 1 });
  });
});

describe('LiteLLM contract: response cache', () => {
  test('the proxy cache defaults to redis, so dev names type local and the cache never lands in Valkey', () => {
    // Source: litellm/proxy/proxy_server.py (several stored copies agree, read 2026-11-29), load_config: with
    // litellm_settings.cache true it reads cache_params and takes type "redis" when none is given, filling
    // host/port/password from REDIS_* (which this pod sets for the router). litellm/caching/caching.py at commit
    // 01191be4: type local builds an InMemoryCache; litellm/caching/in_memory_cache.py at commit 0002b538 bounds
    // it to 200 entries of at most 1 MB each, evicting expired then soonest-expiring entries. Valkey runs
    // noeviction for Langfuse's queues (constructs/valkey-cache.ts), so it must not hold cached responses.
    const cfg = byEnv('dev').config;
    expect(cfg.litellm_settings.cache).toBe(true);
    expect(cfg.litellm_settings.cache_params.type).toBe('local');
    expect(Object.keys(cfg.litellm_settings.cache_params).filter((k) => !CACHE_ARGUMENTS.includes(k))).toEqual([]);
  });

  test('dev caching is opt-in per request (mode default_off, "cache": {"use-cache": true}) and namespaced per environment', () => {
    // Source: litellm/caching/caching.py at commit 01191be4: Cache(mode=default_off) serves and stores only when
    // the request's `cache` object has use-cache true (should_use_cache); no-cache / no-store / s-maxage / ttl in
    // that object act per request (docs/my-website/docs/proxy/caching.md, "Dynamic Cache Controls");
    // _add_namespace_to_cache_key prefixes every key with the namespace (a request's own cache.namespace wins).
    const params = byEnv('dev').config.litellm_settings.cache_params;
    expect(params).toMatchObject({ mode: 'default_off', namespace: 'genai-dev' });
    expect(params.ttl).toBeGreaterThan(0);
  });

  test('cached call types are chat completions and embeddings, all names LiteLLM caches', () => {
    // Source: litellm/caching/caching.py at commit 86947f8b, Cache.__init__ supported_call_types default list.
    expect(byEnv('dev').config.litellm_settings.cache_params.supported_call_types).toEqual([...CACHED_CALL_TYPES]);
    expect(CACHED_CALL_TYPES.filter((t) => !CACHEABLE_CALL_TYPES.includes(t))).toEqual([]);
  });

  test('an environment that leaves caching off sets no cache at all', () => {
    // Source: proxy_server.py load_config (as above) builds a cache only for litellm_settings.cache == true.
    expect(byEnv('prod').config.litellm_settings).not.toHaveProperty('cache');
    expect(byEnv('prod').config.litellm_settings).not.toHaveProperty('cache_params');
  });
});
