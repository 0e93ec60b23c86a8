import { parse } from 'yaml';
import {
  LANGFUSE_ENVIRONMENT_VARIABLE,
  LITELLM_ENV,
  buildLiteLlmConfig,
  guardrailUses,
  modelApiKeyEnvName,
  modelsWithApiKeys,
  renderLiteLlmConfig,
  type LiteLlmConfigInput,
} from '../../../k8s/renderers/litellm-config';
import { responseCacheSchema, routerSchema } from '../../../lib/config/models-schema';
import type { EnvironmentConfig, ModelConfig } from '../../../lib/config/schema';
import { config } from '../support/charts';

/** A renderer input with the schema's router and cache defaults (cache off) and no fallbacks. */
const input = (environment: string, models: readonly ModelConfig[], extra: Partial<LiteLlmConfigInput> = {}): LiteLlmConfigInput => ({
  environment,
  models,
  modelGroups: [],
  router: routerSchema.parse({}),
  responseCache: responseCacheSchema.parse({}),
  ...extra,
});
const fromConfig = (cfg: EnvironmentConfig): LiteLlmConfigInput => ({
  environment: cfg.name,
  models: cfg.models,
  modelGroups: cfg.modelGroups,
  router: cfg.router,
  responseCache: cfg.responseCache,
});
const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';

const mixed: ModelConfig[] = [
  {
    provider: 'bedrock',
    name: 'claude-sonnet-4',
    modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
    inferenceProfile: 'us',
    region: 'us-east-1',
  },
  {
    provider: 'bedrock',
    name: 'titan',
    modelId: 'amazon.titan-text-express-v1',
    region: 'eu-west-1',
    crossAccountRoleArn: 'arn:aws:iam::123456789012:role/bedrock-access',
  },
  {
    provider: 'azure',
    name: 'gpt-4o',
    deployment: 'gpt4o-prod',
    apiBase: 'https://acme.openai.azure.com',
    apiVersion: '2024-10-21',
    apiKeySecretName: 'azure',
  },
  { provider: 'gemini', name: 'gemini-2.5-pro', model: 'gemini-2.5-pro', apiKeySecretName: 'gemini' },
];

