/**
 * Renders LiteLLM's proxy `config.yaml` from the environment config. Pure: no CDK, no I/O.
 *
 * The file holds no secrets and no deploy-time values (endpoints, ARNs): those reach the pod as
 * environment variables and are referenced here as `os.environ/NAME`, which LiteLLM resolves at start-up.
 * That keeps the file, and so its checksum, identical whether the chart carries CloudFormation tokens or
 * review placeholders.
 */
import { stringify } from 'yaml';
import type { ModelConfig } from '../../lib/config/schema';
import { bedrockInvocationId } from '../../lib/shared/bedrock';

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

export interface LiteLlmConfigInput {
  /** Environment name; tags Bedrock role sessions so CloudTrail shows which environment called. */
  readonly environment: string;
  readonly models: readonly ModelConfig[];
}

/** Name of the environment variable holding a third-party model's API key. */
export function modelApiKeyEnvName(model: ModelConfig): string {
  return `${model.provider.toUpperCase()}_API_KEY_${model.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Models whose API key comes from Secrets Manager (everything but Bedrock, which uses the pod's IAM role). */
export function modelsWithApiKeys(models: readonly ModelConfig[]): Exclude<ModelConfig, { provider: 'bedrock' }>[] {
  return models.filter((m): m is Exclude<ModelConfig, { provider: 'bedrock' }> => m.provider !== 'bedrock');
}

function litellmParams(model: ModelConfig, environment: string): Record<string, string> {
  switch (model.provider) {
    case 'bedrock':
      return {
        model: `bedrock/${bedrockInvocationId(model)}`,
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

/** The config as a plain object (what `renderLiteLlmConfig` serialises). */
export function buildLiteLlmConfig(input: LiteLlmConfigInput): Record<string, unknown> {
  const envNames = modelsWithApiKeys(input.models).map(modelApiKeyEnvName);
  const clash = envNames.find((name, i) => envNames.indexOf(name) !== i);
  if (clash) {
    throw new Error(`models: two model names map to the API key variable ${clash} (use model names that differ in more than punctuation)`);
  }
  const env = (name: string) => `os.environ/${name}`;
  return {
    environment_variables: { [LANGFUSE_ENVIRONMENT_VARIABLE]: input.environment },
    model_list: input.models.map((model) => ({
      model_name: model.name,
      litellm_params: litellmParams(model, input.environment),
    })),
    litellm_settings: {
      // Traces go to the in-cluster Langfuse v3 over OpenTelemetry (its /api/public/otel endpoint), the
      // integration LiteLLM recommends for Langfuse v3+; keys and host come from LANGFUSE_* variables.
      callbacks: [LITELLM_LANGFUSE_CALLBACK],
      // Debug logging is off by LITELLM_LOG (set_verbose is deprecated upstream).
      json_logs: true,
      request_timeout: LITELLM_SETTINGS.requestTimeoutSeconds,
      drop_params: true,
      // redact_user_api_key_info stays off: it strips every user_api_key_* field (key alias, team alias,
      // user) from what reaches Langfuse, and per-team attribution there depends on them.
      // No langfuse_default_tags: only the classic `langfuse` callback reads it. Traces are tagged instead from
      // the `tags` in each key's and team's metadata (lib/shared/attribution.ts), which LiteLLM merges into
      // every request and langfuse_otel sends as the trace's tags.
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
    },
    router_settings: {
      // Shared limits and cooldowns across pods. TLS is switched on with REDIS_SSL=True, which LiteLLM
      // passes to the Redis client (REDIS_* variables map to client arguments).
      redis_host: env(LITELLM_ENV.redisHost),
      redis_port: env(LITELLM_ENV.redisPort),
      redis_password: env(LITELLM_ENV.redisPassword),
      routing_strategy: 'simple-shuffle',
      num_retries: 2,
      timeout: LITELLM_SETTINGS.requestTimeoutSeconds,
    },
  };
}

/** LiteLLM `config.yaml`, deterministic for a given input. */
export function renderLiteLlmConfig(input: LiteLlmConfigInput): string {
  return stringify(buildLiteLlmConfig(input), { lineWidth: 0 });
}
