import { ConfigError, DEFAULT_LIMITS, ENV_VAR_NAMES, loadConfig } from '../../../lambda/authorizer/config';

const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pool';
const ENTRA_V2 = 'https://login.microsoftonline.com/tenant-id/v2.0';
const ENTRA_V1 = 'https://sts.windows.net/tenant-id/';

const valid = {
  AUTH_MODE: 'inject',
  JWT_ISSUERS: COGNITO,
  JWT_CLIENT_IDS: 'abc123',
  VIRTUAL_KEY_SECRET_PREFIX: 'genai-gateway/dev/virtual-keys/',
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  test('exports exactly the environment variable names the Edge stack wires', () => {
    expect(ENV_VAR_NAMES).toEqual([
      'AUTH_MODE',
      'JWT_ISSUERS',
      'JWT_AUDIENCE',
      'JWT_CLIENT_IDS',
      'JWKS_URI',
      'JWT_TOKEN_USE',
      'CLIENT_ID_CLAIM',
      'REQUIRED_SCOPE',
      'BROWSER_CLIENT_IDS',
      'END_USER_CLAIM',
      'VIRTUAL_KEY_SECRET_PREFIX',
      'KEY_CACHE_TTL_SECONDS',
      'NEGATIVE_CACHE_TTL_SECONDS',
      'STALE_ON_ERROR_SECONDS',
    ]);
  });

  test('applies the documented defaults for a Cognito issuer', () => {
    const config = loadConfig(valid);
    expect(config).toEqual({
      mode: 'inject',
      issuers: [{ issuer: COGNITO, jwksUri: `${COGNITO}/.well-known/jwks.json`, cognito: true }],
      audience: undefined,
      allowedClientIds: ['abc123'],
      tokenUse: 'access',
      clientIdClaims: ['client_id'],
      requiredScope: undefined,
      browserClientIds: [],
      endUserClaim: 'sub',
      virtualKeySecretPrefix: 'genai-gateway/dev/virtual-keys/',
      keyCacheTtlSeconds: 300,
      negativeCacheTtlSeconds: 30,
      staleOnErrorSeconds: 600,
      limits: DEFAULT_LIMITS,
    });
  });

  test('reads an Entra ID setup with two issuers sharing one JWKS URI', () => {
    const config = loadConfig({
      AUTH_MODE: 'passthrough',
      JWT_ISSUERS: `${ENTRA_V2}, ${ENTRA_V1}`,
      JWKS_URI: 'https://login.microsoftonline.com/tenant-id/discovery/v2.0/keys',
      JWT_AUDIENCE: 'api://genai-gateway',
      CLIENT_ID_CLAIM: 'azp,appid',
      REQUIRED_SCOPE: 'Gateway.Invoke',
      KEY_CACHE_TTL_SECONDS: '60',
    });
    expect(config.issuers.map((i) => [i.issuer, i.cognito])).toEqual([
      [ENTRA_V2, false],
      [ENTRA_V1, false],
    ]);
    expect(new Set(config.issuers.map((i) => i.jwksUri)).size).toBe(1);
    expect(config.tokenUse).toBe('none');
    expect(config.clientIdClaims).toEqual(['azp', 'appid']);
    expect(config.audience).toEqual(['api://genai-gateway']);
    expect(config.virtualKeySecretPrefix).toBeUndefined();
    expect(config.keyCacheTtlSeconds).toBe(60);
  });

  test('reads browser app client ids, which must also be allowed clients, and the end-user claim', () => {
    const config = loadConfig({
      ...valid,
      JWT_CLIENT_IDS: 'abc123,spa456',
      BROWSER_CLIENT_IDS: 'spa456',
      REQUIRED_SCOPE: 'genai-gateway/invoke',
    });
    expect(config.browserClientIds).toEqual(['spa456']);
    expect(config.endUserClaim).toBe('sub');
    expect(loadConfig({ ...valid, END_USER_CLAIM: 'oid' }).endUserClaim).toBe('oid');
  });

  test.each<[string, Record<string, string | undefined>, string]>([
    [
      'a browser app that is not an allowed client',
      { BROWSER_CLIENT_IDS: 'spa456', REQUIRED_SCOPE: 'genai-gateway/invoke' },
      'BROWSER_CLIENT_IDS: "spa456" is not in JWT_CLIENT_IDS (a browser app must also be an allowed client)',
    ],
    [
      'a browser app id with a path character',
      { JWT_CLIENT_IDS: undefined, BROWSER_CLIENT_IDS: 'spa/../x', REQUIRED_SCOPE: 's' },
      'BROWSER_CLIENT_IDS: "spa/../x" is not a valid client id (letters, digits, ._-)',
    ],
    [
      'a browser app listed twice',
      { JWT_CLIENT_IDS: 'abc123,spa456', BROWSER_CLIENT_IDS: 'spa456,spa456', REQUIRED_SCOPE: 's' },
      'BROWSER_CLIENT_IDS: lists a client id twice',
    ],
    [
      'browser apps with neither scope nor audience (any user token of the issuer would do)',
      { JWT_CLIENT_IDS: 'abc123,spa456', BROWSER_CLIENT_IDS: 'spa456' },
      'BROWSER_CLIENT_IDS: needs REQUIRED_SCOPE or JWT_AUDIENCE (only tokens meant for the gateway may be spent)',
    ],
    [
      'an end-user claim naming the client',
      { END_USER_CLAIM: 'client_id' },
      'END_USER_CLAIM: "client_id" does not name a person (use sub, or oid for Entra ID)',
    ],
    [
      'an end-user claim naming the audience',
      { END_USER_CLAIM: 'aud' },
      'END_USER_CLAIM: "aud" does not name a person (use sub, or oid for Entra ID)',
    ],
    [
      'an end-user claim that is no claim name',
      { END_USER_CLAIM: 'sub email' },
      'END_USER_CLAIM: must be one claim name (sub, or oid for Entra ID)',
    ],
  ])('rejects %s', (_name, overrides, message) => {
    expect(problemsOf({ ...valid, ...overrides })).toEqual([message]);
  });

  test('treats empty and blank variables as unset', () => {
    expect(loadConfig({ ...valid, JWT_AUDIENCE: '', JWKS_URI: '  ', REQUIRED_SCOPE: '' }).audience).toBeUndefined();
  });

  test.each<[string, Record<string, string | undefined>, string]>([
    ['a missing mode', { AUTH_MODE: undefined }, 'AUTH_MODE: is required and must be one of inject, passthrough'],
    ['an unknown mode', { AUTH_MODE: 'allow-all' }, 'AUTH_MODE: is required and must be one of inject, passthrough'],
    ['missing issuers', { JWT_ISSUERS: undefined }, 'JWT_ISSUERS: is required (comma-separated issuer URLs)'],
    [
      'an http issuer',
      { JWT_ISSUERS: 'http://issuer.example.com' },
      'JWT_ISSUERS: "http://issuer.example.com" must use https:// (http:// is accepted for loopback test servers only)',
    ],
    ['an issuer that is not a URL', { JWT_ISSUERS: 'issuer' }, 'JWT_ISSUERS: "issuer" is not a URL, use https://...'],
    ['a duplicated issuer', { JWT_ISSUERS: `${COGNITO},${COGNITO}` }, 'JWT_ISSUERS: lists an issuer twice'],
    [
      'a non-Cognito issuer without JWKS URI',
      { JWT_ISSUERS: ENTRA_V2, JWT_TOKEN_USE: 'none', JWT_AUDIENCE: 'api://x' },
      'JWKS_URI: is required when an issuer is not a Cognito user pool (e.g. Entra ID .../discovery/v2.0/keys)',
    ],
    [
      'a JWKS URI count that matches nothing',
      {
        JWT_ISSUERS: `${COGNITO},https://cognito-idp.us-east-1.amazonaws.com/p2,https://cognito-idp.us-east-2.amazonaws.com/p3`,
        JWKS_URI: 'https://a.example/k,https://b.example/k',
      },
      'JWKS_URI: give one URI for all issuers or one per issuer (3), got 2',
    ],
    [
      'an audience with a Cognito issuer',
      { JWT_AUDIENCE: 'x' },
      'JWT_AUDIENCE: Cognito access tokens carry no aud claim; use JWT_CLIENT_IDS or REQUIRED_SCOPE instead',
    ],
    [
      'ID tokens allowed for a Cognito issuer',
      { JWT_TOKEN_USE: 'none' },
      'JWT_TOKEN_USE: must be access when an issuer is a Cognito user pool (ID tokens are never accepted)',
    ],
    ['an unknown token use', { JWT_TOKEN_USE: 'id' }, 'JWT_TOKEN_USE: must be one of access, none'],
    [
      'a client id with a path separator',
      { JWT_CLIENT_IDS: 'ok,../admin' },
      'JWT_CLIENT_IDS: "../admin" is not a valid client id (letters, digits, ._-)',
    ],
    [
      'a claim name with spaces',
      { CLIENT_ID_CLAIM: 'client id' },
      'CLIENT_ID_CLAIM: must be one or more claim names, comma-separated (client_id, azp or appid)',
    ],
    ['a scope with spaces', { REQUIRED_SCOPE: 'a b' }, 'REQUIRED_SCOPE: must be a single scope without spaces'],
    [
      'no audience, client list or scope',
      { JWT_CLIENT_IDS: undefined },
      'JWT_AUDIENCE, JWT_CLIENT_IDS, REQUIRED_SCOPE: set at least one, otherwise any token of the issuer is accepted',
    ],
    [
      'inject mode without a secret prefix',
      { VIRTUAL_KEY_SECRET_PREFIX: undefined },
      'VIRTUAL_KEY_SECRET_PREFIX: is required when AUTH_MODE is inject (e.g. genai-gateway/dev/virtual-keys/)',
    ],
    [
      'a secret prefix with spaces',
      { VIRTUAL_KEY_SECRET_PREFIX: 'a b/' },
      'VIRTUAL_KEY_SECRET_PREFIX: may contain only letters, digits and /_+=.@- (e.g. genai-gateway/dev/virtual-keys/)',
    ],
    ['a fractional TTL', { KEY_CACHE_TTL_SECONDS: '1.5' }, 'KEY_CACHE_TTL_SECONDS: must be a whole number of seconds'],
    ['a non-numeric TTL', { KEY_CACHE_TTL_SECONDS: 'five' }, 'KEY_CACHE_TTL_SECONDS: must be a whole number of seconds'],
    ['a zero key TTL', { KEY_CACHE_TTL_SECONDS: '0' }, 'KEY_CACHE_TTL_SECONDS: must be at least 1'],
    ['a negative cache TTL over an hour', { NEGATIVE_CACHE_TTL_SECONDS: '3601' }, 'NEGATIVE_CACHE_TTL_SECONDS: must be at most 3600'],
    ['a negative stale window', { STALE_ON_ERROR_SECONDS: '-1' }, 'STALE_ON_ERROR_SECONDS: must be at least 0'],
  ])('rejects %s with a message naming the variable', (_name, overrides, message) => {
    expect(problemsOf({ ...valid, ...overrides })).toContain(message);
  });

  test('accepts http JWKS URIs on loopback only', () => {
    expect(problemsOf({ ...valid, JWKS_URI: 'http://127.0.0.1:8080/jwks.json' })).toEqual([]);
    expect(problemsOf({ ...valid, JWKS_URI: 'http://169.254.169.254/jwks.json' })).toEqual([
      'JWKS_URI: "http://169.254.169.254/jwks.json" must use https:// (http:// is accepted for loopback test servers only)',
    ]);
  });

  test('lists every problem in one error', () => {
    expect(() => loadConfig({ AUTH_MODE: 'inject', JWT_ISSUERS: 'http://x.example' })).toThrow(
      'Invalid authorizer configuration:\n' +
        '  - JWT_ISSUERS: "http://x.example" must use https:// (http:// is accepted for loopback test servers only)\n' +
        '  - JWKS_URI: is required when an issuer is not a Cognito user pool (e.g. Entra ID .../discovery/v2.0/keys)\n' +
        '  - JWT_AUDIENCE, JWT_CLIENT_IDS, REQUIRED_SCOPE: set at least one, otherwise any token of the issuer is accepted\n' +
        '  - VIRTUAL_KEY_SECRET_PREFIX: is required when AUTH_MODE is inject (e.g. genai-gateway/dev/virtual-keys/)',
    );
  });

  test('reads only its own variables', () => {
    expect(loadConfig({ ...valid, AWS_SECRET_ACCESS_KEY: 'x', HOME: '/root' })).toEqual(loadConfig(valid));
  });
});
