/**
 * aws-jwt-verify, as pinned in package.json (5.2.1): how it turns a token's signature into a verdict, and the
 * authorizer's token verifier checked against it so that nothing a caller sends becomes a fault (5xx).
 *
 * Sources, read 2026-11-29 in node_modules/aws-jwt-verify (5.2.1, github.com/awslabs/aws-jwt-verify),
 * restated in our own words:
 * - dist/cjs/node-web-compat-node.js: verifySignatureSync (node:crypto createVerify with dsaEncoding
 *   ieee-p1363 and the signature as a 'base64' string; crypto.verify for EdDSA) and the digest name table.
 * - dist/cjs/jwt-verifier.js: validateJwtHeaderAndJwk, verifyDecomposedJwtSync / verifyDecomposedJwt (only a
 *   false from the signature check becomes JwtInvalidSignatureError; a throw passes through untouched).
 * - dist/cjs/jwt.js: JWT_REGEX and decomposeUnverifiedJwt.
 * - dist/cjs/jwt-verifier.js: JwtVerifierBase.getIssuerConfig / getVerifyParameters and KeyObjectCache;
 *   dist/cjs/cognito-verifier.js and alb-verifier.js: the library's own subclasses, which verify through the
 *   protected verifyDecomposedJwtSync / verifyDecomposedJwt, the entry points our verifier uses too.
 * node:crypto behaviour is that of the Node.js running the tests (20, as in CI); the Lambda runs Node.js 24,
 * not available here: our verifier's outcome does not depend on which of the two answers node:crypto gives.
 */
import { JwtBaseError, JwtInvalidSignatureError, JwtParseError } from 'aws-jwt-verify/error';
import type { Jwk } from 'aws-jwt-verify/jwk';
import { JwtVerifier, verifyJwtSync } from 'aws-jwt-verify/jwt-verifier';
import { signatureFitsAlg } from '../../lambda/authorizer/algorithms';
import { RateLimitedJwksCache } from '../../lambda/authorizer/jwks-cache';
import { AuthorizerFault, Denial } from '../../lambda/authorizer/outcome';
import { createTokenVerifier } from '../../lambda/authorizer/token-verifier';
import { testConfig } from '../support/authorizer-harness';
import {
  accessClaims,
  b64url,
  ecKey,
  edKey,
  ISSUER,
  jwksOf,
  mint,
  rsaKey,
  withSignature,
  type TestKey,
} from '../support/authorizer-tokens';

const ec256 = ecKey('c-256', 'ES256');
const ec384 = ecKey('c-384', 'ES384');
const ec521 = ecKey('c-521', 'ES512');
const ed = edKey('c-ed');
const rsa = rsaKey('c-rsa');
const withoutAlg = (k: TestKey): TestKey => {
  const { alg: _alg, ...jwk } = k.jwk;
  return { ...k, kid: `${k.kid}-bare`, jwk: { ...jwk, kid: `${k.kid}-bare` } };
};
const keys = [ec256, ec384, ec521, ed, rsa, withoutAlg(ed), withoutAlg(ec384)];

const ours = createTokenVerifier(testConfig(), {
  jwksCache: new RateLimitedJwksCache({
    fetchJwks: async () => jwksOf(...keys) as never,
    clock: Date.now,
    refreshWindowMs: 30_000,
    maxAgeMs: 3_600_000,
  }),
  clock: Date.now,
});
async function ourOutcome(token: string): Promise<string> {
  try {
    return `allow:${(await ours.verify(token)).clientId}`;
  } catch (err) {
    if (err instanceof Denial) return `${err.status}:${err.reason}`;
    if (err instanceof AuthorizerFault) return `fault:${err.reason}`;
    throw err;
  }
}
/** What the library itself throws for the token, verified against that key's JWK alone. */
function libraryError(token: string, key: TestKey): unknown {
  try {
    verifyJwtSync(token, key.jwk as Jwk, { issuer: ISSUER, audience: null });
    return undefined;
  } catch (err) {
    return err;
  }
}
const signatureOf = (token: string) => Buffer.from(token.split('.')[2] as string, 'base64url');
const truncated = (token: string) => withSignature(token, b64url(signatureOf(token).subarray(0, -1)));
const extended = (token: string) => withSignature(token, b64url(Buffer.concat([signatureOf(token), Buffer.from([0])])));

