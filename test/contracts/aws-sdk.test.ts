/**
 * AWS SDK for JavaScript v3, as the authorizer uses it to read virtual keys: the HTTP handler's timeouts and
 * abort handling, checked against the client settings the authorizer builds (secretsManagerClientConfig)
 * and its Secrets Manager source, through the real SDK client and a real TCP endpoint.
 *
 * Sources, read 2026-11-29 in the packages package-lock.json installs (restated in our own words):
 * - @smithy/node-http-handler 4.14.2 (github.com/smithy-lang/smithy-typescript, packages/node-http-handler),
 *   node_modules/@smithy/node-http-handler/dist-cjs/index.js: setRequestTimeout, setSocketTimeout,
 *   setConnectionTimeout, NodeHttpHandler.handle; option docs in @smithy/types 4.20.0,
 *   dist-types/http/httpHandlerInitialization.d.ts (NodeHttpHandlerOptions).
 * - @aws-sdk/core 3.981.0, dist-cjs/submodules/client/index.js: getDefaultSocketTimeout.
 * - @smithy/core 3.41.0, dist-cjs/submodules/retry/index.js: isTransientError, the retry middleware's abort race.
 * - @aws-sdk/client-secrets-manager 3.1162.0, dist-cjs/index.js: getRuntimeConfig (defaultSocketTimeout 300000).
 * - Node.js version notice, read 2026-12-06: @aws-sdk/core 3.981.0, dist-cjs/submodules/client/index.js,
 *   emitWarningIfUnsupportedVersion (warns once per process below Node.js 22, skipped when
 *   AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is "true"); the opt-out is the one documented in
 *   github.com/aws/aws-sdk-js-v3 issue #7983 ("January 2027: End of Support for Node.js 20.x", 2026-05-01).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_LIMITS } from '../../lambda/authorizer/config';
import { createSecretsManagerSource, secretsManagerClientConfig } from '../../lambda/authorizer/secrets-manager-source';
import { SwitchableEndpoint, type EndpointBehaviour } from '../support/authorizer-moto';

/** Shrunk so the suite is quick; the production values are checked separately below. */
const ATTEMPT_MS = 300;
const ours = secretsManagerClientConfig({ keyLookupAttemptTimeoutMs: ATTEMPT_MS });
const handlerOptions = (config: SecretsManagerClientConfig) => config.requestHandler as Record<string, unknown>;

