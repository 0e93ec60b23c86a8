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
import type { Jwk, JwksCache, JwkWithKid } from 'aws-jwt-verify/jwk';
import { decomposeUnverifiedJwt, type DecomposedJwt } from 'aws-jwt-verify/jwt';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { JwtVerifier, type VerifyProperties } from 'aws-jwt-verify/jwt-verifier';
import { keyFitsAlg, signatureFitsAlg } from './algorithms';
import { CLIENT_ID_PATTERN, type AuthorizerConfig } from './config';
import { JwksUnavailableError, type Clock } from './jwks-cache';
import { endUserOf, type EndUserSettings } from './end-user';
import { AuthorizerFault, Denial, errorName } from './outcome';

export interface VerifiedClient {
  readonly clientId: string;
  /** Who the request is spent as: the signed-in person for a browser app, the client id for a machine client. */
  readonly endUser: string;
  readonly claims: JwtPayload;
}

export interface TokenVerifier {
  /** Resolves with the verified client, or rejects with a Denial (401/403) or an AuthorizerFault. */
  verify(token: string): Promise<VerifiedClient>;
}

export type VerifierSettings = Pick<
  AuthorizerConfig,
  'issuers' | 'audience' | 'allowedClientIds' | 'tokenUse' | 'clientIdClaims' | 'requiredScope' | 'limits'
> &
  EndUserSettings;

/**
 * The checks aws-jwt-verify leaves to the caller: `exp` present, `iat` not in the future, access tokens
 * only, and (once more) the JWK's type matching the header's algorithm. Runs after the signature is verified.
 */
export function checkClaims(
  settings: Pick<VerifierSettings, 'tokenUse' | 'limits'>,
  cognitoIssuers: ReadonlySet<string>,
  nowMs: number,
  props: { header: JwtHeader; payload: JwtPayload; jwk: Jwk },
): void {
  const { header, payload, jwk } = props;
  // keysFittingAlg enforces this before the signature check; repeated on the key that verified it.
  if (!keyFitsAlg(header.alg, jwk)) throw new Denial('unsupported_alg');
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

/**
 * Hands aws-jwt-verify a key only for a header algorithm of the key's own type and curve, so a caller can
 * never pair a key with another algorithm's verifier (node:crypto throws on some of those pairs).
 */
export function keysFittingAlg(cache: JwksCache): JwksCache {
  const fitting = (jwk: JwkWithKid, header: JwtHeader): JwkWithKid => {
    if (!keyFitsAlg(header.alg, jwk)) throw new Denial('unsupported_alg');
    return jwk;
  };
  return {
    getJwks: (jwksUri) => cache.getJwks(jwksUri),
    addJwks: (jwksUri, jwks) => cache.addJwks(jwksUri, jwks),
    getCachedJwk: (jwksUri, decomposedJwt) => fitting(cache.getCachedJwk(jwksUri, decomposedJwt), decomposedJwt.header),
    getJwk: async (jwksUri, decomposedJwt) => fitting(await cache.getJwk(jwksUri, decomposedJwt), decomposedJwt.header),
  };
}

/**
 * An ECDSA signature of the wrong length for its header's algorithm. node:crypto throws on those rather
 * than answering no, and aws-jwt-verify 5.2.1 passes the throw on as a plain Error (dist/cjs/
 * node-web-compat-node.js verifySignatureSync; test/contracts/aws-jwt-verify.test.ts), so what looks like
 * a verifier fault is the caller's bad token. With keysFittingAlg in place no other signature check throws.
 */
function classifyForToken(err: unknown, token: DecomposedJwt): Denial | AuthorizerFault {
  const outcome = classifyVerificationError(err);
  if (
    outcome instanceof AuthorizerFault &&
    outcome.reason === 'internal_error' &&
    !signatureFitsAlg(token.header.alg, token.signatureB64)
  ) {
    return new Denial('invalid_signature');
  }
  return outcome;
}

type IssuerProps = VerifyProperties & { readonly issuer: string; readonly jwksUri: string };

/**
 * aws-jwt-verify's verifier, given a token we decomposed and an issuer we chose from its `iss`, through
 * the protected entry points the library's own Cognito and ALB verifiers build on. Left to pick the issuer
 * itself, a verifier with one issuer ignores `iss` until after the key import, and caches the imported key
 * under the token's `iss`: one new entry per made-up issuer, a memory leak any caller could drive.
 */
class IssuerBoundVerifier extends JwtVerifier<VerifyProperties, IssuerProps, true> {
  constructor(issuers: IssuerProps[], jwksCache: JwksCache) {
    super(issuers, jwksCache);
  }

  verifyForIssuerSync(token: DecomposedJwt, issuer: IssuerProps): JwtPayload {
    return this.verifyDecomposedJwtSync(token, issuer.jwksUri, issuer);
  }

  verifyForIssuer(token: DecomposedJwt, issuer: IssuerProps): Promise<JwtPayload> {
    return this.verifyDecomposedJwt(token, issuer.jwksUri, issuer);
  }
}

export function createTokenVerifier(settings: VerifierSettings, deps: { jwksCache: JwksCache; clock: Clock }): TokenVerifier {
  const cognitoIssuers = new Set(settings.issuers.filter((i) => i.cognito).map((i) => i.issuer));
  const customJwtCheck = (props: { header: JwtHeader; payload: JwtPayload; jwk: Jwk }) =>
    checkClaims(settings, cognitoIssuers, deps.clock(), props);
  const issuers = new Map<string, IssuerProps>(
    settings.issuers.map((i) => [
      i.issuer,
      {
        issuer: i.issuer,
        jwksUri: i.jwksUri,
        audience: settings.audience ? [...settings.audience] : null,
        graceSeconds: settings.limits.clockLeewaySeconds,
        customJwtCheck,
      },
    ]),
  );
  const verifier = new IssuerBoundVerifier([...issuers.values()], keysFittingAlg(deps.jwksCache));
  const maxLength = settings.limits.maxTokenLength;

  return {
    async verify(token) {
      // Also enforced on the header; repeated here so the verifier is safe on its own.
      if (token.length > maxLength) throw new Denial('token_too_large');
      let decomposed: DecomposedJwt;
      try {
        decomposed = decomposeUnverifiedJwt(token);
      } catch (err) {
        throw classifyVerificationError(err);
      }
      // Exact match, as aws-jwt-verify compares it; nothing of an unknown issuer reaches the key handling.
      const issuer = typeof decomposed.payload.iss === 'string' ? issuers.get(decomposed.payload.iss) : undefined;
      if (!issuer) throw new Denial('wrong_issuer');
      let claims: JwtPayload;
      try {
        // Fast path when the key is cached; the async path (JWKS fetch, rate-limited) only when it is not.
        claims = verifier.verifyForIssuerSync(decomposed, issuer);
      } catch (err) {
        if (!(err instanceof JwksNotAvailableInCacheError || err instanceof KidNotFoundInJwksError)) {
          throw classifyForToken(err, decomposed);
        }
        try {
          claims = await verifier.verifyForIssuer(decomposed, issuer);
        } catch (retryErr) {
          throw classifyForToken(retryErr, decomposed);
        }
      }
      const clientId = identifyClient(settings, claims);
      return { clientId, endUser: endUserOf(settings, clientId, claims, cognitoIssuers.has(issuer.issuer)), claims };
    },
  };
}
