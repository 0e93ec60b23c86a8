import fc from 'fast-check';
import { attempt, bearer, FakeJwks, harness, requestEvent } from '../../support/authorizer-harness';
import { accessClaims, b64url, ecKey, edKey, encodeSegments, mint, rsaKey, signWith, withSignature } from '../../support/authorizer-tokens';

const RUNS = { numRuns: 250, seed: 4242 };
// Signing with RSA costs ~2 ms per case; fewer runs keep the suite fast.
const SIGNED_RUNS = { numRuns: 120, seed: 4242 };
const key = rsaKey();
const attacker = rsaKey('attacker');
const valid = mint(key);
const b64chars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''));
const segment = fc.string({ unit: b64chars, minLength: 0, maxLength: 400 });

/** A signature mutation may only decode to the same bytes (base64url trailing bits); anything else is a forgery. */
function sameToken(a: string, b: string): boolean {
  const [ah, ap, as] = a.split('.');
  const [bh, bp, bs] = b.split('.');
  return (
    ah === bh && ap === bp && as !== undefined && bs !== undefined && Buffer.from(as, 'base64url').equals(Buffer.from(bs, 'base64url'))
  );
}

/** Anything a caller sends is refused as a 401/403, never turned into a fault (5xx). */
const NOT_A_FAULT = /^(allow|40[13]:[a-z_]+)$/;

describe('fuzzing: no random or mutated token is ever allowed', () => {
  const h = harness({ realClock: true });

  beforeAll(async () => {
    expect(await attempt(h, requestEvent(bearer(valid)))).toBe('allow');
  });

  test('random Authorization header values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (value) => {
        const outcome = await attempt(h, requestEvent(value));
        expect(outcome).not.toBe('allow');
        expect(outcome).toMatch(NOT_A_FAULT);
      }),
      RUNS,
    );
  });

  test('random three-segment base64url tokens', async () => {
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
        const outcome = await attempt(h, requestEvent(bearer(`${a}.${b}.${c}`)));
        expect(outcome).not.toBe('allow');
        expect(outcome).toMatch(NOT_A_FAULT);
      }),
      RUNS,
    );
  });

  test('single-character mutations, deletions and insertions of a valid token', async () => {
    const mutation = fc.oneof(
      fc.record({
        op: fc.constant('replace' as const),
        at: fc.nat(valid.length - 1),
        ch: fc.oneof(b64chars, fc.constantFrom('.', '=', ' ', '+', '/')),
      }),
      fc.record({ op: fc.constant('delete' as const), at: fc.nat(valid.length - 1), ch: fc.constant('') }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(valid.length), ch: fc.oneof(b64chars, fc.constantFrom('.', '=')) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        let token = valid;
        for (const m of mutations) {
          const at = Math.min(m.at, token.length);
          if (m.op === 'replace') token = token.slice(0, at) + m.ch + token.slice(at + 1);
          else if (m.op === 'delete') token = token.slice(0, at) + token.slice(at + 1);
          else token = token.slice(0, at) + m.ch + token.slice(at);
        }
        const outcome = await attempt(h, requestEvent(bearer(token)));
        if (outcome === 'allow') expect(sameToken(token, valid)).toBe(true);
        expect(outcome).toMatch(NOT_A_FAULT);
      }),
      RUNS,
    );
  });

  test('re-encoded payloads with arbitrary claim changes and the original signature', async () => {
    const [head, , sig] = valid.split('.') as [string, string, string];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('exp', 'iss', 'client_id', 'token_use', 'scope', 'nbf', 'iat', 'aud', 'sub'), fc.jsonValue()),
        async (changes) => {
          const claims = { ...accessClaims(), ...changes };
          const forged = `${head}.${b64url(JSON.stringify(claims))}.${sig}`;
          const outcome = await attempt(h, requestEvent(bearer(forged)));
          if (outcome === 'allow') expect(sameToken(forged, valid)).toBe(true);
          expect(outcome).toMatch(NOT_A_FAULT);
        },
      ),
      RUNS,
    );
  });

  test('arbitrary headers and claims signed by a key the issuer does not publish', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            alg: fc.constantFrom('RS256', 'RS384', 'ES256', 'none', 'HS256', 'EdDSA'),
            kid: fc.oneof(fc.constant(key.kid), fc.string()),
            jku: fc.option(fc.webUrl()),
          },
          { requiredKeys: ['alg'] },
        ),
        fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
        async (header, extra) => {
          const token = signWith(attacker, header, { ...accessClaims(), ...extra });
          const outcome = await attempt(h, requestEvent(bearer(token)));
          expect(outcome).not.toBe('allow');
          expect(outcome).toMatch(NOT_A_FAULT);
        },
      ),
      SIGNED_RUNS,
    );
  });

  test('arbitrary JSON in header and payload with arbitrary signature bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 3 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.uint8Array({ maxLength: 300 }),
        async (header, payload, sig) => {
          const token = `${encodeSegments(JSON.stringify(header), JSON.stringify(payload))}.${b64url(Buffer.from(sig))}`;
          const outcome = await attempt(h, requestEvent(bearer(token)));
          expect(outcome).not.toBe('allow');
          expect(outcome).toMatch(NOT_A_FAULT);
        },
      ),
      RUNS,
    );
  });

  describe('over an issuer that publishes EC (P-256, P-384, P-521), Ed25519 and RSA keys, with and without alg', () => {
    const published = [ecKey('fz-256', 'ES256'), ecKey('fz-384', 'ES384'), ecKey('fz-521', 'ES512'), edKey('fz-ed'), rsaKey('fz-rsa')];
    const bare = published.map((k) => {
      const { alg: _alg, ...jwk } = k.jwk;
      return { ...k, kid: `${k.kid}-bare`, jwk: { ...jwk, kid: `${k.kid}-bare` } };
    });
    const mixed = harness({ realClock: true, jwks: new FakeJwks([...published, ...bare]) });
    const kids = [...published, ...bare].map((k) => k.kid);

    test('any header alg and published kid with any signature bytes is a 401, never a fault', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'),
          fc.constantFrom(...kids),
          fc.uint8Array({ maxLength: 300 }),
          async (alg, kid, sig) => {
            const token = `${encodeSegments({ alg, kid, typ: 'JWT' }, accessClaims())}.${b64url(Buffer.from(sig))}`;
            expect(await attempt(mixed, requestEvent(bearer(token)))).toMatch(/^401:(invalid_signature|unsupported_alg|malformed_token)$/);
          },
        ),
        RUNS,
      );
    });

    test('a genuine token of each key with its signature cut or extended is a 401, never a fault', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...published),
          fc.integer({ min: -140, max: 140 }),
          fc.uint8Array({ maxLength: 8 }),
          async (key, delta, extra) => {
            const genuine = mint(key);
            const sig = Buffer.from(genuine.split('.')[2] as string, 'base64url');
            const changed =
              delta <= 0 ? sig.subarray(0, Math.max(0, sig.length + delta)) : Buffer.concat([sig, Buffer.alloc(delta, 1), extra]);
            if (changed.equals(sig)) return;
            const outcome = await attempt(mixed, requestEvent(bearer(withSignature(genuine, b64url(changed)))));
            expect(outcome).toMatch(/^401:(invalid_signature|malformed_token)$/);
          },
        ),
        SIGNED_RUNS,
      );
    });
  });
});
