/**
 * Renders LiteLLM's proxy `config.yaml` from the environment config. Pure: no CDK, no I/O.
 *
 * The file holds no secrets and no deploy-time values (endpoints, ARNs): those reach the pod as
 * environment variables and are referenced here as `os.environ/NAME`, which LiteLLM resolves at start-up.
 * That keeps the file, and so its checksum, identical whether the chart carries CloudFormation tokens or
 * review placeholders.
 *
 * Every router and cache key written here is checked against LiteLLM's source in
 * test/contracts/litellm-router.test.ts; the shared limit store and the no-log and client-tag refusals in
 * test/contracts/litellm-isolation.test.ts.
 */
import { stringify } from 'yaml';
import { mcpCredentialEnvName } from '../../lib/shared/litellm';
import type { McpServerConfig, ModelConfig, ModelGroupConfig, ResponseCacheConfig, RouterConfig } from '../../lib/config/schema';
import { bedrockInvocationId, bedrockProfileEnvName, usesApplicationProfile } from '../../lib/shared/bedrock';
import { guardedModelName, guardrailEnvNames } from '../../lib/shared/guardrails';
import { LOAD_MOCK_MODEL } from '../../lib/shared/load-test';
import { LITELLM_PROMETHEUS_CALLBACK, prometheusSettings } from './litellm-prometheus';
import { BATCH_ENV, batchModelName, runsBatchJobs } from '../../lib/shared/batches';

/**
 * Guardrails LiteLLM applies through Bedrock's ApplyGuardrail API, and the models each guards: a guarded copy of
 * every listed model group is added to model_list (test/contracts/litellm-guardrails.test.ts).
 */
export interface GuardrailUse {
  /** The guardrail's name (EnvironmentConfig.guardrails[].name). */
  readonly name: string;
  /** Model groups of the teams that chose it. */
  readonly models: readonly string[];
}

/** Guardrails in config order that at least one team chose, each with the union of those teams' models. */
export function guardrailUses(
  guardrailNames: readonly string[],
  teams: readonly { readonly models: readonly string[]; readonly guardrail?: string }[],
): GuardrailUse[] {
  return guardrailNames
    .map((name) => ({ name, models: [...new Set(teams.filter((t) => t.guardrail === name).flatMap((t) => t.models))] }))
    .filter((use) => use.models.length > 0);
}

/** Hooks a guardrail runs on: the prompt before the call and the answer after it. */
export const GUARDRAIL_MODES = ['pre_call', 'post_call'] as const;

/**
 * LiteLLM's OpenTelemetry integration for Langfuse. The legacy `langfuse` callback drives the Langfuse v2
 * Python SDK; LiteLLM's docs point Langfuse v3+ users to this one. The proxy image installs the OTLP
 * exporter it needs (BerriAI/litellm requirements.txt lists opentelemetry-api, -sdk and -exporter-otlp;
 * read at commit 00e06b86, not at the v1.108.12 tag).
 */
export const LITELLM_LANGFUSE_CALLBACK = 'langfuse_otel';

/**
 * Variable LiteLLM's `langfuse_otel` callback reads on every span and sends as `langfuse.environment`, which
 * Langfuse keeps as the trace's environment (a first-class filter). The config sets it (top-level
 * `environment_variables`, copied into the process environment when the proxy loads the config) so the value
 * lives beside the callback it serves. Langfuse accepts lowercase letters, digits, - and _, and strips a leading
 * "langfuse" (packages/shared/src/server/ingestion/types.ts, v3.194.1); environment names fit the first rule.
 */
export const LANGFUSE_ENVIRONMENT_VARIABLE = 'LANGFUSE_TRACING_ENVIRONMENT';

/** Environment variables the config refers to; the chart must set every one of them. */
export const LITELLM_ENV = {
  masterKey: 'LITELLM_MASTER_KEY',
  databaseUrl: 'DATABASE_URL',
  redisHost: 'REDIS_HOST',
  redisPort: 'REDIS_PORT',
  redisUsername: 'REDIS_USERNAME',
  redisPassword: 'REDIS_PASSWORD',
} as const;

