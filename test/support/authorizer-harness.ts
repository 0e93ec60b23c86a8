import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { DEFAULT_LIMITS, loadConfig, type AuthorizerConfig, type AuthorizerLimits } from '../../lambda/authorizer/config';
import type { JwksFetcher } from '../../lambda/authorizer/jwks-cache';
import { SecretSourceError, type SecretSource } from '../../lambda/authorizer/secrets-manager-source';
import { createEmfMetrics, createLogger } from '../../lambda/authorizer/telemetry';
import { buildAuthorizer, type AuthorizerParts } from '../../lambda/authorizer/wiring';
import { CLIENT_ID, GATEWAY_SCOPE, ISSUER, SPA_A, SPA_B, WORKFORCE_ISSUER, jwksOf, rsaKey, type TestKey } from './authorizer-tokens';

export const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/dev/POST/v1/chat/completions';
export const STAGE_RESOURCE = 'arn:aws:execute-api:eu-west-1:123456789012:abc123defg/dev/*';
export const SECRET_PREFIX = 'genai-gateway/dev/virtual-keys/';
export const VIRTUAL_KEY = 'sk-test_VirtualKey_0123456789';

/**
 * As the Edge stack configures a Cognito environment with browser apps: the machine pool and the workforce pool
 * as issuers, the gateway scope required, two browser app ids beside the machine clients. Every adversarial test
 * runs against this, so the browser token kind is always switched on.
 */
export function baseEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    AUTH_MODE: 'inject',
    JWT_ISSUERS: `${ISSUER},${WORKFORCE_ISSUER}`,
    JWT_CLIENT_IDS: `${CLIENT_ID},other-client,unknown-client,${SPA_A},${SPA_B}`,
    BROWSER_CLIENT_IDS: `${SPA_A},${SPA_B}`,
    REQUIRED_SCOPE: GATEWAY_SCOPE,
    VIRTUAL_KEY_SECRET_PREFIX: SECRET_PREFIX,
    ...overrides,
  };
}

export function testConfig(env: Record<string, string | undefined> = {}, limits: Partial<AuthorizerLimits> = {}): AuthorizerConfig {
  return loadConfig(baseEnv(env), { ...DEFAULT_LIMITS, ...limits });
}

export function requestEvent(
  authorization?: string | string[],
  extra: Partial<APIGatewayRequestAuthorizerEvent> = {},
): APIGatewayRequestAuthorizerEvent {
  const list = authorization === undefined ? [] : Array.isArray(authorization) ? authorization : [authorization];
  return {
    type: 'REQUEST',
    methodArn: METHOD_ARN,
    resource: '/v1/chat/completions',
    path: '/v1/chat/completions',
    httpMethod: 'POST',
    headers: list.length > 0 ? { Authorization: list[list.length - 1] as string } : {},
    multiValueHeaders: list.length > 0 ? { Authorization: list } : {},
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {} as APIGatewayRequestAuthorizerEvent['requestContext'],
    ...extra,
  };
}

export const bearer = (token: string): string => `Bearer ${token}`;

/**
 * In-memory Secrets Manager: a map of secret strings plus a queue of failures to raise. With `hang` set, a
 * call never answers until its abort signal fires, then rejects as our SDK-backed source does
 * (transient AbortError, see test/contracts/aws-sdk.test.ts).
 */
export class FakeSecrets {
  calls: string[] = [];
  failures: SecretSourceError[] = [];
  delayMs = 0;
  hang = false;
  /** Calls whose abort signal fired while they were running. */
  aborted = 0;
  constructor(public readonly values: Map<string, string> = new Map([[`${SECRET_PREFIX}${CLIENT_ID}`, VIRTUAL_KEY]])) {}
  readonly source: SecretSource = async (id, signal) => {
    this.calls.push(id);
    if (this.hang) {
      await new Promise<never>((_, reject) =>
        signal?.addEventListener('abort', () => {
          this.aborted += 1;
          reject(new SecretSourceError('transient', 'AbortError'));
        }),
      );
    }
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const failure = this.failures.shift();
    if (failure) throw failure;
    const value = this.values.get(id);
    if (value === undefined) throw new SecretSourceError('not_found', 'ResourceNotFoundException');
    return value;
  };
}

export class FakeJwks {
  fetches = 0;
  fail = false;
  constructor(public keys: TestKey[] = [rsaKey()]) {}
  readonly fetch: JwksFetcher = async () => {
    this.fetches += 1;
    if (this.fail) throw new Error('connect ECONNREFUSED');
    return jwksOf(...this.keys) as never;
  };
}

export class Captured {
  lines: string[] = [];
  readonly write = (line: string) => {
    this.lines.push(line);
  };
  get logs(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => !('_aws' in l));
  }
  get metrics(): Record<string, unknown>[] {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => '_aws' in l);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export interface Harness extends AuthorizerParts {
  readonly secrets: FakeSecrets;
  readonly jwks: FakeJwks;
  readonly out: Captured;
  readonly clock: { now: number; advance(ms: number): void };
}

/** The real handler over in-memory JWKS and secrets, with a controllable clock for the caches. */
export function harness(
  opts: {
    env?: Record<string, string | undefined>;
    limits?: Partial<AuthorizerLimits>;
    secrets?: FakeSecrets;
    jwks?: FakeJwks;
    realClock?: boolean;
  } = {},
): Harness {
  const config = testConfig(opts.env, opts.limits);
  const secrets = opts.secrets ?? new FakeSecrets();
  const jwks = opts.jwks ?? new FakeJwks();
  const out = new Captured();
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const now = opts.realClock ? Date.now : () => clock.now;
  const parts = buildAuthorizer(config, {
    logger: createLogger({ write: out.write, clock: now, level: 'DEBUG' }),
    metrics: createEmfMetrics({ write: out.write, clock: now }),
    clock: now,
    secretSource: secrets.source,
    fetchJwks: jwks.fetch,
  });
  return { ...parts, secrets, jwks, out, clock };
}

/**
 * The real handler as a Lambda would run it behind a gateway stand-in: a live JWKS URL, real time, and one virtual
 * key per client id in the stand-in Secrets Manager (named as the edge names them).
 */
export function liveAuthorizer(jwksUri: string, keys: Readonly<Record<string, string>>, out: Captured = new Captured()): AuthorizerParts {
  const secrets = new FakeSecrets(new Map(Object.entries(keys).map(([clientId, key]) => [`${SECRET_PREFIX}${clientId}`, key])));
  return buildAuthorizer(testConfig({ JWKS_URI: jwksUri }), {
    logger: createLogger({ write: out.write, clock: Date.now }),
    metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
    clock: Date.now,
    secretSource: secrets.source,
  });
}

/**
 * Runs the handler and reports what API Gateway would do: `allow`, `401:<reason>`, `403:<reason>` or
 * `5xx:<reason>`, reading the reason from the structured log line the decision wrote.
 */
export async function attempt(h: Pick<Harness, 'handler' | 'out'>, event: APIGatewayRequestAuthorizerEvent): Promise<string> {
  const before = h.out.lines.length;
  const lastReason = () => {
    const entries = h.out.lines
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => !('_aws' in l) && 'reason' in l);
    return String(entries[entries.length - 1]?.reason);
  };
  try {
    const result = await h.handler(event);
    const effect = result.policyDocument.Statement[0] as { Effect: string };
    return effect.Effect === 'Allow' ? 'allow' : `403:${lastReason()}`;
  } catch (err) {
    return (err as Error).message === 'Unauthorized' ? `401:${lastReason()}` : `5xx:${lastReason()}`;
  }
}
