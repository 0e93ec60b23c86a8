/**
 * Tokens for the smoke run: a real one from the Cognito token endpoint (client-credentials grant), and tokens the
 * issuer never signed, to check the edge refuses them.
 *
 * Token endpoint (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html, read 2026-11-29):
 * POST, `application/x-www-form-urlencoded`, client authentication as HTTP Basic `client_id:client_secret`, body
 * `grant_type=client_credentials&scope=...`; success is JSON with `access_token`; failure is a 400 with JSON
 * `{"error": "invalid_client" | "invalid_scope" | "unauthorized_client" | ...}`. With web.domain the smoke run asks the
 * API's relay (StableTokenUrl), which passes this request and Cognito's answer through unchanged
 * (test/contracts/cognito-token.test.ts).
 */
import { randomUUID } from 'node:crypto';
// jose 5: the last line with a CommonJS build (6 is ESM-only, which the CommonJS jest setup cannot load).
import { SignJWT, generateKeyPair } from 'jose';
import { send, type Fetch } from './smoke-http';

export interface TokenRequest {
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Never printed or logged: it only goes into the Authorization header of this one request. */
  readonly clientSecret: string;
  readonly scope: string;
  readonly timeoutMs: number;
}

/** An access token, or the response that refused one (status and parsed body) or the network error. */
export type TokenResult =
  | { readonly ok: true; readonly accessToken: string }
  | { readonly ok: false; readonly status?: number; readonly body?: unknown; readonly error?: string };

/** Asks the token endpoint for a client-credentials access token. */
export async function clientCredentialsToken(fetchFn: Fetch, request: TokenRequest): Promise<TokenResult> {
  const basic = Buffer.from(`${request.clientId}:${request.clientSecret}`).toString('base64');
  const answer = await send(
    fetchFn,
    request.tokenUrl,
    {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: request.scope }).toString(),
    },
    request.timeoutMs,
  );
  const accessToken = (answer.body as { access_token?: unknown } | undefined)?.access_token;
  if (answer.status === 200 && typeof accessToken === 'string' && accessToken.length > 0) return { ok: true, accessToken };
  return { ok: false, ...answer };
}

/** The claims of a Cognito client-credentials access token for one client, as the authorizer checks them. */
export interface ForeignClaims {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
}

/**
 * A token shaped like the issuer's (same iss, client_id, scope, token_use) but signed with a key pair made here,
 * which the issuer never published. `expired` sets exp in the past as well: Cognito cannot be asked for an expired
 * token, so the expired probe is foreign-signed too, and proves only that such a token is refused.
 */
export async function foreignToken(claims: ForeignClaims, nowSeconds: number, options: { expired: boolean }): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  const iat = options.expired ? nowSeconds - 7200 : nowSeconds;
  return new SignJWT({ client_id: claims.clientId, token_use: 'access', scope: claims.scope, auth_time: iat })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: `smoke-foreign-${randomUUID()}` })
    .setSubject(claims.clientId)
    .setIssuer(claims.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(options.expired ? nowSeconds - 3600 : nowSeconds + 3600)
    .setJti(randomUUID())
    .sign(privateKey);
}
