import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AuthorizerConfig } from './config';
import { createHandler, type AuthorizerHandler } from './handler';
import { createJwksFetcher, RateLimitedJwksCache, type Clock, type JwksFetcher } from './jwks-cache';
import { VirtualKeyStore } from './key-store';
import { createSecretsManagerSource, type SecretSource } from './secrets-manager-source';
import type { Logger, Metrics } from './telemetry';
import { createTokenVerifier } from './token-verifier';

export interface AuthorizerParts {
  readonly handler: AuthorizerHandler;
  readonly jwksCache: RateLimitedJwksCache;
  readonly keyStore?: VirtualKeyStore;
}

export interface WiringDeps {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  /** Inject mode: the client the cold start created (tests pass one pointed at moto). */
  readonly secretsManager?: Pick<SecretsManagerClient, 'send'>;
  /** Replaces the Secrets Manager source entirely (benchmark, unit tests). */
  readonly secretSource?: SecretSource;
  /** Replaces the HTTP JWKS fetcher (benchmark, unit tests). */
  readonly fetchJwks?: JwksFetcher;
}

/** Builds the long-lived pieces once per cold start from a validated config. */
export function buildAuthorizer(config: AuthorizerConfig, deps: WiringDeps): AuthorizerParts {
  const { limits } = config;
  const jwksCache = new RateLimitedJwksCache({
    fetchJwks: deps.fetchJwks ?? createJwksFetcher({ timeoutMs: limits.jwksFetchTimeoutMs, maxBytes: limits.jwksMaxBytes }),
    clock: deps.clock,
    refreshWindowMs: limits.jwksRefreshWindowSeconds * 1000,
    maxAgeMs: limits.jwksMaxAgeSeconds * 1000,
  });
  const verifier = createTokenVerifier(config, { jwksCache, clock: deps.clock });

  let keyStore: VirtualKeyStore | undefined;
  if (config.mode === 'inject') {
    const source = deps.secretSource ?? (deps.secretsManager ? createSecretsManagerSource(deps.secretsManager) : undefined);
    if (!source || config.virtualKeySecretPrefix === undefined) {
      throw new Error('inject mode needs a Secrets Manager client and VIRTUAL_KEY_SECRET_PREFIX');
    }
    keyStore = new VirtualKeyStore({
      source,
      clock: deps.clock,
      secretPrefix: config.virtualKeySecretPrefix,
      ttlMs: config.keyCacheTtlSeconds * 1000,
      negativeTtlMs: config.negativeCacheTtlSeconds * 1000,
      staleOnErrorMs: config.staleOnErrorSeconds * 1000,
      errorBackoffMs: limits.keyErrorBackoffMs,
      lookupTimeoutMs: limits.keyLookupTimeoutMs,
      maxEntries: limits.keyCacheMaxEntries,
    });
  }

  const handler = createHandler({
    decide: { mode: config.mode, maxTokenLength: limits.maxTokenLength, verifier, keys: keyStore },
    logger: deps.logger,
    metrics: deps.metrics,
    clock: deps.clock,
    decisionBudgetMs: limits.decisionBudgetMs,
  });
  return { handler, jwksCache, keyStore };
}
