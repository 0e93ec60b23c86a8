import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../../../lambda/authorizer/wiring';
import { SecretSourceError } from '../../../lambda/authorizer/secrets-manager-source';
import { randomBytes } from 'node:crypto';
import {
  attempt,
  bearer,
  Captured,
  FakeJwks,
  FakeSecrets,
  harness,
  requestEvent,
  SECRET_PREFIX,
  testConfig,
  VIRTUAL_KEY,
} from '../../support/authorizer-harness';
import {
  accessClaims,
  b64url,
  CLIENT_ID,
  ecKey,
  edKey,
  encodeSegments,
  hmacToken,
  ISSUER,
  jwksOf,
  mint,
  nowSeconds,
  PERSON,
  rsaKey,
  signWith,
  SPA_A,
  SPA_B,
  userAccessClaims,
  WORKFORCE_ISSUER,
  withSignature,
  type TestKey,
} from '../../support/authorizer-tokens';
import { JwksServer } from '../../support/jwks-server';

const key = rsaKey();
const attacker = rsaKey('attacker');
const header = { alg: 'RS256', kid: key.kid, typ: 'JWT' };
const omit = (claims: Record<string, unknown>, name: string) => {
  const copy = { ...claims };
  delete copy[name];
  return copy;
};

describe('adversarial tokens', () => {
  const h = harness();

  test('a valid token is allowed (control)', async () => {
    expect(await attempt(h, requestEvent(bearer(mint(key))))).toBe('allow');
  });

  describe('algorithm confusion', () => {
    test.each([
      ['alg none with an empty signature', `${encodeSegments({ alg: 'none', typ: 'JWT' }, accessClaims())}.`],
      ['alg none with a signature', `${encodeSegments({ alg: 'none', kid: key.kid }, accessClaims())}.${b64url('x')}`],
      ['alg NONE', `${encodeSegments({ alg: 'NONE', kid: key.kid }, accessClaims())}.${b64url('x')}`],
      ['no alg at all', signWith(key, { kid: key.kid }, accessClaims())],
    ])('denies %s', async (_name, token) => {
      expect(await attempt(h, requestEvent(bearer(token)))).toMatch(/^401:(malformed_token|unsupported_alg)$/);
    });

    test.each([
      ['the PEM public key', key.publicKey.export({ format: 'pem', type: 'spki' }) as string],
      ['the PKCS#1 PEM public key', key.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string],
      ['the JWK modulus', key.jwk.n as string],
      ['the JWKS document', JSON.stringify(jwksOf(key))],
    ])('denies HS256 signed with %s as HMAC secret', async (_name, secret) => {
      const token = hmacToken(secret, { alg: 'HS256', kid: key.kid, typ: 'JWT' }, accessClaims());
      expect(await attempt(h, requestEvent(bearer(token)))).toBe('401:unsupported_alg');
    });

    test.each(['HS384', 'HS512', 'PS256'])('denies %s', async (alg) => {
      const token = hmacToken('secret', { alg, kid: key.kid }, accessClaims());
      expect(await attempt(h, requestEvent(bearer(token)))).toBe('401:unsupported_alg');
    });
  });

  describe('key selection', () => {
    test('denies a token signed by another key under a published kid', async () => {
      expect(await attempt(h, requestEvent(bearer(signWith(attacker, header, accessClaims()))))).toBe('401:invalid_signature');
    });

    test.each(['../../../../etc/passwd', "' OR '1'='1", '__proto__', 'constructor', 'k'.repeat(2000), '\u0000', 'rsa-1 ', 'RSA-1'])(
      'denies the injected kid %p',
      async (kid) => {
        expect(await attempt(h, requestEvent(bearer(signWith(key, { ...header, kid }, accessClaims()))))).toMatch(
          /^401:(unknown_kid|token_too_large)$/,
        );
      },
    );

    test.each([[42], [null], [{ $ne: '' }], [['rsa-1']]])('denies a non-string kid %p', async (kid) => {
      expect(await attempt(h, requestEvent(bearer(signWith(key, { ...header, kid }, accessClaims()))))).toMatch(
        /^401:(malformed_token|unknown_kid)$/,
      );
    });

    test('fetches the JWKS at most once per window for a flood of unknown kids', async () => {
      const flood = harness();
      expect(await attempt(flood, requestEvent(bearer(mint(key))))).toBe('allow');
      const outcomes = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          attempt(flood, requestEvent(bearer(signWith(attacker, { ...header, kid: `forged-${i}` }, accessClaims())))),
        ),
      );
      expect(new Set(outcomes)).toEqual(new Set(['401:unknown_kid']));
      expect(flood.jwks.fetches).toBe(1);
      flood.clock.advance(30_000);
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          attempt(flood, requestEvent(bearer(signWith(attacker, { ...header, kid: `again-${i}` }, accessClaims())))),
        ),
      );
      expect(flood.jwks.fetches).toBe(2);
      expect(await attempt(flood, requestEvent(bearer(mint(key))))).toBe('allow');
    });
  });

  describe('jku, x5u and embedded jwk headers are ignored', () => {
    let evil: JwksServer;
    beforeAll(async () => {
      evil = await JwksServer.start(jwksOf(attacker));
    });
    afterAll(() => evil.stop());

    test.each([
      ['jku', () => ({ jku: evil.url })],
      ['x5u', () => ({ x5u: evil.url })],
      ['jwk', () => ({ jwk: attacker.jwk })],
      ['x5c', () => ({ x5c: ['MIIB'] })],
    ])('denies an attacker-signed token carrying %s, without contacting it', async (_name, extra) => {
      const token = signWith(attacker, { alg: 'RS256', kid: attacker.kid, ...extra() }, accessClaims());
      expect(await attempt(h, requestEvent(bearer(token)))).toBe('401:unknown_kid');
      const withPublishedKid = signWith(attacker, { ...header, ...extra() }, accessClaims());
      expect(await attempt(h, requestEvent(bearer(withPublishedKid)))).toBe('401:invalid_signature');
      expect(evil.hits).toBe(0);
    });

    test('a genuine token with a jku header verifies against the configured JWKS only', async () => {
      expect(await attempt(h, requestEvent(bearer(signWith(key, { ...header, jku: evil.url }, accessClaims()))))).toBe('allow');
      expect(evil.hits).toBe(0);
    });
  });

  describe('malformed signatures', () => {
    // aws-jwt-verify 5.2.1 (dist/cjs/node-web-compat-node.js, verifySignatureSync) hands the signature to
    // node:crypto's verify with dsaEncoding ieee-p1363, which throws "Malformed signature"
    // (ERR_CRYPTO_OPERATION_FAILED) for an ECDSA signature that is not exactly R || S of the curve's size,
    // instead of returning false. RSA and Ed25519 return false for any length. Every case is the caller's
    // input, so every one is a 401, never a fault.
    const signers: TestKey[] = [ecKey('ec-256', 'ES256'), ecKey('ec-384', 'ES384'), ecKey('ec-521', 'ES512'), key, edKey('ed-1')];
    const issuer = harness({ jwks: new FakeJwks(signers) });

    describe.each(signers.map((k) => [k.alg, k] as const))('%s', (_alg, signer) => {
      const valid = mint(signer);
      const sig = Buffer.from(valid.split('.')[2] as string, 'base64url');

      test('a valid token is allowed (control)', async () => {
        expect(await attempt(issuer, requestEvent(bearer(valid)))).toBe('allow');
      });

      test.each<[string, Buffer]>([
        ['truncated by one byte', sig.subarray(0, sig.length - 1)],
        ['cut to half its length', sig.subarray(0, sig.length / 2)],
        ['with one extra byte', Buffer.concat([sig, Buffer.from([0])])],
        ['repeated twice', Buffer.concat([sig, sig])],
        ['of one byte', Buffer.from([1])],
        ['of the right length, random', randomBytes(sig.length)],
        ['of the right length, all zero', Buffer.alloc(sig.length)],
        ['of the right length, all ones', Buffer.alloc(sig.length, 0xff)],
      ])('denies a signature %s with a 401', async (_name, bytes) => {
        expect(await attempt(issuer, requestEvent(bearer(withSignature(valid, b64url(bytes)))))).toBe('401:invalid_signature');
      });

      test.each([
        ['of 0 bytes (one base64url character)', 'A'],
        ['of 0 bytes with padding', 'A=='],
      ])('denies a signature %s with a 401', async (_name, signature) => {
        expect(await attempt(issuer, requestEvent(bearer(withSignature(valid, signature))))).toBe('401:invalid_signature');
      });

      test.each([
        ['an empty signature segment', ''],
        ['a signature that is not base64url', `${b64url(sig).slice(0, 10)}%%*`],
        ['a signature in standard base64 with + and /', `${b64url(sig)}+/`],
      ])('denies %s as malformed', async (_name, signature) => {
        expect(await attempt(issuer, requestEvent(bearer(withSignature(valid, signature))))).toBe('401:malformed_token');
      });
    });

    test('denies any header alg over a key of another type or curve (JWKs without alg), whatever the signature length', async () => {
      const bare = signers.map((k) => {
        const { alg: _alg, ...jwk } = k.jwk;
        return { ...k, jwk };
      });
      const h = harness({ jwks: new FakeJwks(bare) });
      const outcomes = new Set<string>();
      for (const alg of ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA']) {
        for (const k of bare) {
          if (k.alg === alg) continue;
          for (const length of [1, 63, 64, 65, 96, 132, 256]) {
            const token = `${encodeSegments({ alg, kid: k.kid, typ: 'JWT' }, accessClaims())}.${b64url(randomBytes(length))}`;
            outcomes.add(await attempt(h, requestEvent(bearer(token))));
          }
        }
      }
      expect([...outcomes].sort()).toEqual(['401:invalid_signature', '401:unsupported_alg']);
    });
  });

  describe('claims', () => {
    const now = nowSeconds();
    test.each<[string, Record<string, unknown>, string]>([
      ['expired', accessClaims({ exp: now - 3600 }), '401:expired'],
      ['nbf in the future', accessClaims({ nbf: now + 3600 }), '401:not_yet_valid'],
      ['missing exp', omit(accessClaims(), 'exp'), '401:missing_exp'],
      ['exp as a string', accessClaims({ exp: `${now + 3600}` }), '401:malformed_token'],
      ['iat in the future', accessClaims({ iat: now + 3600 }), '401:iat_in_future'],
      ['wrong issuer', accessClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Evil' }), '401:wrong_issuer'],
      ['issuer with a trailing slash', accessClaims({ iss: `${ISSUER}/` }), '401:wrong_issuer'],
      ['wrong client', accessClaims({ client_id: 'not-listed', sub: 'not-listed' }), '403:client_not_allowed'],
      [
        'Cognito ID token',
        { ...omit(accessClaims(), 'client_id'), token_use: 'id', aud: CLIENT_ID, email: 'x@example.com' },
        '401:wrong_token_use',
      ],
      ['ID token that also carries client_id', accessClaims({ token_use: 'id', aud: CLIENT_ID }), '401:wrong_token_use'],
    ])('denies a token with %s', async (_name, claims, expected) => {
      expect(await attempt(h, requestEvent(bearer(mint(key, claims))))).toBe(expected);
    });

    test('denies a token for another audience (Entra ID)', async () => {
      const entra = harness({
        env: {
          JWT_ISSUERS: 'https://login.microsoftonline.com/t/v2.0',
          JWKS_URI: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
          JWT_AUDIENCE: 'api://gateway',
          CLIENT_ID_CLAIM: 'azp',
          JWT_CLIENT_IDS: undefined,
          // An Entra setup of its own: neither the Cognito gateway scope nor the Cognito browser app ids apply.
          REQUIRED_SCOPE: undefined,
          BROWSER_CLIENT_IDS: undefined,
          AUTH_MODE: 'passthrough',
        },
      });
      const claims = { iss: 'https://login.microsoftonline.com/t/v2.0', azp: CLIENT_ID, iat: nowSeconds(), exp: nowSeconds() + 600 };
      expect(await attempt(entra, requestEvent(bearer(mint(key, { ...claims, aud: 'api://gateway' }))))).toBe('allow');
      expect(await attempt(entra, requestEvent(bearer(mint(key, { ...claims, aud: 'api://other' }))))).toBe('401:wrong_audience');
      expect(await attempt(entra, requestEvent(bearer(mint(key, claims))))).toBe('401:wrong_audience');
    });
  });

  describe('structure', () => {
    const [h64, p64, s64] = mint(key).split('.') as [string, string, string];
    test.each([
      ['malformed base64 in the header', `${h64.slice(0, -2)}!*.${p64}.${s64}`],
      ['malformed base64 in the payload', `${h64}.${p64}$$.${s64}`],
      ['malformed base64 in the signature', `${h64}.${p64}.${s64}%%`],
      ['standard base64 with + and /', `${h64}.${p64}.${s64.replace(/-/g, '+').replace(/_/g, '/')}+/`],
      ['two segments', `${h64}.${p64}`],
      ['one segment', h64],
      ['four segments', `${h64}.${p64}.${s64}.${s64}`],
      ['five segments (JWE shape)', `${h64}.${p64}.${s64}.${s64}.${s64}`],
      ['empty segments', '..'],
      ['a header that is not JSON', `${b64url('not json')}.${p64}.${s64}`],
      ['a payload that is an array', signWith(key, header, '[1,2,3]')],
      ['a payload that is a string', signWith(key, header, '"hello"')],
      ['a payload that is a number', signWith(key, header, '42')],
      ['a payload that is null', signWith(key, header, 'null')],
      ['a header that is an array', signWith(key, ['RS256'] as never, accessClaims())],
    ])('denies %s', async (_name, token) => {
      expect(await attempt(h, requestEvent(bearer(token)))).toMatch(/^401:(malformed_token|invalid_signature|unknown_kid)$/);
    });

    test('denies an oversized token before parsing it', async () => {
      const token = mint(key, accessClaims({ padding: 'x'.repeat(9000) }));
      expect(await attempt(h, requestEvent(bearer(token)))).toBe('401:token_too_large');
    });
  });

  describe('the Authorization header', () => {
    test.each([
      ['Basic credentials', 'Basic Y2xpZW50OnNlY3JldA=='],
      ['a Token scheme', `Token ${mint(key)}`],
      ['a bare token', mint(key)],
      ['an API key', 'sk-1234567890abcdef'],
    ])('denies %s', async (_name, value) => {
      expect(await attempt(h, requestEvent(value))).toBe('401:invalid_scheme');
    });

    test.each(['Bearer', 'Bearer ', 'bearer   '])('denies the empty bearer %p', async (value) => {
      expect(await attempt(h, requestEvent(value))).toBe('401:empty_token');
    });

    test('denies a missing header', async () => {
      expect(await attempt(h, requestEvent())).toBe('401:missing_token');
    });

    test('denies two Authorization values even when one is valid', async () => {
      expect(await attempt(h, requestEvent([bearer(mint(key)), bearer(mint(attacker))]))).toBe('401:multiple_authorization');
      expect(await attempt(h, requestEvent([bearer(mint(attacker)), bearer(mint(key))]))).toBe('401:multiple_authorization');
    });
  });
});

