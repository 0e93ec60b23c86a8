import { GetSecretValueCommand, type SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { AuthorizerLimits } from './config';

export type SecretFailureKind = 'not_found' | 'transient' | 'denied' | 'fatal';

/** A Secrets Manager failure, reduced to what the cache policy needs. */
export class SecretSourceError extends Error {
  constructor(
    readonly kind: SecretFailureKind,
    readonly code: string,
  ) {
    super(`secret lookup failed: ${kind} (${code})`);
    this.name = 'SecretSourceError';
  }
}

/**
 * Reads one secret string; rejects with a SecretSourceError. Once `signal` aborts, the caller has given up:
 * the source should cut its connection rather than keep it open.
 */
export type SecretSource = (secretId: string, signal?: AbortSignal) => Promise<string | undefined>;

const NOT_FOUND = new Set([
  'ResourceNotFoundException',
  // Raised for a secret scheduled for deletion: an off-boarded client.
  'InvalidRequestException',
]);
const DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'DecryptionFailure']);
const TRANSIENT = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServiceError',
  'InternalServiceErrorException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  // The SDK's request, connection and socket timeouts, and a call cut by our abort signal.
  'TimeoutError',
  'AbortError',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Transient faults may be answered from a stale cache; denials and unknown errors never. */
export function classifySecretError(err: unknown): SecretSourceError {
  if (err instanceof SecretSourceError) return err;
  const e = (err ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e.name ?? 'Unknown';
  if (NOT_FOUND.has(name)) return new SecretSourceError('not_found', name);
  if (DENIED.has(name)) return new SecretSourceError('denied', name);
  const status = e.$metadata?.httpStatusCode ?? 0;
  if (TRANSIENT.has(name) || status >= 500 || e.$retryable || NETWORK_CODES.has(e.code ?? '')) {
    return new SecretSourceError('transient', name);
  }
  return new SecretSourceError('fatal', name);
}

/**
 * Client settings that bound every Secrets Manager call (facts: test/contracts/aws-sdk.test.ts, read in
 * @smithy/node-http-handler 4.14.2, the version @aws-sdk/client-secrets-manager 3.1162.0 resolves to):
 * - `requestTimeout` alone only logs a warning; `throwOnRequestTimeout` makes it destroy the request and
 *   throw a retryable TimeoutError. It runs from the start of an attempt to the response headers.
 * - No socket timeout is set by default (the SDK's 300 s default is opt-in through an environment variable),
 *   so a body that stalls after the headers would wait forever without `socketTimeout`.
 * - `connectionTimeout` covers the TCP connect only.
 * The whole lookup, retries included, is bounded again by the key store's abort signal.
 */
export function secretsManagerClientConfig(limits: Pick<AuthorizerLimits, 'keyLookupAttemptTimeoutMs'>): SecretsManagerClientConfig {
  const attempt = limits.keyLookupAttemptTimeoutMs;
  return {
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: attempt,
      requestTimeout: attempt,
      throwOnRequestTimeout: true,
      socketTimeout: attempt,
    },
  };
}

export function createSecretsManagerSource(client: Pick<SecretsManagerClient, 'send'>): SecretSource {
  return async (secretId, signal) => {
    try {
      // The signal reaches the HTTP handler, which destroys the request (and its socket) when it fires.
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }), signal ? { abortSignal: signal } : undefined);
      return out.SecretString;
    } catch (err) {
      throw classifySecretError(err);
    }
  };
}