describe('renderLiteLlmConfig', () => {
  test('parses back to the default dev models as us. inference profiles in us-east-1, and the embedding model called directly', () => {
    const parsed = parse(renderLiteLlmConfig(fromConfig(config('dev'))));
    expect(parsed.model_list).toEqual([
      {
        model_name: 'claude-3-7-sonnet',
        litellm_params: { model: 'bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0', aws_region_name: 'us-east-1', weight: 1 },
        model_info: { id: 'claude-3-7-sonnet:0' },
      },
      {
        model_name: 'claude-sonnet-4',
        litellm_params: { model: 'bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0', aws_region_name: 'us-east-1', weight: 1 },
        model_info: { id: 'claude-sonnet-4:0' },
      },
      {
        model_name: 'claude-opus-4',
        litellm_params: { model: 'bedrock/us.anthropic.claude-opus-4-20250514-v1:0', aws_region_name: 'us-east-1', weight: 1 },
        model_info: { id: 'claude-opus-4:0' },
      },
      {
        model_name: 'titan-embed-text-v2',
        litellm_params: { model: 'bedrock/amazon.titan-embed-text-v2:0', aws_region_name: 'us-east-1', weight: 1 },
        model_info: { id: 'titan-embed-text-v2:0' },
      },
    ]);
  });

  test('names the end-user header only when one is given', () => {
    const input = fromConfig(config('dev'));
    expect(parse(renderLiteLlmConfig(input)).general_settings).not.toHaveProperty('user_header_name');
    expect(parse(renderLiteLlmConfig({ ...input, endUserIdHeader: 'X-OpenWebUI-User-Email' })).general_settings).toMatchObject({
      user_header_name: 'X-OpenWebUI-User-Email',
    });
  });

  test('renders each provider with its own parameters; keys are environment references only', () => {
    const parsed = parse(renderLiteLlmConfig(input('prod', mixed)));
    expect(parsed.model_list[1].litellm_params).toEqual({
      model: 'bedrock/amazon.titan-text-express-v1',
      aws_region_name: 'eu-west-1',
      aws_role_name: 'arn:aws:iam::123456789012:role/bedrock-access',
      aws_session_name: 'litellm-prod',
      weight: 1,
    });
    expect(parsed.model_list[2].litellm_params).toEqual({
      model: 'azure/gpt4o-prod',
      api_base: 'https://acme.openai.azure.com',
      api_version: '2024-10-21',
      api_key: 'os.environ/AZURE_API_KEY_GPT_4O',
      weight: 1,
    });
    expect(parsed.model_list[3].litellm_params).toEqual({
      model: 'gemini/gemini-2.5-pro',
      api_key: 'os.environ/GEMINI_API_KEY_GEMINI_2_5_PRO',
      weight: 1,
    });
  });

  test('leaves the key header to LiteLLM (no litellm_key_header_name), so the bare key in x-litellm-api-key is read', () => {
    const parsed = parse(renderLiteLlmConfig(input('dev', mixed)));
    expect(parsed.general_settings).not.toHaveProperty('litellm_key_header_name');
  });

  test('sets the Langfuse callback and production settings', () => {
    const parsed = parse(renderLiteLlmConfig(input('dev', mixed)));
    expect(parsed.general_settings).toMatchObject({
      master_key: `os.environ/${LITELLM_ENV.masterKey}`,
      database_url: `os.environ/${LITELLM_ENV.databaseUrl}`,
      proxy_batch_write_at: 60,
      database_connection_pool_limit: 10,
      allow_requests_on_db_unavailable: false,
    });
    expect(parsed.litellm_settings).toMatchObject({ callbacks: ['langfuse_otel', 'prometheus'], json_logs: true, request_timeout: 600 });
    // set_verbose is deprecated upstream; LITELLM_LOG controls logging.
    expect(parsed.litellm_settings).not.toHaveProperty('set_verbose');
    // Redaction would strip the key alias, team alias and user that Langfuse attribution relies on.
    expect(parsed.litellm_settings).not.toHaveProperty('redact_user_api_key_info');
    expect(parsed.router_settings).toMatchObject({
      redis_host: 'os.environ/REDIS_HOST',
      redis_port: 'os.environ/REDIS_PORT',
      redis_password: 'os.environ/REDIS_PASSWORD',
    });
  });

  test.each(['dev', 'prod'])(
    'keeps limit state in Valkey through coordination_redis, the same way with or without a response cache (%s)',
    (env) => {
      const withCache = parse(renderLiteLlmConfig(input(env, mixed, { responseCache: responseCacheSchema.parse({ enabled: true }) })));
      const withoutCache = parse(renderLiteLlmConfig(input(env, mixed)));
      for (const parsed of [withCache, withoutCache]) {
        expect(parsed.general_settings.coordination_redis).toEqual({
          host: `os.environ/${LITELLM_ENV.redisHost}`,
          port: `os.environ/${LITELLM_ENV.redisPort}`,
          // LiteLLM's own Valkey user, never the default one.
          username: `os.environ/${LITELLM_ENV.redisUsername}`,
          password: `os.environ/${LITELLM_ENV.redisPassword}`,
          ssl: true,
        });
        // The same Valkey the router uses: one connection target, one TLS setting.
        expect(parsed.router_settings.redis_host).toBe(parsed.general_settings.coordination_redis.host);
      }
      // A response cache never doubles as the limit store: it stays in each pod's memory.
      expect(withCache.litellm_settings.cache_params.type).toBe('local');
    },
  );

  test('denies a client switching its own tracing off ("no-log") or adding its own tags', () => {
    const parsed = parse(renderLiteLlmConfig(input('prod', mixed)));
    expect(parsed.litellm_settings.global_disable_no_log_param).toBe(true);
    expect(parsed.general_settings.reject_clientside_metadata_tags).toBe(true);
    // Each is read from its own section (test/contracts/litellm-isolation.test.ts): never the other one.
    expect(parsed.general_settings).not.toHaveProperty('global_disable_no_log_param');
    expect(parsed.litellm_settings).not.toHaveProperty('reject_clientside_metadata_tags');
  });

  test('names the environment for Langfuse traces and leaves tagging to key and team metadata', () => {
    const parsed = parse(renderLiteLlmConfig(input('prod', mixed)));
    expect(parsed.environment_variables).toEqual({ [LANGFUSE_ENVIRONMENT_VARIABLE]: 'prod' });
    expect(LANGFUSE_ENVIRONMENT_VARIABLE).toBe('LANGFUSE_TRACING_ENVIRONMENT');
    // Read by the classic langfuse callback only; langfuse_otel takes trace tags from request metadata.
    expect(parsed.litellm_settings).not.toHaveProperty('langfuse_default_tags');
  });

  test('is deterministic and holds no secret or deploy-time value', () => {
    const a = renderLiteLlmConfig(input('dev', mixed));
    expect(renderLiteLlmConfig(input('dev', mixed))).toBe(a);
    expect(a).not.toMatch(/<|Token\[|sk-/);
  });

  test('rejects two model names that map to the same key variable', () => {
    const clash: ModelConfig[] = [
      { provider: 'gemini', name: 'g-1', model: 'gemini-2.5-pro', apiKeySecretName: 'a' },
      { provider: 'gemini', name: 'g.1', model: 'gemini-2.5-pro', apiKeySecretName: 'b' },
    ];
    expect(() => buildLiteLlmConfig(input('dev', clash))).toThrow(
      'models: two model names map to the API key variable GEMINI_API_KEY_G_1 (use model names that differ in more than punctuation)',
    );
  });
});

describe('renderLiteLlmConfig: model groups', () => {
  const east = { provider: 'bedrock' as const, name: 'sonnet', modelId: SONNET, inferenceProfile: 'us' as const, region: 'us-east-1' };
  const west = { ...east, region: 'us-west-2' };

  test('renders one model_list entry per deployment under the group name, with weight, limits and a stable id', () => {
    const parsed = parse(
      renderLiteLlmConfig(
        input('prod', [
          { ...east, weight: 3, rpm: 500 },
          { ...west, tpm: 400_000 },
        ]),
      ),
    );
    expect(parsed.model_list).toEqual([
      {
        model_name: 'sonnet',
        litellm_params: { model: `bedrock/us.${SONNET}`, aws_region_name: 'us-east-1', weight: 3, rpm: 500 },
        model_info: { id: 'sonnet:0' },
      },
      {
        model_name: 'sonnet',
        litellm_params: { model: `bedrock/us.${SONNET}`, aws_region_name: 'us-west-2', weight: 1, tpm: 400_000 },
        model_info: { id: 'sonnet:1' },
      },
    ]);
  });

  test('gives every deployment of a group with a standby an order (1 active, 2 standby), and none elsewhere', () => {
    const other = { ...east, name: 'other' };
    const parsed = parse(renderLiteLlmConfig(input('prod', [east, { ...west, standby: true }, other])));
    expect(
      parsed.model_list.map((m: { model_info: { id: string }; litellm_params: { order?: number } }) => [
        m.model_info.id,
        m.litellm_params.order,
      ]),
    ).toEqual([
      ['sonnet:0', 1],
      ['sonnet:1', 2],
      ['other:0', undefined],
    ]);
  });

  test('renders ordered fallbacks and context-window fallbacks as single-key maps, only between served groups', () => {
    const models = [east, { ...east, name: 'haiku' }, { ...east, name: 'long' }];
    const modelGroups = [
      { name: 'sonnet', fallbacks: ['long', 'haiku'], contextWindowFallbacks: ['long'] },
      { name: 'haiku', fallbacks: ['gone'], contextWindowFallbacks: [] },
      { name: 'gone', fallbacks: ['sonnet'], contextWindowFallbacks: [] },
    ];
    const parsed = parse(renderLiteLlmConfig(input('prod', models, { modelGroups })));
    expect(parsed.router_settings.fallbacks).toEqual([{ sonnet: ['long', 'haiku'] }]);
    expect(parsed.router_settings.context_window_fallbacks).toEqual([{ sonnet: ['long'] }]);
  });

  test('renders the router policy from config', () => {
    const router = routerSchema.parse({ strategy: 'least-busy', numRetries: 1, retries: { rateLimit: 4 }, cooldownSeconds: 90 });
    const parsed = parse(renderLiteLlmConfig(input('prod', [east], { router })));
    expect(parsed.router_settings).toMatchObject({
      routing_strategy: 'least-busy',
      num_retries: 1,
      retry_policy: {
        RateLimitErrorRetries: 4,
        TimeoutErrorRetries: 0,
        BadRequestErrorRetries: 0,
        ContentPolicyViolationErrorRetries: 0,
        AuthenticationErrorRetries: 0,
        NotFoundErrorRetries: 0,
      },
      allowed_fails: 3,
      allowed_fails_policy: {
        RateLimitErrorAllowedFails: 2,
        TimeoutErrorAllowedFails: 2,
        AuthenticationErrorAllowedFails: 1,
        BadRequestErrorAllowedFails: 1000,
        ContentPolicyViolationErrorAllowedFails: 1000,
      },
      cooldown_time: 90,
      enable_pre_call_checks: true,
    });
  });

  test('prod serves claude-sonnet-4 from us-east-1 and us-west-2 and falls back to claude-3-7-sonnet', () => {
    const parsed = parse(renderLiteLlmConfig(fromConfig(config('prod'))));
    const sonnet = parsed.model_list.filter((m: { model_name: string }) => m.model_name === 'claude-sonnet-4');
    expect(sonnet.map((m: { litellm_params: Record<string, unknown> }) => m.litellm_params.aws_region_name)).toEqual([
      'us-east-1',
      'us-west-2',
    ]);
    expect(parsed.router_settings.fallbacks).toContainEqual({ 'claude-sonnet-4': ['claude-3-7-sonnet'] });
  });
});

describe('renderLiteLlmConfig: response cache', () => {
  test('sets no cache unless the environment enables it', () => {
    const parsed = parse(renderLiteLlmConfig(input('prod', mixed)));
    expect(parsed.litellm_settings).not.toHaveProperty('cache');
    expect(parsed.litellm_settings).not.toHaveProperty('cache_params');
  });

  test('caches completions and embeddings in pod memory, namespaced per environment, opt-in per request', () => {
    const responseCache = responseCacheSchema.parse({ enabled: true, ttlSeconds: 120 });
    const parsed = parse(renderLiteLlmConfig(input('dev', mixed, { responseCache })));
    expect(parsed.litellm_settings).toMatchObject({
      cache: true,
      cache_params: {
        type: 'local',
        ttl: 120,
        namespace: 'genai-dev',
        mode: 'default_off',
        supported_call_types: ['acompletion', 'completion', 'aembedding', 'embedding'],
      },
    });
  });

  test('caches every request in opt-out mode', () => {
    const responseCache = responseCacheSchema.parse({ enabled: true, mode: 'opt-out' });
    expect(parse(renderLiteLlmConfig(input('dev', mixed, { responseCache }))).litellm_settings.cache_params.mode).toBe('default_on');
  });
});

describe('helpers', () => {
  test('derives key variable names from provider and model name', () => {
    expect(modelApiKeyEnvName(mixed[2] as ModelConfig)).toBe('AZURE_API_KEY_GPT_4O');
  });

  test('lists one keyed deployment per key variable: a group shares one secret', () => {
    const azure = mixed[2] as ModelConfig;
    const second = { ...azure, apiBase: 'https://acme-west.openai.azure.com' } as ModelConfig;
    expect(modelsWithApiKeys([azure, second, mixed[0] as ModelConfig])).toEqual([azure]);
  });
});

describe('guardrails in config.yaml', () => {
  const uses = guardrailUses(
    ['strict', 'unused'],
    [
      { models: ['gpt-4o', 'gemini-2.5-pro'], guardrail: 'strict' },
      { models: ['gpt-4o', 'claude-sonnet-4'], guardrail: 'strict' },
      { models: ['titan'] },
    ],
  );

  test("lists each chosen guardrail once with the union of its teams' models, and drops one no team chose", () => {
    expect(uses).toEqual([{ name: 'strict', models: ['gpt-4o', 'gemini-2.5-pro', 'claude-sonnet-4'] }]);
  });

  test('adds a guarded copy of every deployment of those models, whatever the provider, each naming the guardrail', () => {
    const parsed = parse(renderLiteLlmConfig(input('test', mixed, { guardrails: uses, guardrailRegion: 'us-east-1' })));
    const copies = parsed.model_list.filter((m: { model_name: string }) => m.model_name.includes('.guard-'));
    expect(
      copies.map((m: { model_name: string; litellm_params: { model: string; guardrails: string[] } }) => [
        m.model_name,
        m.litellm_params.model,
        m.litellm_params.guardrails,
      ]),
    ).toEqual([
      ['claude-sonnet-4.guard-strict', `bedrock/us.${SONNET}`, ['strict']],
      ['gpt-4o.guard-strict', 'azure/gpt4o-prod', ['strict']],
      ['gemini-2.5-pro.guard-strict', 'gemini/gemini-2.5-pro', ['strict']],
    ]);
    // The copy uses the same API key variable as its original: no secret of its own to provision.
    expect(copies[1].litellm_params.api_key).toBe(`os.environ/${modelApiKeyEnvName(mixed[2]!)}`);
    expect(copies.map((m: { model_info: { id: string } }) => m.model_info.id)).toEqual([
      'claude-sonnet-4.guard-strict:0',
      'gpt-4o.guard-strict:0',
      'gemini-2.5-pro.guard-strict:0',
    ]);
    expect(parsed.guardrails).toEqual([
      {
        guardrail_name: 'strict',
        litellm_params: {
          guardrail: 'bedrock',
          mode: ['pre_call', 'post_call'],
          default_on: false,
          guardrailIdentifier: 'os.environ/BEDROCK_GUARDRAIL_ID_STRICT',
          guardrailVersion: 'os.environ/BEDROCK_GUARDRAIL_VERSION_STRICT',
          aws_region_name: 'us-east-1',
          mask_request_content: true,
          mask_response_content: true,
        },
      },
    ]);
  });

  test('renders no guardrails key and no copies when no team chose one', () => {
    const parsed = parse(renderLiteLlmConfig(input('test', mixed)));
    expect(parsed).not.toHaveProperty('guardrails');
    expect(parsed.model_list).toHaveLength(mixed.length);
  });

  test('denies guardrails without the region they live in', () => {
    expect(() => buildLiteLlmConfig(input('test', mixed, { guardrails: uses }))).toThrow(
      'guardrailRegion: is required with guardrails (the region the Bedrock guardrails live in)',
    );
  });
});

describe('batch copies in config.yaml', () => {
  const batches = { models: ['claude-sonnet-4', 'gpt-4o'], region: 'us-east-1' };

  test('adds a batch copy of each Bedrock deployment of the batch groups, with the bucket, its region and the role by variable', () => {
    const parsed = parse(renderLiteLlmConfig(input('test', mixed, { batches, applicationProfileRegion: 'us-east-1' })));
    const copies = parsed.model_list.filter((m: { model_info: { mode?: string } }) => m.model_info.mode === 'batch');
    expect(copies).toEqual([
      {
        model_name: 'claude-sonnet-4-batch',
        litellm_params: {
          model: `bedrock/us.${SONNET}`,
          aws_region_name: 'us-east-1',
          s3_bucket_name: 'os.environ/LITELLM_BATCH_BUCKET',
          s3_region_name: 'us-east-1',
          aws_batch_role_arn: 'os.environ/LITELLM_BATCH_ROLE_ARN',
          weight: 1,
        },
        model_info: { id: 'claude-sonnet-4-batch:0', mode: 'batch' },
      },
    ]);
    expect(parsed.litellm_settings.require_managed_files).toBe(true);
    // The chat deployment of the same group keeps its application profile and never sees a batch parameter.
    const chat = parsed.model_list.find((m: { model_name: string }) => m.model_name === 'claude-sonnet-4');
    expect(chat.litellm_params).toHaveProperty('model_id');
    expect(chat.litellm_params).not.toHaveProperty('s3_bucket_name');
    expect(chat.litellm_params).not.toHaveProperty('aws_batch_role_arn');
  });

  test('renders no batch copy and leaves managed files optional without batches', () => {
    const parsed = parse(renderLiteLlmConfig(input('test', mixed)));
    expect(parsed.model_list.filter((m: { model_name: string }) => m.model_name.endsWith('-batch'))).toEqual([]);
    expect(parsed.litellm_settings).not.toHaveProperty('require_managed_files');
  });
});
