import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

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

/** Reads one secret string; rejects with a SecretSourceError. */
export type SecretSource = (secretId: string) => Promise<string | undefined>;

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
  'TimeoutError',
  'AbortError',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** Transient faults may be answered from a stale cache; denials and unknown errors never. */
export function classifySecretError(err: unknown): SecretSourceError {
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

export function createSecretsManagerSource(client: Pick<SecretsManagerClient, 'send'>): SecretSource {
  return async (secretId) => {
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return out.SecretString;
    } catch (err) {
      throw classifySecretError(err);
    }
  };
}
