/**
 * Why a request was refused. 401 reasons: no usable, valid token. 403 reasons: a valid token whose
 * client may not use the gateway. Bounded set: these become metric dimensions.
 */
export const UNAUTHORIZED_REASONS = [
  'missing_token',
  'multiple_authorization',
  'invalid_scheme',
  'empty_token',
  'token_too_large',
  'malformed_token',
  'unsupported_alg',
  'invalid_signature',
  'unknown_kid',
  'expired',
  'not_yet_valid',
  'missing_exp',
  'iat_in_future',
  'wrong_issuer',
  'wrong_audience',
  'wrong_token_use',
] as const;

export const FORBIDDEN_REASONS = [
  'invalid_client_id',
  'client_not_allowed',
  'missing_scope',
  'unknown_client',
  // A browser app's client id with a machine (client-credentials) token, and the reverse.
  'machine_token_for_browser_app',
  'user_token_for_machine_client',
  'invalid_end_user',
] as const;

/** Faults: the authorizer cannot decide. Surfaced as a 5xx (not cached by API Gateway), never an Allow. */
export const FAULT_REASONS = [
  'config_invalid',
  'jwks_unavailable',
  'key_store_unavailable',
  'key_access_denied',
  'invalid_key_secret',
  'invalid_method_arn',
  'decision_timeout',
  'internal_error',
] as const;

export type UnauthorizedReason = (typeof UNAUTHORIZED_REASONS)[number];
export type ForbiddenReason = (typeof FORBIDDEN_REASONS)[number];
export type DenyReason = UnauthorizedReason | ForbiddenReason;
export type FaultReason = (typeof FAULT_REASONS)[number];

const FORBIDDEN = new Set<string>(FORBIDDEN_REASONS);

export function statusOf(reason: DenyReason): 401 | 403 {
  return FORBIDDEN.has(reason) ? 403 : 401;
}

/** The request is refused for a known reason. */
export class Denial extends Error {
  readonly status: 401 | 403;
  constructor(
    readonly reason: DenyReason,
    readonly clientId?: string,
  ) {
    super(reason);
    this.name = 'Denial';
    this.status = statusOf(reason);
  }
}

/** The authorizer could not decide; `cause` is kept for its name only (messages may carry claim values). */
export class AuthorizerFault extends Error {
  constructor(
    readonly reason: FaultReason,
    readonly causeName?: string,
  ) {
    super(reason);
    this.name = 'AuthorizerFault';
  }
}

export function errorName(err: unknown): string {
  if (err instanceof Error) return err.name === 'Error' ? err.constructor.name : err.name;
  return typeof err;
}