const clients: SecretsManagerClient[] = [];
function clientAt(endpoint: SwitchableEndpoint, config: SecretsManagerClientConfig): SecretsManagerClient {
  const client = new SecretsManagerClient({
    ...config,
    endpoint: endpoint.url,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  clients.push(client);
  return client;
}

type Settled = { outcome: 'resolved' | 'rejected' | 'pending'; error?: { name?: string; code?: string; message?: string }; ms: number };
/** Where a call stands after `waitMs`: settled (and how) or still pending. */
async function within(call: Promise<unknown>, waitMs: number): Promise<Settled> {
  const started = Date.now();
  const settled = call.then(
    () => ({ outcome: 'resolved' as const, ms: Date.now() - started }),
    (error: Settled['error']) => ({ outcome: 'rejected' as const, error, ms: Date.now() - started }),
  );
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<Settled>((resolve) => (timer = setTimeout(() => resolve({ outcome: 'pending', ms: waitMs }), waitMs)));
  const result = await Promise.race([settled, pending]);
  clearTimeout(timer);
  return result;
}

const getSecret = (client: SecretsManagerClient, abortSignal?: AbortSignal) =>
  client.send(new GetSecretValueCommand({ SecretId: 'genai-gateway/dev/virtual-keys/client7abc' }), { abortSignal });

describe('AWS SDK v3 HTTP handler contract', () => {
  const endpoints: SwitchableEndpoint[] = [];
  const endpointThat = async (behaviour: EndpointBehaviour) => {
    const endpoint = await SwitchableEndpoint.start();
    endpoint.behaviour = behaviour;
    endpoints.push(endpoint);
    return endpoint;
  };
  afterAll(async () => {
    clients.forEach((c) => c.destroy());
    await Promise.all(endpoints.map((e) => e.stop()));
  });

  test('the facts below were read at the versions the lockfile installs for client-secrets-manager 3.1162.0', () => {
    // Source: package-lock.json. A bump of any of these means re-reading the files named above.
    const lock = JSON.parse(readFileSync(join(__dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const version = (name: string) => lock.packages[`node_modules/${name}`]?.version;
    expect(version('@aws-sdk/client-secrets-manager')).toBe('3.1162.0');
    expect(version('@smithy/node-http-handler')).toBe('4.14.2');
    expect(version('@aws-sdk/core')).toBe('3.981.0');
    expect(version('@smithy/core')).toBe('3.41.0');
    // One copy each: nothing nested under the client resolves to another handler.
    expect(Object.keys(lock.packages).filter((p) => p.endsWith('/@smithy/node-http-handler'))).toEqual([
      'node_modules/@smithy/node-http-handler',
    ]);
  });

  test('requestTimeout alone only logs a warning; throwOnRequestTimeout makes it destroy the request and throw a TimeoutError', async () => {
    // Source: node-http-handler 4.14.2 setRequestTimeout: when the timer fires without throwOnRequestTimeout it
    // logs "[WARN] ... exceeded the configured requestTimeout" and leaves the request running; with it, the
    // request is destroyed and the call rejects with name TimeoutError, code ETIMEDOUT. The option's own
    // documentation says the same (NodeHttpHandlerOptions.throwOnRequestTimeout).
    expect(handlerOptions(ours)).toMatchObject({ requestTimeout: ATTEMPT_MS, throwOnRequestTimeout: true });

    const endpoint = await endpointThat('hang');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const warnOnly = clientAt(endpoint, { maxAttempts: 1, requestHandler: { requestTimeout: ATTEMPT_MS } });
      const call = getSecret(warnOnly);
      call.catch(() => undefined);
      expect((await within(call, ATTEMPT_MS * 4)).outcome).toBe('pending');
      expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringContaining(`${ATTEMPT_MS} ms requestTimeout`));
    } finally {
      warn.mockRestore();
    }

    const result = await within(getSecret(clientAt(endpoint, { ...ours, maxAttempts: 1 })), ATTEMPT_MS * 4);
    expect(result).toMatchObject({ outcome: 'rejected', error: { name: 'TimeoutError', code: 'ETIMEDOUT' } });
    expect(result.ms).toBeLessThan(ATTEMPT_MS * 2);
  });

  test('requestTimeout ends at the response headers: a body that stalls afterwards is cut only by socketTimeout', async () => {
    // Source: node-http-handler 4.14.2 NodeHttpHandler.handle: the call resolves (clearing the request timer)
    // as soon as the status line and headers arrive; the body is read later. setSocketTimeout destroys the
    // request after that many ms without socket activity (registered at once below 6000 ms).
    expect(handlerOptions(ours)).toMatchObject({ socketTimeout: ATTEMPT_MS });

    const endpoint = await endpointThat('stall-body');
    const noSocketTimeout = getSecret(
      clientAt(endpoint, { maxAttempts: 1, requestHandler: { requestTimeout: ATTEMPT_MS, throwOnRequestTimeout: true } }),
    );
    noSocketTimeout.catch(() => undefined);
    expect((await within(noSocketTimeout, ATTEMPT_MS * 4)).outcome).toBe('pending');

    const result = await within(getSecret(clientAt(endpoint, { ...ours, maxAttempts: 1 })), ATTEMPT_MS * 4);
    expect(result).toMatchObject({ outcome: 'rejected', error: { name: 'TimeoutError' } });
  });

  test('no socket timeout applies unless configured: the 300 s default is opt-in through AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026', () => {
    // Source: client-secrets-manager 3.1162.0 getRuntimeConfig asks @aws-sdk/core 3.981.0
    // getDefaultSocketTimeout for 300000 ms, which returns it only when that variable is "true" (and never for
    // a handler instance passed in). Lambda does not set it, so our config must set socketTimeout itself.
    expect(process.env.AWS_ENABLE_DEFAULT_SOCKET_TIMEOUT_2026).toBeUndefined();
    const production = secretsManagerClientConfig(DEFAULT_LIMITS);
    expect(handlerOptions(production).socketTimeout).toBe(DEFAULT_LIMITS.keyLookupAttemptTimeoutMs);
  });

  test('a TimeoutError is retried, so one call makes up to maxAttempts attempts and each one is closed', async () => {
    // Source: @smithy/core 3.41.0 retry: isTransientError counts name TimeoutError (and code ETIMEDOUT) as
    // transient, so the standard retry strategy tries again, after a jittered delay of at most 100 ms x 2^n.
    expect(ours.maxAttempts).toBe(2);
    const endpoint = await endpointThat('hang');
    const result = await within(getSecret(clientAt(endpoint, ours)), ATTEMPT_MS * 6);
    expect(result).toMatchObject({ outcome: 'rejected', error: { name: 'TimeoutError' } });
    expect(endpoint.accepted).toBe(2);
    await waitFor(() => endpoint.closedByClient === 2);
  });

  test('an abort signal passed to send destroys the request and rejects with AbortError, which is never retried', async () => {
    // Source: node-http-handler 4.14.2 handle: on abort it destroys the request and rejects with name
    // AbortError; @smithy/core 3.41.0 retry: isTransientError is false for AbortError, and the retry
    // middleware races its backoff against the same signal. Our source passes the key store's signal and
    // reports the abort as a transient fault.
    const endpoint = await endpointThat('hang');
    const client = clientAt(endpoint, { ...secretsManagerClientConfig({ keyLookupAttemptTimeoutMs: 10_000 }) });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), ATTEMPT_MS);
    const result = await within(createSecretsManagerSource(client)('genai-gateway/dev/virtual-keys/x', controller.signal), ATTEMPT_MS * 4);
    expect(result).toMatchObject({ outcome: 'rejected', error: { name: 'SecretSourceError', kind: 'transient', code: 'AbortError' } });
    expect(endpoint.accepted).toBe(1);
    await waitFor(() => endpoint.closedByClient === 1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('AWS SDK v3 Node.js version notice (what bin/run-main.ts switches off)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require('@aws-sdk/core/client') as {
    emitWarningIfUnsupportedVersion: (v: string) => void;
    state: { warningEmitted: boolean };
  };
  const saved = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  let emitted: jest.SpyInstance;
  beforeEach(() => {
    core.state.warningEmitted = false;
    emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => {
    emitted.mockRestore();
    core.state.warningEmitted = false;
    if (saved === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = saved;
  });

  test('a client on Node.js 20 prints the multi-line notice once per process', () => {
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    core.emitWarningIfUnsupportedVersion('v20.20.2');
    core.emitWarningIfUnsupportedVersion('v20.20.2');
    expect(emitted).toHaveBeenCalledTimes(1);
    expect(String(emitted.mock.calls[0]?.[0])).toMatch(/^NodeVersionSupportWarning: [^]*will require node >=22/);
    expect(String(emitted.mock.calls[0]?.[0]).split('\n').length).toBeGreaterThan(5);
  });

  test('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true keeps it out; any other value does not', () => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    core.emitWarningIfUnsupportedVersion('v20.20.2');
    expect(emitted).not.toHaveBeenCalled();
    core.state.warningEmitted = false;
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = '1';
    core.emitWarningIfUnsupportedVersion('v20.20.2');
    expect(emitted).toHaveBeenCalledTimes(1);
  });

  test('Node.js 24, the supported version, gets no notice', () => {
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    core.emitWarningIfUnsupportedVersion('v24.11.0');
    expect(emitted).not.toHaveBeenCalled();
  });
});