/** Production defaults (LiteLLM "Production Best Practices"). */
export const LITELLM_SETTINGS = {
  requestTimeoutSeconds: 600,
  /** Spend updates are buffered and written once per interval instead of per request. */
  batchWriteSeconds: 60,
  /** Per worker process; total connections = limit x workers x pods, kept well under Aurora's max_connections. */
  databaseConnectionPoolLimit: 10,
} as const;

/**
 * Where LiteLLM keeps per-key, per-team and per-end-user limit state (rpm, tpm, parallel requests) and spend
 * counters shared by every pod: `general_settings.coordination_redis`, the explicit store that wins over every
 * fallback (test/contracts/litellm-isolation.test.ts). Without it a pod borrows only a Redis response cache and
 * otherwise counts alone, so a limit is multiplied by the replica count. Same Valkey, variables and TLS as the
 * router, in every environment.
 *
 * Sizing: the rate limiter writes, per limited key, team or end user, a window key and up to three counters
 * (`{api_key:<hash>}:window|requests|tokens|max_parallel_requests`), each expiring after the 60 s window, so
 * the state is a few hundred bytes per caller active in the last minute: far below the smallest node's memory
 * (cache.t4g.micro), and bounded under `noeviction` because every key expires.
 */
export function coordinationRedis(): Record<string, string | boolean> {
  return {
    host: `os.environ/${LITELLM_ENV.redisHost}`,
    port: `os.environ/${LITELLM_ENV.redisPort}`,
    // LiteLLM's own Valkey user (lib/shared/cache.ts), not the default user.
    username: `os.environ/${LITELLM_ENV.redisUsername}`,
    password: `os.environ/${LITELLM_ENV.redisPassword}`,
    ssl: true,
  };
}

/** `order` of the active and the standby deployments of a group that has standbys (lowest order is served). */
export const DEPLOYMENT_ORDER = { active: 1, standby: 2 } as const;

/** Call types the response cache serves: chat completions and embeddings (async and sync entry points). */
export const CACHED_CALL_TYPES = ['acompletion', 'completion', 'aembedding', 'embedding'] as const;

export interface LiteLlmConfigInput {
  /** Environment name; tags Bedrock role sessions so CloudTrail shows which environment called. */
  readonly environment: string;
  /** Every deployment, each carrying the name of its model group (EnvironmentConfig.models). */
  readonly models: readonly ModelConfig[];
  /** What is set per group: fallbacks (EnvironmentConfig.modelGroups). Groups not in `models` are skipped. */
  readonly modelGroups: readonly Pick<ModelGroupConfig, 'name' | 'fallbacks' | 'contextWindowFallbacks'>[];
  readonly router: RouterConfig;
  readonly responseCache: ResponseCacheConfig;
  /** Remote MCP servers served through LiteLLM's MCP gateway (EnvironmentConfig.mcpServers). @default none */
  readonly mcpServers?: readonly McpServerConfig[];
  /**
   * Request header naming the end user (the person behind a built-in consumer such as Open WebUI); LiteLLM then
   * tracks spend per end user. @default none
   */
  readonly endUserIdHeader?: string;
  /**
   * Browser origins (tenants.consumers[].browser.origins): LiteLLM's own CORS answers then name only these, never
   * `*`, and allow no credentials. Without them LiteLLM keeps its default (any origin). @default none
   */
  readonly corsOrigins?: readonly string[];
  /** Guardrails chosen by at least one team, with the models they guard; Bedrock's region is `guardrailRegion`. @default none */
  readonly guardrails?: readonly GuardrailUse[];
  /** Region the Bedrock guardrails live in (the environment's). Required with `guardrails`. */
  readonly guardrailRegion?: string;
  /** Serve the load kit's mock model group, answering after this many milliseconds (EnvironmentConfig.loadTest). @default none */
  readonly mockModel?: { readonly delayMs: number };
  /**
   * Region whose Bedrock deployments (in the environment's own account) are called through the environment's
   * application inference profiles; each profile's ARN reaches the pod as `bedrockProfileEnvName(model)`.
   * @default none (every Bedrock deployment is called by its model or system inference profile id)
   */
  readonly applicationProfileRegion?: string;
  /**
   * Model groups that may run as Bedrock batch jobs (EnvironmentConfig.batches), and the region of the batch bucket.
   * Each gets a batch copy `<group>-batch`; bucket and service role reach the pod as BATCH_ENV variables. @default none
   */
  readonly batches?: { readonly models: readonly string[]; readonly region: string };
}

