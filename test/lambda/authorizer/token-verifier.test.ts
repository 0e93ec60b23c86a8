import {
  FetchError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
  JwkInvalidUseError,
} from 'aws-jwt-verify/error';
import { RateLimitedJwksCache } from '../../../lambda/authorizer/jwks-cache';
import { AuthorizerFault, Denial } from '../../../lambda/authorizer/outcome';
import { classifyVerificationError, createTokenVerifier, identifyClient, keysFittingAlg } from '../../../lambda/authorizer/token-verifier';
import { testConfig } from '../../support/authorizer-harness';
import {
  accessClaims,
  CLIENT_ID,
  ecKey,
  ENTRA_ISSUER,
  ISSUER,
  jwksOf,
  mint,
  nowSeconds,
  rsaKey,
  type TestKey,
} from '../../support/authorizer-tokens';

const ENTRA_JWKS = 'https://login.microsoftonline.com/tenant/discovery/v2.0/keys';

function verifierFor(env: Record<string, string | undefined> = {}, keys: TestKey[] = [rsaKey()]) {
  const config = testConfig(env);
  const jwksCache = new RateLimitedJwksCache({
    fetchJwks: async () => jwksOf(...keys) as never,
    clock: Date.now,
    refreshWindowMs: 30_000,
    maxAgeMs: 3_600_000,
  });
  return createTokenVerifier(config, { jwksCache, clock: Date.now });
}

async function outcome(verifier: ReturnType<typeof verifierFor>, token: string): Promise<string> {
  try {
    return `allow:${(await verifier.verify(token)).clientId}`;
  } catch (err) {
    if (err instanceof Denial) return `${err.status}:${err.reason}`;
    if (err instanceof AuthorizerFault) return `fault:${err.reason}`;
    throw err;
  }
}

describe('createTokenVerifier with a Cognito issuer', () => {
  const verifier = verifierFor({ REQUIRED_SCOPE: 'genai-gateway/invoke' });
  const now = nowSeconds();

  test.each<[string, Record<string, unknown>, string]>([
    ['allows a valid client-credentials access token', {}, `allow:${CLIENT_ID}`],
    ['denies an expired token', { exp: now - 120 }, '401:expired'],
    ['allows a token expired within the leeway', { exp: now - 10 }, `allow:${CLIENT_ID}`],
    ['denies a token without exp', { exp: undefined }, '401:missing_exp'],
    ['denies a token whose exp is a string', { exp: String(now + 60) }, '401:malformed_token'],
    ['denies a token not yet valid', { nbf: now + 600 }, '401:not_yet_valid'],
    ['allows nbf within the leeway', { nbf: now + 10 }, `allow:${CLIENT_ID}`],
    ['denies a token issued in the future', { iat: now + 600 }, '401:iat_in_future'],
    ['denies a token from another issuer', { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }, '401:wrong_issuer'],
    ['denies a token without issuer', { iss: undefined }, '401:wrong_issuer'],
    ['denies a Cognito ID token', { token_use: 'id', aud: CLIENT_ID }, '401:wrong_token_use'],
    ['denies a token without token_use', { token_use: undefined }, '401:wrong_token_use'],
    ['denies a client outside JWT_CLIENT_IDS', { client_id: 'stranger', sub: 'stranger' }, '403:client_not_allowed'],
    ['denies a token without a client id claim', { client_id: undefined }, '403:invalid_client_id'],
    ['denies a client id with path characters', { client_id: '../../prod/keys' }, '403:invalid_client_id'],
    ['denies a non-string client id', { client_id: 12345 }, '403:invalid_client_id'],
    ['denies a token without the required scope', { scope: 'genai-gateway/read' }, '403:missing_scope'],
    ['denies a scope that only contains the required one as a substring', { scope: 'genai-gateway/invoke-admin' }, '403:missing_scope'],
  ])('%s', async (_name, overrides, expected) => {
    const claims = accessClaims(overrides);
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete claims[k];
    expect(await outcome(verifier, mint(rsaKey(), claims))).toBe(expected);
  });

  test('denies a token signed by a key the issuer does not publish', async () => {
    const attacker = rsaKey('rsa-1-attacker');
    expect(await outcome(verifier, mint({ ...attacker, kid: 'rsa-1' }))).toBe('401:invalid_signature');
  });

  test('denies a token whose header alg differs from the JWK alg', async () => {
    expect(await outcome(verifier, mint(rsaKey(), accessClaims(), { alg: 'ES256' }))).toBe('401:unsupported_alg');
  });

  test('denies an ES256 header over an RSA signature when the JWK names no alg', async () => {
    // aws-jwt-verify hashes ES256 and RS256 alike; without the kty check this RSA signature would verify.
    const key = rsaKey();
    const { alg: _alg, ...jwkWithoutAlg } = key.jwk;
    const bare = { ...key, jwk: jwkWithoutAlg };
    expect(await outcome(verifierFor({}, [bare]), mint(key, accessClaims(), { alg: 'ES256' }))).toBe('401:unsupported_alg');
    expect(await outcome(verifierFor({}, [bare]), mint(key))).toBe(`allow:${CLIENT_ID}`);
  });
});

