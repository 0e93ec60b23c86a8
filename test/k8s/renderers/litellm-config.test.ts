import { parse } from 'yaml';
import {
  LANGFUSE_ENVIRONMENT_VARIABLE,
  LITELLM_ENV,
  buildLiteLlmConfig,
  modelApiKeyEnvName,
  renderLiteLlmConfig,
} from '../../../k8s/renderers/litellm-config';
import type { ModelConfig } from '../../../lib/config/schema';
import { config } from '../support/charts';

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
  test('parses back to the default dev models as us. inference profiles in us-east-1', () => {
    const parsed = parse(renderLiteLlmConfig({ environment: 'dev', models: config('dev').models }));
    expect(parsed.model_list).toEqual([
      {
        model_name: 'claude-3-7-sonnet',
        litellm_params: { model: 'bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0', aws_region_name: 'us-east-1' },
      },
      {
        model_name: 'claude-sonnet-4',
        litellm_params: { model: 'bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0', aws_region_name: 'us-east-1' },
      },
      {
        model_name: 'claude-opus-4',
        litellm_params: { model: 'bedrock/us.anthropic.claude-opus-4-20250514-v1:0', aws_region_name: 'us-east-1' },
      },
    ]);
  });

  test('renders each provider with its own parameters; keys are environment references only', () => {
    const parsed = parse(renderLiteLlmConfig({ environment: 'prod', models: mixed }));
    expect(parsed.model_list[1].litellm_params).toEqual({
      model: 'bedrock/amazon.titan-text-express-v1',
      aws_region_name: 'eu-west-1',
      aws_role_name: 'arn:aws:iam::123456789012:role/bedrock-access',
      aws_session_name: 'litellm-prod',
    });
    expect(parsed.model_list[2].litellm_params).toEqual({
      model: 'azure/gpt4o-prod',
      api_base: 'https://acme.openai.azure.com',
      api_version: '2024-10-21',
      api_key: 'os.environ/AZURE_API_KEY_GPT_4O',
    });
    expect(parsed.model_list[3].litellm_params).toEqual({
      model: 'gemini/gemini-2.5-pro',
      api_key: 'os.environ/GEMINI_API_KEY_GEMINI_2_5_PRO',
    });
  });

  test('leaves the key header to LiteLLM (no litellm_key_header_name), so the bare key in x-litellm-api-key is read', () => {
    const parsed = parse(renderLiteLlmConfig({ environment: 'dev', models: mixed }));
    expect(parsed.general_settings).not.toHaveProperty('litellm_key_header_name');
  });

  test('sets the Langfuse callback and production settings', () => {
    const parsed = parse(renderLiteLlmConfig({ environment: 'dev', models: mixed }));
    expect(parsed.general_settings).toMatchObject({
      master_key: `os.environ/${LITELLM_ENV.masterKey}`,
      database_url: `os.environ/${LITELLM_ENV.databaseUrl}`,
      proxy_batch_write_at: 60,
      database_connection_pool_limit: 10,
      allow_requests_on_db_unavailable: false,
    });
    expect(parsed.litellm_settings).toMatchObject({ callbacks: ['langfuse_otel'], json_logs: true, request_timeout: 600 });
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

  test('names the environment for Langfuse traces and leaves tagging to key and team metadata', () => {
    const parsed = parse(renderLiteLlmConfig({ environment: 'prod', models: mixed }));
    expect(parsed.environment_variables).toEqual({ [LANGFUSE_ENVIRONMENT_VARIABLE]: 'prod' });
    expect(LANGFUSE_ENVIRONMENT_VARIABLE).toBe('LANGFUSE_TRACING_ENVIRONMENT');
    // Read by the classic langfuse callback only; langfuse_otel takes trace tags from request metadata.
    expect(parsed.litellm_settings).not.toHaveProperty('langfuse_default_tags');
  });

  test('is deterministic and holds no secret or deploy-time value', () => {
    const a = renderLiteLlmConfig({ environment: 'dev', models: mixed });
    expect(renderLiteLlmConfig({ environment: 'dev', models: mixed })).toBe(a);
    expect(a).not.toMatch(/<|Token\[|sk-/);
  });

  test('rejects two model names that map to the same key variable', () => {
    const clash: ModelConfig[] = [
      { provider: 'gemini', name: 'g-1', model: 'gemini-2.5-pro', apiKeySecretName: 'a' },
      { provider: 'gemini', name: 'g.1', model: 'gemini-2.5-pro', apiKeySecretName: 'b' },
    ];
    expect(() => buildLiteLlmConfig({ environment: 'dev', models: clash })).toThrow(
      'models: two model names map to the API key variable GEMINI_API_KEY_G_1 (use model names that differ in more than punctuation)',
    );
  });
});

describe('helpers', () => {
  test('derives key variable names from provider and model name', () => {
    expect(modelApiKeyEnvName(mixed[2] as ModelConfig)).toBe('AZURE_API_KEY_GPT_4O');
  });
});
