import { KidNotFoundInJwksError, JwtWithoutValidKidError } from 'aws-jwt-verify/error';
import { createJwksFetcher, JwksUnavailableError, RateLimitedJwksCache } from '../../../lambda/authorizer/jwks-cache';
import { jwksOf, rsaKey } from '../../support/authorizer-tokens';
import { JwksServer } from '../../support/jwks-server';

const URI = 'https://issuer.example/.well-known/jwks.json';
const jwt = (kid?: unknown) => ({ header: { alg: 'RS256', kid } as never, payload: {} });

function setup(opts: { fail?: boolean } = {}) {
  const state = { now: 1_000_000, fetches: 0, fail: opts.fail ?? false, keys: [rsaKey('k1')] };
  const cache = new RateLimitedJwksCache({
    fetchJwks: async () => {
      state.fetches += 1;
      if (state.fail) throw new Error('ECONNREFUSED');
      return jwksOf(...state.keys) as never;
    },
    clock: () => state.now,
    refreshWindowMs: 30_000,
    maxAgeMs: 3_600_000,
  });
  return { state, cache };
}

describe('RateLimitedJwksCache', () => {
  test('fetches the JWKS once and serves known kids from memory', async () => {
    const { state, cache } = setup();
    for (let i = 0; i < 5; i++) expect((await cache.getJwk(URI, jwt('k1'))).kid).toBe('k1');
    expect(state.fetches).toBe(1);
  });

  test('fetches at most once per window however many unknown kids arrive', async () => {
    const { state, cache } = setup();
    await cache.getJwk(URI, jwt('k1'));
    const results = await Promise.allSettled(Array.from({ length: 500 }, (_, i) => cache.getJwk(URI, jwt(`forged-${i}`))));
    expect(results.every((r) => r.status === 'rejected' && r.reason instanceof KidNotFoundInJwksError)).toBe(true);
    // The cold-start fetch opened the window: none of the 500 forged kids caused another.
    expect(state.fetches).toBe(1);
    state.now += 29_000;
    await expect(cache.getJwk(URI, jwt('forged-x'))).rejects.toThrow(KidNotFoundInJwksError);
    expect(state.fetches).toBe(1);
    state.now += 1_000;
    await Promise.allSettled(Array.from({ length: 500 }, (_, i) => cache.getJwk(URI, jwt(`forged-again-${i}`))));
    expect(state.fetches).toBe(2);
  });

  test('picks up a rotated key once the window allows a refetch', async () => {
    const { state, cache } = setup();
    await cache.getJwk(URI, jwt('k1'));
    state.keys = [rsaKey('k1'), rsaKey('k2')];
    state.now += 30_000;
    expect((await cache.getJwk(URI, jwt('k2'))).kid).toBe('k2');
  });

  test('concurrent first verifications share one fetch', async () => {
    const { state, cache } = setup();
    await Promise.all(Array.from({ length: 20 }, () => cache.getJwk(URI, jwt('k1'))));
    expect(state.fetches).toBe(1);
  });

  test('reports the JWKS as unavailable when the first fetch fails, and does not retry within the window', async () => {
    const { state, cache } = setup({ fail: true });
    await expect(cache.getJwk(URI, jwt('k1'))).rejects.toThrow(JwksUnavailableError);
    await expect(cache.getJwk(URI, jwt('k1'))).rejects.toThrow(JwksUnavailableError);
    expect(state.fetches).toBe(1);
  });

  test('refreshes a JWKS older than its max age and drops keys the issuer removed', async () => {
    const { state, cache } = setup();
    state.keys = [rsaKey('k1'), rsaKey('k2')];
    await cache.getJwk(URI, jwt('k2'));
    state.keys = [rsaKey('k1')];
    state.now += 3_600_000;
    await expect(cache.getJwk(URI, jwt('k2'))).rejects.toThrow(KidNotFoundInJwksError);
    expect(state.fetches).toBe(2);
  });

  test('keeps serving an old JWKS when its refresh fails', async () => {
    const { state, cache } = setup();
    await cache.getJwk(URI, jwt('k1'));
    state.now += 3_600_000;
    state.fail = true;
    expect((await cache.getJwk(URI, jwt('k1'))).kid).toBe('k1');
  });

  test.each([undefined, '', 42])('rejects a token whose kid is %p without fetching', async (kid) => {
    const { state, cache } = setup();
    await expect(cache.getJwk(URI, jwt(kid))).rejects.toThrow(JwtWithoutValidKidError);
    expect(state.fetches).toBe(0);
  });

  test('does not treat prototype property names as kids', async () => {
    const { cache } = setup();
    await cache.getJwk(URI, jwt('k1'));
    for (const kid of ['__proto__', 'constructor', 'toString']) {
      await expect(cache.getJwk(URI, jwt(kid))).rejects.toThrow(KidNotFoundInJwksError);
    }
  });

  test('serves cached keys synchronously and refuses uncached ones', async () => {
    const { cache } = setup();
    expect(() => cache.getCachedJwk(URI, jwt('k1'))).toThrow('not cached');
    cache.addJwks(URI, jwksOf(rsaKey('k1')) as never);
    expect(cache.getCachedJwk(URI, jwt('k1')).kid).toBe('k1');
    expect(() => cache.getCachedJwk(URI, jwt('nope'))).toThrow(KidNotFoundInJwksError);
  });

  test('treats a cached JWKS past its max age as absent on the synchronous path', async () => {
    const { state, cache } = setup();
    await cache.getJwk(URI, jwt('k1'));
    expect(cache.getCachedJwk(URI, jwt('k1')).kid).toBe('k1');
    state.now += 3_600_000;
    expect(() => cache.getCachedJwk(URI, jwt('k1'))).toThrow('not cached');
  });

  test('getJwks fetches and returns the document', async () => {
    const { cache } = setup();
    expect((await cache.getJwks(URI)).keys).toHaveLength(1);
  });
});

describe('createJwksFetcher', () => {
  let server: JwksServer;
  beforeAll(async () => {
    server = await JwksServer.start(jwksOf(rsaKey('k1')));
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.behaviour = 'serve';
    server.jwks = jwksOf(rsaKey('k1'));
  });

  test('fetches and validates a JWKS over loopback http', async () => {
    const jwks = await createJwksFetcher({ timeoutMs: 1000, maxBytes: 65536 })(server.url);
    expect(jwks.keys[0]?.kid).toBe('k1');
  });

  test('gives up at its deadline when the endpoint hangs', async () => {
    server.behaviour = 'hang';
    const started = Date.now();
    await expect(createJwksFetcher({ timeoutMs: 200, maxBytes: 65536 })(server.url)).rejects.toThrow('timed out after 200 ms');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('rejects a non-200 answer', async () => {
    server.behaviour = 'error500';
    await expect(createJwksFetcher({ timeoutMs: 1000, maxBytes: 65536 })(server.url)).rejects.toThrow('JWKS status 500');
  });

  test('rejects a document over the size cap', async () => {
    server.jwks = { keys: [], padding: 'x'.repeat(5000) };
    await expect(createJwksFetcher({ timeoutMs: 1000, maxBytes: 1024 })(server.url)).rejects.toThrow('JWKS too large');
  });

  test('rejects a document that is not a JWKS', async () => {
    server.jwks = { notKeys: true };
    await expect(createJwksFetcher({ timeoutMs: 1000, maxBytes: 65536 })(server.url)).rejects.toThrow('JWKS does not include keys');
  });
});
