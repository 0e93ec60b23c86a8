import { keyFitsAlg, signatureFitsAlg } from '../../../lambda/authorizer/algorithms';
import { b64url } from '../../support/authorizer-tokens';

describe('keyFitsAlg', () => {
  test.each<[string, Record<string, unknown>]>([
    ['RS256', { kty: 'RSA' }],
    ['RS512', { kty: 'RSA' }],
    ['ES256', { kty: 'EC', crv: 'P-256' }],
    ['ES384', { kty: 'EC', crv: 'P-384' }],
    ['ES512', { kty: 'EC', crv: 'P-521' }],
    ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }],
    ['EdDSA', { kty: 'OKP', crv: 'Ed448' }],
  ])('accepts %s with %j', (alg, jwk) => {
    expect(keyFitsAlg(alg, jwk)).toBe(true);
  });

  test.each<[unknown, Record<string, unknown>]>([
    ['RS256', { kty: 'EC', crv: 'P-256' }],
    ['ES256', { kty: 'RSA' }],
    ['ES256', { kty: 'EC', crv: 'P-384' }],
    ['ES256', { kty: 'EC' }],
    ['ES512', { kty: 'EC', crv: 'P-512' }],
    ['EdDSA', { kty: 'OKP', crv: 'X25519' }],
    ['EdDSA', { kty: 'OKP' }],
    ['HS256', { kty: 'oct' }],
    ['none', { kty: 'RSA' }],
    ['PS256', { kty: 'RSA' }],
    ['toString', { kty: 'RSA' }],
    ['__proto__', { kty: 'RSA' }],
    [undefined, { kty: 'RSA' }],
    [42, { kty: 'RSA' }],
  ])('refuses %p with %j', (alg, jwk) => {
    expect(keyFitsAlg(alg, jwk)).toBe(false);
  });
});

describe('signatureFitsAlg', () => {
  test.each([
    ['ES256', 64],
    ['ES384', 96],
    ['ES512', 132],
  ])('%s takes exactly %i bytes', (alg, bytes) => {
    expect(signatureFitsAlg(alg, b64url(Buffer.alloc(bytes)))).toBe(true);
    for (const wrong of [0, 1, bytes - 1, bytes + 1, bytes * 2]) expect(signatureFitsAlg(alg, b64url(Buffer.alloc(wrong)))).toBe(false);
  });

  test.each(['RS256', 'EdDSA', 'HS256', undefined])('leaves %p signatures of any length to the verifier', (alg) => {
    for (const bytes of [0, 1, 64, 300]) expect(signatureFitsAlg(alg, b64url(Buffer.alloc(bytes)))).toBe(true);
  });

  test('decodes padded and URL-safe text as the verifier does', () => {
    const sig = Buffer.alloc(64, 0xfb);
    expect(signatureFitsAlg('ES256', sig.toString('base64'))).toBe(true);
    expect(signatureFitsAlg('ES256', b64url(sig))).toBe(true);
  });
});
