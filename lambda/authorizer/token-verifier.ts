import {
  FetchError,
  JwkValidationError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  FailedAssertionError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import type { Jwk, JwksCache } from 'aws-jwt-verify/jwk';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { CLIENT_ID_PATTERN, type AuthorizerConfig } from './config';
import { JwksUnavailableError, type Clock } from './jwks-cache';
import { AuthorizerFault, Denial, errorName } from './outcome';

export interface VerifiedClient {
  readonly clientId: string;
  readonly claims: JwtPayload;
}

export interface TokenVerifier {
  /** Resolves with the verified client, or rejects with a Denial (401/403) or an AuthorizerFault. */
  verify(token: string): Promise<VerifiedClient>;
}

export type VerifierSettings = Pick<
  AuthorizerConfig,
  'issuers' | 'audience' | 'allowedClientIds' | 'tokenUse' | 'clientIdClaims' | 'requiredScope' | 'limits'
>;

/** Key type (and curve) each accepted algorithm must be verified with. HS* and none are not in the list. */
const KEY_FOR_ALG: Readonly<Record<string, { kty: string; crv?: string }>> = {
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  EdDSA: { kty: 'OKP' },
};

/**
 * The checks aws-jwt-verify leaves to the caller: `exp` present, `iat` not in the future, access tokens
 * only, and the JWK's type matching the header's algorithm. Runs after the signature is verified.
 */
export function checkClaims(
  settings: Pick<VerifierSettings, 'tokenUse' | 'limits'>,
  cognitoIssuers: ReadonlySet<string>,
  nowMs: number,
  props: { header: JwtHeader; payload: JwtPayload; jwk: Jwk },
): void {
  const { header, payload, jwk } = props;
  const expected = KEY_FOR_ALG[header.alg ?? ''];
  if (!expected || jwk.kty !== expected.kty || (expected.crv !== undefined && jwk.crv !== expected.crv)) {
    throw new Denial('unsupported_alg');
  }
  if (typeof payload.exp !== 'number') throw new Denial('missing_exp');
  if (typeof payload.iat === 'number' && payload.iat - settings.limits.clockLeewaySeconds > nowMs / 1000) {
    throw new Denial('iat_in_future');
  }
  const needsAccess = settings.tokenUse === 'access' || cognitoIssuers.has(payload.iss ?? '');
  if (needsAccess && payload.token_use !== 'access') throw new Denial('wrong_token_use');
}

/** Client id, allow-list and scope: the token is valid, so failures here are 403s. */
export function identifyClient(
  settings: Pick<VerifierSettings, 'clientIdClaims' | 'allowedClientIds' | 'requiredScope'>,
  claims: JwtPayload,
): string {
  let clientId: unknown;
  for (const claim of settings.clientIdClaims) {
    clientId = claims[claim];
    if (clientId !== undefined) break;
  }
  if (typeof clientId !== 'string' || !CLIENT_ID_PATTERN.test(clientId)) throw new Denial('invalid_client_id');
  if (settings.allowedClientIds && !settings.allowedClientIds.includes(clientId)) {
    throw new Denial('client_not_allowed', clientId);
  }
  if (settings.requiredScope !== undefined && !grantsScope(claims, settings.requiredScope)) {
    throw new Denial('missing_scope', clientId);
  }
  return clientId;
}

/** OAuth `scope` (Cognito), Entra `scp` (delegated) or Entra `roles` (application permissions). */
function grantsScope(claims: JwtPayload, required: string): boolean {
  for (const name of ['scope', 'scp']) {
    const value = claims[name];
    if (typeof value === 'string' && value.split(' ').includes(required)) return true;
  }
  const roles = claims.roles;
  return Array.isArray(roles) && roles.includes(required);
}

/** Maps what aws-jwt-verify (or our checks) threw to a deny reason or a fault. */
export function classifyVerificationError(err: unknown): Denial | AuthorizerFault {
  if (err instanceof Denial || err instanceof AuthorizerFault) return err;
  if (err instanceof JwksUnavailableError) return new AuthorizerFault('jwks_unavailable', err.causeName);
  if (err instanceof FetchError || err instanceof JwksValidationError) {
    return new AuthorizerFault('jwks_unavailable', err.name);
  }
  if (err instanceof JwtParseError) return new Denial('malformed_token');
  if (err instanceof JwtInvalidSignatureAlgorithmError) return new Denial('unsupported_alg');
  if (err instanceof JwtInvalidSignatureError) return new Denial('invalid_signature');
  if (
    err instanceof JwtWithoutValidKidError ||
    err instanceof KidNotFoundInJwksError ||
    err instanceof WaitPeriodNotYetEndedJwkError ||
    err instanceof JwksNotAvailableInCacheError
  ) {
    return new Denial('unknown_kid');
  }
  if (err instanceof JwkValidationError || err instanceof FailedAssertionError) {
    if (err instanceof JwtExpiredError) return new Denial('expired');
    if (err instanceof JwtNotBeforeError) return new Denial('not_yet_valid');
    if (err instanceof JwtInvalidIssuerError) return new Denial('wrong_issuer');
    if (err instanceof JwtInvalidAudienceError) return new Denial('wrong_audience');
    // JWK unusable for signatures (wrong use/kty): the token cannot be verified.
    return new Denial('invalid_signature');
  }
  // Multi-issuer verifiers reject an unknown or missing `iss` before any crypto with this error.
  if (err instanceof ParameterValidationError && /^issuer /.test(err.message)) return new Denial('wrong_issuer');
  return new AuthorizerFault('internal_error', errorName(err));
}

export function createTokenVerifier(settings: VerifierSettings, deps: { jwksCache: JwksCache; clock: Clock }): TokenVerifier {
  const cognitoIssuers = new Set(settings.issuers.filter((i) => i.cognito).map((i) => i.issuer));
  const customJwtCheck = (props: { header: JwtHeader; payload: JwtPayload; jwk: Jwk }) =>
    checkClaims(settings, cognitoIssuers, deps.clock(), props);
  const issuerProps = settings.issuers.map((i) => ({
    issuer: i.issuer,
    jwksUri: i.jwksUri,
    audience: settings.audience ? [...settings.audience] : null,
    graceSeconds: settings.limits.clockLeewaySeconds,
    customJwtCheck,
  }));
  const verifier = JwtVerifier.create(issuerProps, { jwksCache: deps.jwksCache });
  const maxLength = settings.limits.maxTokenLength;

  return {
    async verify(token) {
      // Also enforced on the header; repeated here so the verifier is safe on its own.
      if (token.length > maxLength) throw new Denial('token_too_large');
      let claims: JwtPayload;
      try {
        // Fast path when the key is cached; the async path (JWKS fetch, rate-limited) only when it is not.
        claims = verifier.verifySync(token);
      } catch (err) {
        if (!(err instanceof JwksNotAvailableInCacheError || err instanceof KidNotFoundInJwksError)) {
          throw classifyVerificationError(err);
        }
        try {
          claims = await verifier.verify(token);
        } catch (retryErr) {
          throw classifyVerificationError(retryErr);
        }
      }
      return { clientId: identifyClient(settings, claims), claims };
    },
  };
}