/** What the mock model answers; short, so the load measures the path and not the payload. */
export const MOCK_RESPONSE = 'mock answer from the load-test model';

/**
 * The load kit's model group: LiteLLM returns `mock_response` as the completion without calling the provider
 * named in `model`, after sleeping `mock_delay` seconds (test/contracts/litellm-mock.test.ts). No API key: none is
 * read before the mock answers.
 */
function mockModelEntry(delayMs: number): Record<string, unknown> {
  return {
    model_name: LOAD_MOCK_MODEL,
    // weight like every deployment (simple-shuffle reads it; test/contracts/litellm-router.test.ts).
    litellm_params: { model: `openai/${LOAD_MOCK_MODEL}`, mock_response: MOCK_RESPONSE, mock_delay: delayMs / 1000, weight: 1 },
    model_info: { id: deploymentId(LOAD_MOCK_MODEL, 0) },
  };
}

/** Name of the environment variable holding a third-party model group's API key (one per group and provider). */
export function modelApiKeyEnvName(model: Pick<ModelConfig, 'provider' | 'name'>): string {
  return `${model.provider.toUpperCase()}_API_KEY_${model.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Deployments whose API key comes from Secrets Manager (everything but Bedrock, which uses the pod's IAM role),
 * one per key variable: the keyed deployments of a group share one secret (lib/config/models-schema.ts).
 */
export function modelsWithApiKeys(models: readonly ModelConfig[]): Exclude<ModelConfig, { provider: 'bedrock' }>[] {
  const keyed = models.filter((m): m is Exclude<ModelConfig, { provider: 'bedrock' }> => m.provider !== 'bedrock');
  return keyed.filter(
    (m, i) => keyed.findIndex((other) => modelApiKeyEnvName(other) === modelApiKeyEnvName(m) && other.name === m.name) === i,
  );
}

/**
 * The deployment's id (model_info.id), the same in every pod: cool-downs are shared through Valkey by id, so
 * every replica must call a deployment by the same name. Stable while the group's deployments keep their order.
 */
export function deploymentId(groupName: string, indexInGroup: number): string {
  return `${groupName}:${indexInGroup}`;
}

function litellmParams(model: ModelConfig, environment: string, profileRegion?: string): Record<string, string> {
  switch (model.provider) {
    case 'bedrock':
      return {
        // The model (or system profile) id stays: LiteLLM picks its request format and its price by it.
        model: `bedrock/${bedrockInvocationId(model)}`,
        // Sent to Bedrock in its place, so the profile's cost allocation tags apply (test/contracts/litellm-bedrock.test.ts).
        ...(profileRegion !== undefined && usesApplicationProfile(model, profileRegion)
          ? { model_id: `os.environ/${bedrockProfileEnvName(model)}` }
          : {}),
        aws_region_name: model.region,
        // LiteLLM assumes this role (from the pod's IRSA credentials) before calling Bedrock.
        ...(model.crossAccountRoleArn ? { aws_role_name: model.crossAccountRoleArn, aws_session_name: `litellm-${environment}` } : {}),
      };
    case 'azure':
      return {
        model: `azure/${model.deployment}`,
        api_base: model.apiBase,
        api_version: model.apiVersion,
        api_key: `os.environ/${modelApiKeyEnvName(model)}`,
      };
    case 'gemini':
      return { model: `gemini/${model.model}`, api_key: `os.environ/${modelApiKeyEnvName(model)}` };
  }
}

/** One model_list entry per deployment. */
function modelList(models: readonly ModelConfig[], environment: string, profileRegion?: string): Record<string, unknown>[] {
  const withStandby = new Set(models.filter((m) => m.standby).map((m) => m.name));
  const seen = new Map<string, number>();
  return models.map((model) => {
    const index = seen.get(model.name) ?? 0;
    seen.set(model.name, index + 1);
    return {
      model_name: model.name,
      litellm_params: {
        ...litellmParams(model, environment, profileRegion),
        // Always set: simple-shuffle weighs by `weight` only when the first candidate has one, else by rpm.
        weight: model.weight ?? 1,
        ...(model.rpm !== undefined ? { rpm: model.rpm } : {}),
        ...(model.tpm !== undefined ? { tpm: model.tpm } : {}),
        // LiteLLM keeps the lowest `order` among the deployments that declare one: in a group with a standby
        // every deployment declares it, or an undeclared active deployment would lose to the standby.
        ...(withStandby.has(model.name) ? { order: model.standby ? DEPLOYMENT_ORDER.standby : DEPLOYMENT_ORDER.active } : {}),
      },
      model_info: { id: deploymentId(model.name, index) },
    };
  });
}

/**
 * Guarded copies of model groups: the same deployments under `<group>.guard-<guardrail>`, each naming the
 * guardrail in its litellm_params, which LiteLLM's deployment-level hooks read for every provider. Ids are the
 * copy's own, so cool-downs of a copy and its original stay apart.
 */
function guardedModelList(
  models: readonly ModelConfig[],
  environment: string,
  uses: readonly GuardrailUse[],
  profileRegion?: string,
): Record<string, unknown>[] {
  return uses.flatMap((use) => {
    // Rendered from the originals, so a copy uses its original's API key variable and application inference profile.
    const originals = modelList(
      models.filter((m) => use.models.includes(m.name)),
      environment,
      profileRegion,
    );
    const seen = new Map<string, number>();
    return originals.map((entry) => {
      const name = guardedModelName(entry.model_name as string, use.name);
      const index = seen.get(name) ?? 0;
      seen.set(name, index + 1);
      return {
        model_name: name,
        litellm_params: { ...(entry.litellm_params as object), guardrails: [use.name] },
        model_info: { id: deploymentId(name, index) },
      };
    });
  });
}

/**
 * Batch copies of model groups: the group's deployments that run batch jobs (runsBatchJobs: Bedrock, this region and
 * account) under `<group>-batch`, marked `mode: batch`, carrying the
 * bucket LiteLLM uploads batch input to (and Bedrock writes output to) and the role Bedrock assumes for the job
 * (test/contracts/litellm-batches.test.ts). S3 calls are signed with the pod's IRSA credentials like Bedrock's: no
 * S3 keys. Called by model or system profile id, never through an application inference profile: batch jobs with
 * one were not confirmed upstream, so a batch job's Bedrock spend carries no profile tags.
 */
function batchModelList(models: readonly ModelConfig[], batches: NonNullable<LiteLlmConfigInput['batches']>): Record<string, unknown>[] {
  const seen = new Map<string, number>();
  return models
    .filter((m): m is Extract<ModelConfig, { provider: 'bedrock' }> => batches.models.includes(m.name) && runsBatchJobs(m, batches.region))
    .map((model) => {
      const name = batchModelName(model.name);
      const index = seen.get(name) ?? 0;
      seen.set(name, index + 1);
      return {
        model_name: name,
        litellm_params: {
          model: `bedrock/${bedrockInvocationId(model)}`,
          aws_region_name: model.region,
          s3_bucket_name: `os.environ/${BATCH_ENV.bucket}`,
          s3_region_name: batches.region,
          aws_batch_role_arn: `os.environ/${BATCH_ENV.roleArn}`,
          weight: model.weight ?? 1,
        },
        model_info: { id: deploymentId(name, index), mode: 'batch' },
      };
    });
}

/**
 * LiteLLM's `guardrails` list: one Bedrock guardrail per name, never on by default (it runs only where a guarded
 * deployment names it), on the prompt and on the answer. Blocked content is refused; anonymized PII is replaced
 * by Bedrock's masked text before the call and in the answer. Id and version reach the pod as variables.
 */
function guardrailsList(uses: readonly GuardrailUse[], region: string): Record<string, unknown>[] {
  return uses.map((use) => {
    const env = guardrailEnvNames(use.name);
    return {
      guardrail_name: use.name,
      litellm_params: {
        guardrail: 'bedrock',
        mode: [...GUARDRAIL_MODES],
        default_on: false,
        guardrailIdentifier: `os.environ/${env.id}`,
        guardrailVersion: `os.environ/${env.version}`,
        aws_region_name: region,
        mask_request_content: true,
        mask_response_content: true,
      },
    };
  });
}

/** LiteLLM's list of single-key maps, group -> groups to try in order; only groups this config serves. */
function fallbacksOf(input: LiteLlmConfigInput, field: 'fallbacks' | 'contextWindowFallbacks'): Record<string, string[]>[] {
  const served = new Set(input.models.map((m) => m.name));
  return input.modelGroups
    .filter((group) => served.has(group.name))
    .map((group) => [group.name, group[field].filter((target) => served.has(target))] as const)
    .filter(([, targets]) => targets.length > 0)
    .map(([name, targets]) => ({ [name]: [...targets] }));
}

/**
 * Response caching in each pod's own memory (type local), never in Valkey: Valkey runs `noeviction` for
 * Langfuse's queues, so cached responses there could fill it and stop the queues, and a TTL bounds time, not
 * memory. LiteLLM bounds its in-memory cache by entry count and entry size, so a pod's cache cannot grow
 * without limit; the price is one cache per pod (a lower hit rate than a shared one). The type is written
 * out: the proxy's default cache type is redis, which would pick up REDIS_HOST and land in Valkey.
 * Not a shared store either: LiteLLM's cache key leaves out the caller's team, and a Redis cache would be
 * borrowed for limit state (test/contracts/litellm-cache.test.ts).
 */
function responseCacheSettings(cache: ResponseCacheConfig, environment: string): Record<string, unknown> {
  return {
    cache: true,
    cache_params: {
      type: 'local',
      ttl: cache.ttlSeconds,
      // Prefixes every cache key, so no two environments can ever share an entry.
      namespace: `genai-${environment}`,
      mode: cache.mode === 'opt-in' ? 'default_off' : 'default_on',
      supported_call_types: [...CACHED_CALL_TYPES],
    },
  };
}

/** The first key variable two different group names map to. */
function clashingEnvName(models: readonly ModelConfig[]): string | undefined {
  const groupByEnvName = new Map<string, string>();
  for (const model of modelsWithApiKeys(models)) {
    const envName = modelApiKeyEnvName(model);
    const other = groupByEnvName.get(envName);
    if (other !== undefined && other !== model.name) return envName;
    groupByEnvName.set(envName, model.name);
  }
  return undefined;
}

/**
 * LiteLLM's `mcp_servers` map, keyed by server name (the name grants and tool prefixes use). A credential
 * reaches the pod as a variable from Secrets Manager and is referenced here, never written
 * (test/contracts/litellm-mcp.test.ts).
 */
function mcpServers(servers: readonly McpServerConfig[]): Record<string, Record<string, string>> {
  return Object.fromEntries(
    servers.map((server) => [
      server.name,
      {
        url: server.url,
        transport: server.transport,
        description: server.description,
        ...(server.credentialSecretName !== undefined
          ? { auth_type: server.authType ?? 'bearer_token', authentication_token: `os.environ/${mcpCredentialEnvName(server)}` }
          : {}),
      },
    ]),
  );
}

/** The config as a plain object (what `renderLiteLlmConfig` serialises). */
export function buildLiteLlmConfig(input: LiteLlmConfigInput): Record<string, unknown> {
  const clash = clashingEnvName(input.models);
  if (clash) {
    throw new Error(`models: two model names map to the API key variable ${clash} (use model names that differ in more than punctuation)`);
  }
  const guardrails = input.guardrails ?? [];
  if (guardrails.length > 0 && !input.guardrailRegion) {
    throw new Error('guardrailRegion: is required with guardrails (the region the Bedrock guardrails live in)');
  }
  const env = (name: string) => `os.environ/${name}`;
  const { router, responseCache } = input;
  return {
    environment_variables: { [LANGFUSE_ENVIRONMENT_VARIABLE]: input.environment },
    model_list: [
      ...modelList(input.models, input.environment, input.applicationProfileRegion),
      ...guardedModelList(input.models, input.environment, guardrails, input.applicationProfileRegion),
      ...(input.mockModel ? [mockModelEntry(input.mockModel.delayMs)] : []),
      ...(input.batches ? batchModelList(input.models, input.batches) : []),
    ],
    ...(guardrails.length > 0 ? { guardrails: guardrailsList(guardrails, input.guardrailRegion!) } : {}),
    // Only servers declared here exist for the gateway; a team reaches those it is granted (object_permission).
    ...(input.mcpServers && input.mcpServers.length > 0 ? { mcp_servers: mcpServers(input.mcpServers) } : {}),
    litellm_settings: {
      // Traces go to the in-cluster Langfuse v3 over OpenTelemetry (its /api/public/otel endpoint), the
      // integration LiteLLM recommends for Langfuse v3+; keys and host come from LANGFUSE_* variables.
      // Prometheus: per-team usage on /metrics, scraped by the Container Insights agent into CloudWatch (only the
      // metrics and labels of lib/shared/usage-metrics.ts; free since LiteLLM PR 16689).
      callbacks: [LITELLM_LANGFUSE_CALLBACK, LITELLM_PROMETHEUS_CALLBACK],
      ...prometheusSettings(),
      // Debug logging is off by LITELLM_LOG (set_verbose is deprecated upstream).
      json_logs: true,
      // A request's `"no-log": true` would drop its trace (and so its attribution) from Langfuse: ignored.
      global_disable_no_log_param: true,
      request_timeout: LITELLM_SETTINGS.requestTimeoutSeconds,
      drop_params: true,
      // redact_user_api_key_info stays off: it strips every user_api_key_* field (key alias, team alias,
      // user) from what reaches Langfuse, and per-team attribution there depends on them.
      // No langfuse_default_tags: only the classic `langfuse` callback reads it. Traces are tagged instead from
      // the `tags` in each key's and team's metadata (lib/shared/attribution.ts), which LiteLLM merges into
      // every request and langfuse_otel sends as the trace's tags.
      ...(responseCache.enabled ? responseCacheSettings(responseCache, input.environment) : {}),
      // Every upload must name its batch model (target_model_names) and every file or batch id must be a managed one:
      // LiteLLM then checks the caller's team owns it before any provider call (test/contracts/litellm-batches.test.ts).
      ...(input.batches ? { require_managed_files: true } : {}),
    },
    // No litellm_key_header_name: LiteLLM then reads the edge's bare key from x-litellm-api-key natively
    // (lib/shared/litellm.ts); the setting would switch that header to a Bearer-only parser.
    general_settings: {
      master_key: env(LITELLM_ENV.masterKey),
      database_url: env(LITELLM_ENV.databaseUrl),
      proxy_batch_write_at: LITELLM_SETTINGS.batchWriteSeconds,
      database_connection_pool_limit: LITELLM_SETTINGS.databaseConnectionPoolLimit,
      // Fail closed: no request is served without the database that holds keys and budgets.
      allow_requests_on_db_unavailable: false,
      disable_error_logs: true,
      // Limit and spend state shared by every pod (see coordinationRedis).
      coordination_redis: coordinationRedis(),
      // A request's own metadata.tags would be merged with its key's: refused (400), so the platform's
      // environment:/team:/consumer: tags from key and team metadata stay the only attribution.
      reject_clientside_metadata_tags: true,
      // The end user of a request comes from this header before the body's `user` field
      // (test/contracts/litellm.test.ts: end-user attribution).
      ...(input.endUserIdHeader ? { user_header_name: input.endUserIdHeader } : {}),
      // LiteLLM adds CORS headers to every answer it streams back through the edge, `*` by default; with an explicit
      // list it echoes only a listed origin (test/contracts/litellm.test.ts: CORS). The edge preflight decides first.
      ...(input.corsOrigins && input.corsOrigins.length > 0
        ? { cors_allow_origins: [...input.corsOrigins], cors_allow_credentials: false }
        : {}),
    },
    router_settings: {
      // Router state (cool-downs, usage counts) shared by every pod. TLS is switched on with REDIS_SSL=True and the
      // user named by REDIS_USERNAME, which LiteLLM passes to the Redis client (REDIS_* variables map to client
      // arguments; the Router takes no username setting of its own).
      redis_host: env(LITELLM_ENV.redisHost),
      redis_port: env(LITELLM_ENV.redisPort),
      redis_password: env(LITELLM_ENV.redisPassword),
      routing_strategy: router.strategy,
      num_retries: router.numRetries,
      timeout: LITELLM_SETTINGS.requestTimeoutSeconds,
      // Only the classes LiteLLM's retry lookup reads; 5xx and connection errors get num_retries.
      retry_policy: {
        RateLimitErrorRetries: router.retries.rateLimit,
        TimeoutErrorRetries: router.retries.timeout,
        BadRequestErrorRetries: router.retries.badRequest,
        ContentPolicyViolationErrorRetries: router.retries.contentPolicy,
        AuthenticationErrorRetries: router.retries.authentication,
        NotFoundErrorRetries: router.retries.notFound,
      },
      // Without allowed_fails_policy LiteLLM ignores allowed_fails and cools a deployment down once over half
      // its calls in the minute failed; with it, each error class is counted against its own allowance.
      allowed_fails: router.allowedFails,
      allowed_fails_policy: {
        RateLimitErrorAllowedFails: router.allowedFailsPerError.rateLimit,
        TimeoutErrorAllowedFails: router.allowedFailsPerError.timeout,
        AuthenticationErrorAllowedFails: router.allowedFailsPerError.authentication,
        BadRequestErrorAllowedFails: router.allowedFailsPerError.badRequest,
        ContentPolicyViolationErrorAllowedFails: router.allowedFailsPerError.contentPolicy,
      },
      cooldown_time: router.cooldownSeconds,
      // The pre-call checks drop deployments whose context window the prompt exceeds (so context-window
      // fallbacks fire before a failed call) and are where the router applies `order` (standbys).
      enable_pre_call_checks: true,
      fallbacks: fallbacksOf(input, 'fallbacks'),
      context_window_fallbacks: fallbacksOf(input, 'contextWindowFallbacks'),
    },
  };
}

/** LiteLLM `config.yaml`, deterministic for a given input. */
export function renderLiteLlmConfig(input: LiteLlmConfigInput): string {
  return stringify(buildLiteLlmConfig(input), { lineWidth: 0 });
}

/** The profile variables the config refers to (one per profiled deployment's invocation id and region), sorted. */
export function bedrockProfileEnvNames(models: readonly ModelConfig[], profileRegion: string): string[] {
  const names = models.flatMap((m) =>
    m.provider === 'bedrock' && usesApplicationProfile(m, profileRegion) ? [bedrockProfileEnvName(m)] : [],
  );
  return [...new Set(names)].sort();
}