describe('adversarial key lookups', () => {
  const token = () => mint(key);

  test('denies a valid token of a client without a secret (403) and remembers it briefly', async () => {
    const h = harness();
    const t = mint(key, accessClaims({ client_id: 'unknown-client' }));
    expect(await attempt(h, requestEvent(bearer(t)))).toBe('403:unknown_client');
    expect(await attempt(h, requestEvent(bearer(t)))).toBe('403:unknown_client');
    expect(h.secrets.calls).toHaveLength(1);
  });

  test.each<[string, SecretSourceError, string]>([
    ['throttling', new SecretSourceError('transient', 'ThrottlingException'), '5xx:key_store_unavailable'],
    ['a timeout', new SecretSourceError('transient', 'TimeoutError'), '5xx:key_store_unavailable'],
    ['access denied', new SecretSourceError('denied', 'AccessDeniedException'), '5xx:key_access_denied'],
  ])('fails closed on Secrets Manager %s with nothing cached', async (_name, failure, expected) => {
    const secrets = new FakeSecrets();
    secrets.failures.push(failure);
    const h = harness({ secrets });
    expect(await attempt(h, requestEvent(bearer(token())))).toBe(expected);
    expect(h.out.text()).not.toContain(VIRTUAL_KEY);
  });

  test('fails closed when Secrets Manager hangs past the decision budget', async () => {
    const secrets = new FakeSecrets();
    secrets.delayMs = 2_000;
    const h = harness({ secrets, limits: { decisionBudgetMs: 200 } });
    expect(await attempt(h, requestEvent(bearer(token())))).toBe('5xx:decision_timeout');
  });

  test('fails closed on a secret that is not a virtual key', async () => {
    const h = harness({ secrets: new FakeSecrets(new Map([[`genai-gateway/dev/virtual-keys/${CLIENT_ID}`, '{"virtualKey":"master"}']])) });
    expect(await attempt(h, requestEvent(bearer(token())))).toBe('5xx:invalid_key_secret');
  });
});

