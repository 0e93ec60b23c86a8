/**
 * What each accepted JWS algorithm needs from its key and its signature (RFC 7518 section 3; EdDSA: RFC 8037).
 * HS* and none are not in the list.
 */
interface AlgorithmNeeds {
  readonly kty: string;
  /** Accepted curves, where the key type has curves. */
  readonly crv?: readonly string[];
  /** ECDSA signatures are R || S, each as long as the curve order: one exact length per algorithm. */
  readonly signatureBytes?: number;
}

const ALGORITHMS: Readonly<Record<string, AlgorithmNeeds>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: ['P-256'], signatureBytes: 64 },
  ES384: { kty: 'EC', crv: ['P-384'], signatureBytes: 96 },
  ES512: { kty: 'EC', crv: ['P-521'], signatureBytes: 132 },
  // Only the signature curves: an X25519/X448 key (key agreement) cannot verify anything.
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
};

/** The key is of the type (and curve) the algorithm is defined for. */
export function keyFitsAlg(alg: unknown, jwk: { readonly kty?: unknown; readonly crv?: unknown }): boolean {
  const needs = typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (!needs || jwk.kty !== needs.kty) return false;
  return needs.crv === undefined || (typeof jwk.crv === 'string' && needs.crv.includes(jwk.crv));
}

/**
 * False for an ECDSA signature of the wrong length. node:crypto throws on those (as aws-jwt-verify 5.2.1
 * calls it) instead of returning false; RSA and EdDSA verifiers return false for any length, so they pass here.
 * Decoded as aws-jwt-verify hands it to node:crypto ('base64', which also reads the URL-safe alphabet).
 */
export function signatureFitsAlg(alg: unknown, signatureB64: string): boolean {
  const needs = typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (needs?.signatureBytes === undefined) return true;
  return Buffer.from(signatureB64, 'base64').length === needs.signatureBytes;
}
