import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_LIMITS } from '../../../lambda/authorizer/config';
import type { AuthorizerHandler } from '../../../lambda/authorizer/handler';
import { secretsManagerClientConfig } from '../../../lambda/authorizer/secrets-manager-source';
import { bearer, requestEvent } from '../../support/authorizer-harness';
import { ISSUER, jwksOf, mint, rsaKey, accessClaims } from '../../support/authorizer-tokens';
import { JwksServer } from '../../support/jwks-server';

/** Loads index.ts as a fresh cold start with the given environment, capturing stdout. */
function coldStart(env: Record<string, string>): { handler: AuthorizerHandler; lines: string[] } {
  const lines: string[] = [];
  const saved = { ...process.env };
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk).trimEnd());
    return true;
  });
  Object.assign(process.env, env);
  let handler: AuthorizerHandler | undefined;
  try {
    jest.isolateModules(() => {
      handler = jest.requireActual<{ handler: AuthorizerHandler }>('../../../lambda/authorizer/index').handler;
    });
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  afterEachRestore.push(() => write.mockRestore());
  return { handler: handler as AuthorizerHandler, lines };
}

const afterEachRestore: (() => void)[] = [];
afterEach(() => afterEachRestore.splice(0).forEach((f) => f()));

describe('index (cold start)', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await JwksServer.start(jwksOf(rsaKey()));
  });
  afterAll(() => jwks.stop());

  test('reads the environment once and verifies tokens against the JWKS URI', async () => {
    const { handler, lines } = coldStart({
      AUTH_MODE: 'passthrough',
      JWT_ISSUERS: ISSUER,
      JWKS_URI: jwks.url,
      REQUIRED_SCOPE: 'genai-gateway/invoke',
    });
    const result = await handler(requestEvent(bearer(mint(rsaKey()))));
    expect(result.context).toEqual({ clientId: 'client7abc', endUser: 'client7abc' });
    await expect(handler(requestEvent(bearer(mint(rsaKey(), accessClaims({ scope: 'x' })))))).resolves.toMatchObject({
      policyDocument: { Statement: [{ Effect: 'Deny' }] },
    });
    expect(lines.some((l) => l.includes('"Outcome":"allow"'))).toBe(true);
  });

  test('creates the Secrets Manager client in inject mode', () => {
    const { handler, lines } = coldStart({
      AUTH_MODE: 'inject',
      JWT_ISSUERS: ISSUER,
      JWT_CLIENT_IDS: 'a',
      VIRTUAL_KEY_SECRET_PREFIX: 'p/',
      AWS_REGION: 'eu-west-1',
    });
    expect(typeof handler).toBe('function');
    expect(lines).toEqual([]);
  });

  test('creates its Secrets Manager client with the bounded settings of secretsManagerClientConfig', () => {
    const configs: unknown[] = [];
    jest.doMock('@aws-sdk/client-secrets-manager', () => {
      const actual = jest.requireActual<typeof import('@aws-sdk/client-secrets-manager')>('@aws-sdk/client-secrets-manager');
      class RecordingClient extends actual.SecretsManagerClient {
        constructor(config: SecretsManagerClientConfig) {
          configs.push(config);
          super(config);
        }
      }
      return { ...actual, SecretsManagerClient: RecordingClient };
    });
    try {
      coldStart({
        AUTH_MODE: 'inject',
        JWT_ISSUERS: ISSUER,
        JWT_CLIENT_IDS: 'a',
        VIRTUAL_KEY_SECRET_PREFIX: 'p/',
        AWS_REGION: 'eu-west-1',
      });
    } finally {
      jest.dontMock('@aws-sdk/client-secrets-manager');
    }
    expect(configs).toEqual([secretsManagerClientConfig(DEFAULT_LIMITS)]);
  });

  test('fails closed with one clear message when the configuration is invalid', async () => {
    const { handler, lines } = coldStart({ AUTH_MODE: 'inject', JWT_ISSUERS: ISSUER });
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'ERROR',
      message: 'invalid authorizer configuration',
      reason: 'config_invalid',
      problems: [
        'JWT_AUDIENCE, JWT_CLIENT_IDS, REQUIRED_SCOPE: set at least one, otherwise any token of the issuer is accepted',
        'VIRTUAL_KEY_SECRET_PREFIX: is required when AUTH_MODE is inject (e.g. genai-gateway/dev/virtual-keys/)',
      ],
    });
    await expect(handler(requestEvent(bearer(mint(rsaKey()))))).rejects.toThrow('Authorizer failure');
  });
});