describe('JWKS endpoint hanging', () => {
  let server: JwksServer;
  beforeAll(async () => {
    server = await JwksServer.start(jwksOf(key));
    server.behaviour = 'hang';
  });
  afterAll(() => server.stop());

  test('fails closed within the authorizer time budget, and does not hammer the endpoint', async () => {
    const out = new Captured();
    const config = testConfig({ JWKS_URI: server.url });
    const { handler } = buildAuthorizer(config, {
      logger: createLogger({ write: out.write, clock: Date.now }),
      metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
      clock: Date.now,
      secretSource: new FakeSecrets().source,
    });
    const started = Date.now();
    expect(await attempt({ handler, out }, requestEvent(bearer(mint(key))))).toBe('5xx:jwks_unavailable');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(config.limits.jwksFetchTimeoutMs - 50);
    expect(elapsed).toBeLessThan(config.limits.decisionBudgetMs);
    // Within the refresh window a second request fails at once instead of waiting again.
    const again = Date.now();
    expect(await attempt({ handler, out }, requestEvent(bearer(mint(key))))).toBe('5xx:jwks_unavailable');
    expect(Date.now() - again).toBeLessThan(100);
    expect(server.hits).toBe(1);
  });
});

/**
 * Browser apps' user tokens beside machine clients, on one authorizer configured as the Edge stack does it
 * (baseEnv: the machine pool and the workforce pool, the gateway scope, SPA_A and SPA_B as browser apps).
 */