describe('createTokenVerifier with Entra ID', () => {
  const v2 = {
    JWT_ISSUERS: ENTRA_ISSUER,
    JWKS_URI: ENTRA_JWKS,
    JWT_AUDIENCE: 'api://genai-gateway',
    JWT_CLIENT_IDS: undefined,
    CLIENT_ID_CLAIM: 'azp,appid',
    REQUIRED_SCOPE: 'Gateway.Invoke',
  };
  const entraClaims = (o: Record<string, unknown> = {}) => {
    const now = nowSeconds();
    return {
      iss: ENTRA_ISSUER,
      aud: 'api://genai-gateway',
      azp: '6f1c0f5e-1111-2222-3333-444455556666',
      roles: ['Gateway.Invoke'],
      iat: now,
      nbf: now,
      exp: now + 3600,
      ...o,
    };
  };

  test.each<[string, Record<string, unknown>, string]>([
    ['allows a v2 app token and reads azp', {}, 'allow:6f1c0f5e-1111-2222-3333-444455556666'],
    [
      'falls back to appid for v1 tokens',
      { azp: undefined, appid: 'aaaabbbb-0000-1111-2222-333344445555' },
      'allow:aaaabbbb-0000-1111-2222-333344445555',
    ],
    ['accepts the scope from scp', { roles: undefined, scp: 'Other Gateway.Invoke' }, 'allow:6f1c0f5e-1111-2222-3333-444455556666'],
    ['denies a token for another audience', { aud: 'api://other' }, '401:wrong_audience'],
    ['denies a token without audience', { aud: undefined }, '401:wrong_audience'],
    ['denies a token without the app role', { roles: ['Reader'] }, '403:missing_scope'],
  ])('%s', async (_name, overrides, expected) => {
    const claims: Record<string, unknown> = entraClaims(overrides);
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete claims[k];
    expect(await outcome(verifierFor(v2), mint(rsaKey(), claims))).toBe(expected);
  });

  test('accepts ES256 keys', async () => {
    const key = ecKey();
    expect(await outcome(verifierFor(v2, [key]), mint(key, entraClaims()))).toBe('allow:6f1c0f5e-1111-2222-3333-444455556666');
  });

  test('requires token_use when JWT_TOKEN_USE is access', async () => {
    const verifier = verifierFor({ ...v2, JWT_TOKEN_USE: 'access' });
    expect(await outcome(verifier, mint(rsaKey(), entraClaims()))).toBe('401:wrong_token_use');
  });
});

