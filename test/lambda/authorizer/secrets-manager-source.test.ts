import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_LIMITS } from '../../../lambda/authorizer/config';
import {
  classifySecretError,
  createSecretsManagerSource,
  SecretSourceError,
  secretsManagerClientConfig,
} from '../../../lambda/authorizer/secrets-manager-source';
import { SwitchableEndpoint } from '../../support/authorizer-moto';

const named = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });

describe('classifySecretError', () => {
  test.each<[string, unknown, string]>([
    ['a missing secret', named('ResourceNotFoundException'), 'not_found'],
    ['a secret scheduled for deletion', named('InvalidRequestException'), 'not_found'],
    ['access denied', named('AccessDeniedException', { $metadata: { httpStatusCode: 400 } }), 'denied'],
    ['a KMS decryption failure', named('DecryptionFailure'), 'denied'],
    ['throttling', named('ThrottlingException', { $retryable: { throttling: true } }), 'transient'],
    ['an internal service error', named('InternalServiceError', { $metadata: { httpStatusCode: 500 } }), 'transient'],
    ['any 5xx', named('SomethingNew', { $metadata: { httpStatusCode: 503 } }), 'transient'],
    ['a client-side timeout', named('TimeoutError', { code: 'ETIMEDOUT' }), 'transient'],
    ['a call cut by our abort signal', named('AbortError'), 'transient'],
    ['the key store deadline', new SecretSourceError('transient', 'LookupTimeout'), 'transient'],
    ['a refused connection', named('Error', { code: 'ECONNREFUSED' }), 'transient'],
    ['a validation error', named('ValidationException', { $metadata: { httpStatusCode: 400 } }), 'fatal'],
    ['a thrown string', 'boom', 'fatal'],
    ['undefined', undefined, 'fatal'],
  ])('classifies %s', (_name, err, kind) => {
    expect(classifySecretError(err).kind).toBe(kind);
  });
});

describe('createSecretsManagerSource', () => {
  test('asks for the secret by name and returns its string', async () => {
    const send = jest.fn().mockResolvedValue({ SecretString: 'sk-x' });
    await expect(createSecretsManagerSource({ send } as never)('prefix/client')).resolves.toBe('sk-x');
    const command = send.mock.calls[0][0] as GetSecretValueCommand;
    expect(command).toBeInstanceOf(GetSecretValueCommand);
    expect(command.input).toEqual({ SecretId: 'prefix/client' });
  });

  test('hands the abort signal to the SDK, which cuts the request when it fires', async () => {
    const send = jest.fn().mockResolvedValue({ SecretString: 'sk-x' });
    const signal = new AbortController().signal;
    await createSecretsManagerSource({ send } as never)('p/c', signal);
    expect(send.mock.calls[0][1]).toEqual({ abortSignal: signal });
  });

  test('returns undefined for binary secrets', async () => {
    const send = jest.fn().mockResolvedValue({ SecretBinary: new Uint8Array([1]) });
    await expect(createSecretsManagerSource({ send } as never)('p/c')).resolves.toBeUndefined();
  });

  test('rejects with a classified error', async () => {
    const send = jest.fn().mockRejectedValue(named('ThrottlingException'));
    const err = await createSecretsManagerSource({ send } as never)('p/c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretSourceError);
    expect(err).toMatchObject({ kind: 'transient', code: 'ThrottlingException' });
  });
});

describe('secretsManagerClientConfig', () => {
  test('bounds each attempt and turns a request timeout into an error (no socket timeout is on by default)', () => {
    expect(secretsManagerClientConfig(DEFAULT_LIMITS)).toEqual({
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 1000, throwOnRequestTimeout: true, socketTimeout: 1000 },
    });
  });

  test('leaves room in the decision budget for the JWKS fetch and the whole key lookup', () => {
    expect(DEFAULT_LIMITS.jwksFetchTimeoutMs + DEFAULT_LIMITS.keyLookupTimeoutMs).toBeLessThan(DEFAULT_LIMITS.decisionBudgetMs);
    expect(DEFAULT_LIMITS.keyLookupAttemptTimeoutMs).toBeLessThan(DEFAULT_LIMITS.keyLookupTimeoutMs);
  });
});

describe('createSecretsManagerSource over the real SDK, against an endpoint that accepts and never answers', () => {
  let endpoint: SwitchableEndpoint;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    endpoint = await SwitchableEndpoint.start();
    client = new SecretsManagerClient({
      ...secretsManagerClientConfig(DEFAULT_LIMITS),
      endpoint: endpoint.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.stop();
  });

  test('fails as a transient fault within the lookup budget, and closes every connection it opened', async () => {
    const started = Date.now();
    const err = await createSecretsManagerSource(client)(
      'genai-gateway/dev/virtual-keys/client7abc',
      AbortSignal.timeout(DEFAULT_LIMITS.keyLookupTimeoutMs),
    ).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(SecretSourceError);
    expect(err).toMatchObject({ kind: 'transient' });
    expect(elapsed).toBeGreaterThanOrEqual(DEFAULT_LIMITS.keyLookupAttemptTimeoutMs);
    expect(elapsed).toBeLessThan(DEFAULT_LIMITS.keyLookupTimeoutMs + 300);
    expect(endpoint.held).toBeGreaterThanOrEqual(1);
    expect(endpoint.held).toBeLessThanOrEqual(2);
    for (let i = 0; i < 100 && endpoint.closedByClient < endpoint.held; i++) await new Promise((r) => setTimeout(r, 10));
    expect(endpoint.closedByClient).toBe(endpoint.held);
  });
});