describe('aws-jwt-verify 5.2.1 contract', () => {
  test.each([
    ['ES256', 64, ec256],
    ['ES384', 96, ec384],
    ['ES512', 132, ec521],
  ] as const)(
    'an %s signature that is not exactly R || S (%i bytes) makes node:crypto throw, and the library passes that throw on as a plain Error',
    async (alg, bytes, key) => {
      // Source: node-web-compat-node.js verifySignatureSync asks for ieee-p1363 (fixed-size R || S); node:crypto
      // throws "Malformed signature" (ERR_CRYPTO_OPERATION_FAILED) for any other length instead of returning
      // false, and jwt-verifier.js does not catch it, so it is not one of the library's JwtBaseError classes.
      expect(signatureOf(mint(key))).toHaveLength(bytes);
      for (const token of [truncated(mint(key)), extended(mint(key)), withSignature(mint(key), 'A')]) {
        const err = libraryError(token, key);
        expect(err).not.toBeInstanceOf(JwtBaseError);
        expect(err).toMatchObject({ code: 'ERR_CRYPTO_OPERATION_FAILED', message: 'Malformed signature' });
        // Ours: recognised as the caller's malformed signature, a 401.
        expect(signatureFitsAlg(alg, token.split('.')[2] as string)).toBe(false);
        expect(await ourOutcome(token)).toBe('401:invalid_signature');
      }
    },
  );

  test.each([
    ['RS256', rsa],
    ['EdDSA', ed],
  ] as const)('an %s signature of the wrong length is answered no, as JwtInvalidSignatureError', async (_alg, key) => {
    // Source: verifySignatureSync returns node:crypto's verdict; for RSA (PKCS#1 v1.5) and Ed25519 a signature
    // of any other length is false, which verifyDecomposedJwtSync turns into JwtInvalidSignatureError.
    for (const token of [truncated(mint(key)), extended(mint(key)), withSignature(mint(key), 'A')]) {
      expect(libraryError(token, key)).toBeInstanceOf(JwtInvalidSignatureError);
      expect(await ourOutcome(token)).toBe('401:invalid_signature');
    }
  });

  test('for a JWK without alg the header alg chooses the verifier, and a key of another type can make node:crypto throw', async () => {
    // Source: validateJwtHeaderAndJwk compares the header alg with the JWK's alg only when the JWK has one, and
    // checks it against the supported list (RS*, ES*, EdDSA); the digest table maps ES256/384/512 to the same
    // names as RS256/384/512. node:crypto then throws when asked to verify with an RSA digest over an
    // Ed25519 key, or an ECDSA signature of another curve's size.
    const bareEd = withoutAlg(ed);
    const rsOverEd = `${mint(ed, accessClaims(), { alg: 'RS256', kid: bareEd.kid }).split('.').slice(0, 2).join('.')}.${b64url(Buffer.alloc(256, 1))}`;
    const rsError = libraryError(rsOverEd, bareEd);
    // A throw from node:crypto (ERR_CRYPTO_UNSUPPORTED_OPERATION on Node.js 20), not a verdict of the library.
    expect(rsError).toBeDefined();
    expect(rsError).not.toBeInstanceOf(JwtBaseError);
    // Ours: the key is handed over only for an algorithm of its own type and curve.
    expect(await ourOutcome(rsOverEd)).toBe('401:unsupported_alg');

    const bareEc384 = withoutAlg(ec384);
    const es256OverP384 = `${mint(ec256, accessClaims(), { kid: bareEc384.kid }).split('.').slice(0, 2).join('.')}.${b64url(Buffer.alloc(64, 1))}`;
    expect(libraryError(es256OverP384, bareEc384)).toMatchObject({ code: 'ERR_CRYPTO_OPERATION_FAILED', message: 'Malformed signature' });
    expect(await ourOutcome(es256OverP384)).toBe('401:unsupported_alg');
  });

  test('the signature segment must be base64url characters (at most two trailing =), and is decoded with the base64 decoder', async () => {
    // Source: jwt.js JWT_REGEX (each segment [A-Za-z0-9_-]+ then ={0,2}) rejects anything else with
    // JwtParseError before any crypto; verifySignatureSync passes the segment to node:crypto as 'base64',
    // which also reads the URL-safe alphabet and drops a lone trailing character.
    const token = mint(ec256);
    expect(libraryError(withSignature(token, 'abc%%'), ec256)).toBeInstanceOf(JwtParseError);
    expect(libraryError(withSignature(token, ''), ec256)).toBeInstanceOf(JwtParseError);
    expect(await ourOutcome(withSignature(token, 'abc%%'))).toBe('401:malformed_token');
    // Ours decodes as the library does: one character past a whole ES384 signature (128 characters) adds no
    // byte, so the library accepts it and so does our length check; past an ES256 one (86) it adds a byte.
    const es384 = mint(ec384);
    const padded384 = withSignature(es384, `${es384.split('.')[2] as string}A`);
    expect(libraryError(padded384, ec384)).toBeUndefined();
    expect(signatureFitsAlg('ES384', padded384.split('.')[2] as string)).toBe(true);
    expect(signatureFitsAlg('ES256', `${token.split('.')[2] as string}A`)).toBe(false);
    expect(signatureFitsAlg('ES256', 'A')).toBe(false);
  });

  test('with one issuer configured, the token iss is not checked before the key is imported, and imported keys are cached per token iss', async () => {
    // Source: jwt-verifier.js getIssuerConfig uses the only configured issuer whatever the token says (with
    // several, an unknown iss is refused first); verifyDecomposedJwtSync imports the JWK through
    // KeyObjectCache keyed by the token's iss, and only validateJwtFields, after the signature, compares
    // iss. So each made-up iss adds a cache entry, even when the signature is garbage.
    const library = JwtVerifier.create({ issuer: ISSUER, jwksUri: 'https://example.com/jwks.json', audience: null });
    library.cacheJwks(jwksOf(rsa) as never);
    const cachedIssuers = () =>
      (library as unknown as { publicKeyCache: { publicKeys: Map<string, unknown> } }).publicKeyCache.publicKeys.size;
    for (let i = 0; i < 50; i++) {
      const token = withSignature(mint(rsa, accessClaims({ iss: `https://made-up-${i}.example.com` })), 'AAAA');
      expect(() => library.verifySync(token)).toThrow(JwtInvalidSignatureError);
    }
    expect(cachedIssuers()).toBe(50);
    // Ours picks the issuer from iss first and refuses any other, before any key handling.
    expect(await ourOutcome(withSignature(mint(rsa, accessClaims({ iss: 'https://made-up.example.com' })), 'AAAA'))).toBe(
      '401:wrong_issuer',
    );
  });
});
