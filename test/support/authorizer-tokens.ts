import { createHmac, createSign, generateKeyPairSync, sign as signOneShot, type KeyObject } from 'node:crypto';

/** Test-only token minting with node:crypto, independent of the library under test. */

export interface TestKey {
  readonly kid: string;
  readonly alg: 'RS256' | EcAlg | 'EdDSA';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Public JWK as an identity provider would publish it. */
  readonly jwk: Record<string, string>;
}

const rsaCache = new Map<string, TestKey>();

export function rsaKey(kid = 'rsa-1'): TestKey {
  const cached = rsaCache.get(kid);
  if (cached) return cached;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key: TestKey = {
    kid,
    alg: 'RS256',
    privateKey,
    publicKey,
    jwk: { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg: 'RS256', use: 'sig' },
  };
  rsaCache.set(kid, key);
  return key;
}

export type EcAlg = 'ES256' | 'ES384' | 'ES512';

/** RFC 7518 section 3.4: the curve and hash each ECDSA algorithm uses. */
export const EC_ALGS: Readonly<Record<EcAlg, { curve: string; hash: string }>> = {
  ES256: { curve: 'P-256', hash: 'SHA256' },
  ES384: { curve: 'P-384', hash: 'SHA384' },
  ES512: { curve: 'P-521', hash: 'SHA512' },
};

export function ecKey(kid = 'ec-1', alg: EcAlg = 'ES256'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: EC_ALGS[alg].curve });
  return {
    kid,
    alg,
    privateKey,
    publicKey,
    jwk: { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg, use: 'sig' },
  };
}

export function edKey(kid = 'ed-1'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    kid,
    alg: 'EdDSA',
    privateKey,
    publicKey,
    jwk: { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), kid, alg: 'EdDSA', use: 'sig' },
  };
}

export function jwksOf(...keys: TestKey[]): { keys: Record<string, string>[] } {
  return { keys: keys.map((k) => k.jwk) };
}

export const b64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

export function encodeSegments(header: unknown, payload: unknown): string {
  const enc = (v: unknown) => b64url(typeof v === 'string' ? v : JSON.stringify(v));
  return `${enc(header)}.${enc(payload)}`;
}

/** Signs `header.payload` with the key's real algorithm, whatever the header claims. */
export function signWith(key: TestKey, header: Record<string, unknown>, payload: unknown): string {
  const input = encodeSegments(header, payload);
  let sig: Buffer;
  if (key.alg === 'RS256') sig = createSign('RSA-SHA256').update(input).sign(key.privateKey);
  else if (key.alg !== 'EdDSA')
    sig = createSign(EC_ALGS[key.alg].hash).update(input).sign({ key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  else sig = signOneShot(null, Buffer.from(input), key.privateKey);
  return `${input}.${b64url(sig)}`;
}

/** The same token with its signature segment replaced. */
export function withSignature(token: string, signatureB64: string): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${signatureB64}`;
}

export function hmacToken(secret: string | Buffer, header: Record<string, unknown>, payload: unknown): string {
  const input = encodeSegments(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool';
export const ENTRA_ISSUER = 'https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0';
export const CLIENT_ID = 'client7abc';
/** The employees' user pool, where browser apps' public clients live. */
export const WORKFORCE_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Workforce';
/** Two browser apps' public client ids (authorization code + PKCE). */
export const SPA_A = 'spa7dashboard';
export const SPA_B = 'spa7reports';
export const GATEWAY_SCOPE = 'genai-gateway/invoke';
/** A person's `sub` in the workforce pool (a UUID, never re-assigned). */
export const PERSON = '5e2f9a10-8c41-4f7b-b2d6-0a9c3e1f7d42';

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A Cognito client-credentials access token payload, valid now (`sub` is written as the client id; nothing relies on it). */
export function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    sub: typeof overrides.client_id === 'string' ? overrides.client_id : CLIENT_ID,
    client_id: CLIENT_ID,
    iss: ISSUER,
    token_use: 'access',
    scope: 'genai-gateway/invoke',
    auth_time: now,
    iat: now,
    exp: now + 3600,
    jti: 'jti-1',
    ...overrides,
  };
}

/**
 * A Cognito user access token of a browser app (authorization code grant with PKCE), valid now: `sub` and
 * `username` name the person, `client_id` the app; no `aud` (test/contracts/cognito-token.test.ts).
 */
export function userAccessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return {
    sub: PERSON,
    'cognito:groups': ['analysts'],
    iss: WORKFORCE_ISSUER,
    version: 2,
    client_id: SPA_A,
    origin_jti: 'ojti-1',
    event_id: 'evt-1',
    token_use: 'access',
    scope: `openid ${GATEWAY_SCOPE}`,
    auth_time: now,
    iat: now,
    exp: now + 900,
    jti: 'jti-u1',
    username: PERSON,
    ...overrides,
  };
}

export function mint(key: TestKey, claims: Record<string, unknown> = accessClaims(), header: Record<string, unknown> = {}): string {
  return signWith(key, { alg: key.alg, kid: key.kid, typ: 'JWT', ...header }, claims);
}
