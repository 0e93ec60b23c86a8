import fc from 'fast-check';
import { attempt, bearer, harness, requestEvent } from '../../support/authorizer-harness';
import { accessClaims, b64url, encodeSegments, mint, rsaKey, signWith } from '../../support/authorizer-tokens';

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

describe('fuzzing: no random or mutated token is ever allowed', () => {
  const h = harness({ realClock: true });

  beforeAll(async () => {
    expect(await attempt(h, requestEvent(bearer(valid)))).toBe('allow');
  });

  test('random Authorization header values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (value) => {
        expect(await attempt(h, requestEvent(value))).not.toBe('allow');
      }),
      RUNS,
    );
  });

  test('random three-segment base64url tokens', async () => {
    await fc.assert(
      fc.asyncProperty(segment, segment, segment, async (a, b, c) => {
        expect(await attempt(h, requestEvent(bearer(`${a}.${b}.${c}`)))).not.toBe('allow');
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
          expect(await attempt(h, requestEvent(bearer(token)))).not.toBe('allow');
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
          expect(await attempt(h, requestEvent(bearer(token)))).not.toBe('allow');
        },
      ),
      RUNS,
    );
  });
});