describe('createTokenVerifier and made-up issuers', () => {
  test('denies any other iss before the key is looked up, for one issuer as for several', async () => {
    for (const env of [{}, { JWT_ISSUERS: `${ISSUER},${ENTRA_ISSUER}`, JWKS_URI: ENTRA_JWKS }]) {
      const key = rsaKey();
      const lookups = { count: 0 };
      const inner = new RateLimitedJwksCache({
        fetchJwks: async () => jwksOf(key) as never,
        clock: Date.now,
        refreshWindowMs: 30_000,
        maxAgeMs: 3_600_000,
      });
      const counting = {
        getJwks: (uri: string) => inner.getJwks(uri),
        addJwks: (uri: string, jwks: never) => inner.addJwks(uri, jwks),
        getCachedJwk: (uri: string, jwt: never) => (lookups.count++, inner.getCachedJwk(uri, jwt)),
        getJwk: (uri: string, jwt: never) => (lookups.count++, inner.getJwk(uri, jwt)),
      };
      const verifier = createTokenVerifier(testConfig(env), { jwksCache: counting, clock: Date.now });
      expect(await outcome(verifier, mint(key))).toBe(`allow:${CLIENT_ID}`);
      const before = lookups.count;
      for (let i = 0; i < 200; i++) {
        expect(await outcome(verifier, mint(key, accessClaims({ iss: `https://issuer-${i}.example.com/` })))).toBe('401:wrong_issuer');
      }
      expect(await outcome(verifier, mint(key, accessClaims({ iss: `${ISSUER}/` })))).toBe('401:wrong_issuer');
      expect(lookups.count).toBe(before);
    }
  });
});

describe('keysFittingAlg', () => {
  const key = ecKey('ec-kid');
  const cache = new RateLimitedJwksCache({
    fetchJwks: async () => jwksOf(key) as never,
    clock: Date.now,
    refreshWindowMs: 30_000,
    maxAgeMs: 3_600_000,
  });
  const fitting = keysFittingAlg(cache);
  const jwt = (alg: string) => ({ header: { alg, kid: 'ec-kid' }, payload: {} });

  test('hands over the key for an algorithm of its own type and curve, from the cache and after a fetch', async () => {
    await expect(fitting.getJwk('https://x/jwks', jwt('ES256'))).resolves.toMatchObject({ kid: 'ec-kid', crv: 'P-256' });
    expect(fitting.getCachedJwk('https://x/jwks', jwt('ES256'))).toMatchObject({ kid: 'ec-kid' });
  });

  test.each(['RS256', 'ES384', 'EdDSA', 'HS256'])('refuses it for %s with an unsupported_alg denial', async (alg) => {
    await expect(fitting.getJwk('https://x/jwks', jwt(alg))).rejects.toMatchObject({ reason: 'unsupported_alg', status: 401 });
    expect(() => fitting.getCachedJwk('https://x/jwks', jwt(alg))).toThrow(new Denial('unsupported_alg'));
  });
});

describe('identifyClient', () => {
  test('uses the first claim that is present', () => {
    expect(
      identifyClient({ clientIdClaims: ['azp', 'appid'], allowedClientIds: undefined, requiredScope: undefined }, { appid: 'b', azp: 'a' }),
    ).toBe('a');
  });
});

describe('classifyVerificationError', () => {
  test.each<[string, unknown, string]>([
    ['parse errors', new JwtParseError('x'), 'malformed_token'],
    ['disallowed algorithms', new JwtInvalidSignatureAlgorithmError('x', 'HS256', ['RS256']), 'unsupported_alg'],
    ['bad signatures', new JwtInvalidSignatureError('x'), 'invalid_signature'],
    ['unknown kids', new KidNotFoundInJwksError('x'), 'unknown_kid'],
    ['rate-limited kids', new WaitPeriodNotYetEndedJwkError('x'), 'unknown_kid'],
    ['expiry', new JwtExpiredError('x', 1), 'expired'],
    ['not before', new JwtNotBeforeError('x', 1), 'not_yet_valid'],
    ['issuer mismatch', new JwtInvalidIssuerError('x', 'a', 'b'), 'wrong_issuer'],
    ['unconfigured issuer', new ParameterValidationError('issuer not configured: x'), 'wrong_issuer'],
    ['audience mismatch', new JwtInvalidAudienceError('x', 'a', 'b'), 'wrong_audience'],
    ['unusable keys', new JwkInvalidUseError('x', 'enc', 'sig'), 'invalid_signature'],
    ['JWKS fetch failures', new FetchError('https://x', 'timeout'), 'jwks_unavailable'],
    ['other parameter errors', new ParameterValidationError('something else'), 'internal_error'],
    ['unexpected errors', new TypeError('boom'), 'internal_error'],
    ['thrown non-errors', 'boom', 'internal_error'],
  ])('maps %s', (_name, err, reason) => {
    expect(classifyVerificationError(err).reason).toBe(reason);
  });
});