describe('adversarial browser-app tokens', () => {
  const KEY_A = 'sk-dashboard_VirtualKey_000001';
  const KEY_B = 'sk-reports_VirtualKey_0000002';
  const secrets = () =>
    new FakeSecrets(
      new Map([
        [`${SECRET_PREFIX}${CLIENT_ID}`, VIRTUAL_KEY],
        [`${SECRET_PREFIX}${SPA_A}`, KEY_A],
        [`${SECRET_PREFIX}${SPA_B}`, KEY_B],
      ]),
    );
  const h = harness({ secrets: secrets() });
  const contextOf = async (token: string) => (await h.handler(requestEvent(bearer(token)))).context;

  test("allows a person's token for app A with app A's key and the person as end user (control)", async () => {
    expect(await contextOf(mint(key, userAccessClaims()))).toEqual({
      clientId: SPA_A,
      endUser: PERSON,
      virtualKey: KEY_A,
      virtualKeyBearer: `Bearer ${KEY_A}`,
    });
  });

  test("a person's token for app A never gets app B's key, nor does B's get A's", async () => {
    expect((await contextOf(mint(key, userAccessClaims())))?.virtualKey).toBe(KEY_A);
    expect((await contextOf(mint(key, userAccessClaims({ client_id: SPA_B, jti: 'jti-b' }))))?.virtualKey).toBe(KEY_B);
  });

  test("denies app A's token re-labelled for app B: the signature no longer holds, and an attacker's key is unknown", async () => {
    const genuine = mint(key, userAccessClaims());
    const [head, , sig] = genuine.split('.') as [string, string, string];
    const relabelled = `${head}.${b64url(JSON.stringify(userAccessClaims({ client_id: SPA_B })))}.${sig}`;
    expect(await attempt(h, requestEvent(bearer(relabelled)))).toBe('401:invalid_signature');
    expect(await attempt(h, requestEvent(bearer(mint(attacker, userAccessClaims({ client_id: SPA_B })))))).toBe('401:unknown_kid');
  });

  test.each<[string, Record<string, unknown>]>([
    ['a forged username', { username: 'ada' }],
    ['a forged cognito:username', { 'cognito:username': 'ada' }],
    ['a forged username and sub together', { username: PERSON, sub: PERSON }],
  ])('denies a machine client token carrying %s (a user token for a machine client id)', async (_name, forged) => {
    expect(await attempt(h, requestEvent(bearer(mint(key, accessClaims(forged)))))).toBe('403:user_token_for_machine_client');
  });

  test('a machine token with a forged e-mail, name or sub is spent as the machine, never as that person', async () => {
    const claims = accessClaims({ sub: PERSON, email: 'ada@example.com', name: 'Ada', 'x-litellm-customer-id': 'ada', customer_id: 'ada' });
    expect(await contextOf(mint(key, claims))).toMatchObject({ clientId: CLIENT_ID, endUser: CLIENT_ID });
  });

  test("denies a client-credentials token on a browser app's id (no person signed in)", async () => {
    const machineShaped = accessClaims({ client_id: SPA_A, iss: WORKFORCE_ISSUER });
    expect(await attempt(h, requestEvent(bearer(mint(key, machineShaped))))).toBe('403:machine_token_for_browser_app');
    expect(await attempt(h, requestEvent(bearer(mint(key, userAccessClaims({ username: undefined })))))).toBe(
      '403:machine_token_for_browser_app',
    );
  });

  test('denies a user token of a client id not configured as a browser app (a public client someone added in the console)', async () => {
    const h2 = harness({ env: { JWT_CLIENT_IDS: `${CLIENT_ID},${SPA_A},${SPA_B},rogue-spa` }, secrets: secrets() });
    expect(await attempt(h2, requestEvent(bearer(mint(key, userAccessClaims({ client_id: 'rogue-spa' })))))).toBe(
      '403:user_token_for_machine_client',
    );
  });

  test("denies a person's token for another app of the workforce pool (Open WebUI's, say): not an allowed client", async () => {
    expect(
      await attempt(h, requestEvent(bearer(mint(key, userAccessClaims({ client_id: 'openwebui7client', scope: 'openid email profile' }))))),
    ).toBe('403:client_not_allowed');
  });

  test("denies a browser app's token without the gateway scope (signed in for openid only)", async () => {
    expect(await attempt(h, requestEvent(bearer(mint(key, userAccessClaims({ scope: 'openid email' })))))).toBe('403:missing_scope');
  });

  test("denies a browser app's ID token (token_use id), whatever its audience says", async () => {
    const idToken = userAccessClaims({ token_use: 'id', aud: SPA_A, email: 'ada@example.com', scope: undefined });
    expect(await attempt(h, requestEvent(bearer(mint(key, idToken))))).toBe('401:wrong_token_use');
  });

  test('denies a user token from another user pool (wrong issuer), even one naming app A', async () => {
    const foreign = userAccessClaims({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Attacker' });
    expect(await attempt(h, requestEvent(bearer(mint(key, foreign))))).toBe('401:wrong_issuer');
  });

  test('denies an expired user token (a person signed out or off-boarded keeps nothing past its short lifetime)', async () => {
    const expired = userAccessClaims({ iat: nowSeconds() - 3600, exp: nowSeconds() - 600 });
    expect(await attempt(h, requestEvent(bearer(mint(key, expired))))).toBe('401:expired');
  });

  test('denies a user token whose person id could split a header', async () => {
    expect(await attempt(h, requestEvent(bearer(mint(key, userAccessClaims({ sub: 'ada\r\nx-litellm-customer-id: bob' })))))).toBe(
      '403:invalid_end_user',
    );
  });

  describe('with an external OIDC issuer (Entra ID-like: azp names the app, oid the person)', () => {
    const ENTRA = 'https://login.microsoftonline.com/t/v2.0';
    const entra = harness({
      env: {
        JWT_ISSUERS: ENTRA,
        JWKS_URI: 'https://login.microsoftonline.com/t/discovery/v2.0/keys',
        JWT_AUDIENCE: 'api://gateway',
        CLIENT_ID_CLAIM: 'azp',
        JWT_CLIENT_IDS: `${CLIENT_ID},${SPA_A}`,
        BROWSER_CLIENT_IDS: SPA_A,
        REQUIRED_SCOPE: undefined,
        END_USER_CLAIM: 'oid',
      },
      secrets: secrets(),
    });
    const claims = (extra: Record<string, unknown>) => ({
      iss: ENTRA,
      aud: 'api://gateway',
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
      ...extra,
    });

    test("allows the SPA's delegated token with the person's oid as end user", async () => {
      const result = await entra.handler(
        requestEvent(bearer(mint(key, claims({ azp: SPA_A, oid: PERSON, scp: 'invoke', sub: 'pairwise-1' })))),
      );
      expect(result.context).toMatchObject({ clientId: SPA_A, endUser: PERSON, virtualKey: KEY_A });
    });

    test("denies the SPA's token for another audience (wrong audience)", async () => {
      expect(await attempt(entra, requestEvent(bearer(mint(key, claims({ azp: SPA_A, oid: PERSON, aud: 'api://other' })))))).toBe(
        '401:wrong_audience',
      );
    });

    test("denies an app-only token on the SPA's id (no person)", async () => {
      expect(await attempt(entra, requestEvent(bearer(mint(key, claims({ azp: SPA_A, roles: ['invoke'] })))))).toBe(
        '403:machine_token_for_browser_app',
      );
    });

    test("a machine client's token naming a person (oid, email) is spent as the machine", async () => {
      const result = await entra.handler(
        requestEvent(bearer(mint(key, claims({ azp: CLIENT_ID, oid: PERSON, email: 'ada@example.com' })))),
      );
      expect(result.context).toMatchObject({ clientId: CLIENT_ID, endUser: CLIENT_ID });
    });
  });
});
