// zod/mini rather than the classic API: the classic build pulls ~400 KB into the bundle, mini ~20 KB.
import * as z from 'zod/mini';

/** Every environment variable the authorizer reads. The Edge stack sets these and nothing else. */
export const ENV_VAR_NAMES = [
  'AUTH_MODE',
  'JWT_ISSUERS',
  'JWT_AUDIENCE',
  'JWT_CLIENT_IDS',
  'JWKS_URI',
  'JWT_TOKEN_USE',
  'CLIENT_ID_CLAIM',
  'REQUIRED_SCOPE',
  'BROWSER_CLIENT_IDS',
  'END_USER_CLAIM',
  'VIRTUAL_KEY_SECRET_PREFIX',
  'KEY_CACHE_TTL_SECONDS',
  'NEGATIVE_CACHE_TTL_SECONDS',
  'STALE_ON_ERROR_SECONDS',
] as const;

export type EnvVarName = (typeof ENV_VAR_NAMES)[number];

export type AuthMode = 'inject' | 'passthrough';

/**
 * Client ids become part of a Secrets Manager secret name, so only a conservative charset is accepted
 * (Cognito app client ids are alphanumeric, Entra application ids are GUIDs).
 */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface IssuerSettings {
  /** Exact expected value of the `iss` claim. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** Cognito user pool issuer: access tokens only, no `aud` claim. */
  readonly cognito: boolean;
}

/** Fixed limits. Not configurable through the environment; tests shrink them to keep timing tests fast. */
export interface AuthorizerLimits {
  /** Longest accepted token, in characters, checked before any parsing or crypto. */
  readonly maxTokenLength: number;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. */
  readonly clockLeewaySeconds: number;
  /** Whole JWKS request (connect + response), in milliseconds. */
  readonly jwksFetchTimeoutMs: number;
  /** Largest JWKS document accepted, in bytes. */
  readonly jwksMaxBytes: number;
  /** At most one JWKS fetch per URI per window, whatever the tokens say. */
  readonly jwksRefreshWindowSeconds: number;
  /** A cached JWKS older than this is refreshed (so removed keys stop verifying), keeping the old one if that fails. */
  readonly jwksMaxAgeSeconds: number;
  /** After a transient Secrets Manager fault, wait this long before asking again for the same client. */
  readonly keyErrorBackoffMs: number;
  /**
   * One virtual key lookup, every Secrets Manager attempt included. Past it the call is aborted (its
   * connection closed) and counts as a transient fault, so stale-on-error applies to a hang as to an error.
   */
  readonly keyLookupTimeoutMs: number;
  /** One Secrets Manager HTTP attempt: connect, response headers, and each idle gap while reading the body. */
  readonly keyLookupAttemptTimeoutMs: number;
  /** Upper bound for one decision; past it the authorizer fails closed. */
  readonly decisionBudgetMs: number;
  /** Most client entries kept in the virtual key cache. */
  readonly keyCacheMaxEntries: number;
}

export const DEFAULT_LIMITS: AuthorizerLimits = {
  maxTokenLength: 8192,
  clockLeewaySeconds: 30,
  jwksFetchTimeoutMs: 1500,
  jwksMaxBytes: 256 * 1024,
  jwksRefreshWindowSeconds: 30,
  jwksMaxAgeSeconds: 3600,
  keyErrorBackoffMs: 1000,
  // JWKS fetch (1.5 s) then key lookup (2 s) still fit the 4 s decision budget; a hung first attempt leaves
  // about 1 s for the retry.
  keyLookupTimeoutMs: 2000,
  keyLookupAttemptTimeoutMs: 1000,
  decisionBudgetMs: 4000,
  keyCacheMaxEntries: 5000,
};

export interface AuthorizerConfig {
  readonly mode: AuthMode;
  readonly issuers: readonly IssuerSettings[];
  /** When set, the token's `aud` must contain one of these. */
  readonly audience?: readonly string[];
  /** When set, only these client ids are allowed. */
  readonly allowedClientIds?: readonly string[];
  /** `access`: the token must carry `token_use: access` (always the case for Cognito issuers). */
  readonly tokenUse: 'access' | 'none';
  /** Claims holding the client id, tried in order (Cognito `client_id`, Entra v2 `azp`, Entra v1 `appid`). */
  readonly clientIdClaims: readonly string[];
  /** When set, `scope`/`scp` (space separated) or `roles` must contain it. */
  readonly requiredScope?: string;
  /**
   * Client ids of browser apps (public clients, authorization code + PKCE): their tokens must be a person's user
   * token, whose END_USER_CLAIM becomes the request's end user. Every other client id accepts only machine tokens.
   */
  readonly browserClientIds: readonly string[];
  /** Claim naming the signed-in person in a browser app's token (`sub`: stable, never re-assigned). */
  readonly endUserClaim: string;
  /** Inject mode: secret name is `<prefix><clientId>`. */
  readonly virtualKeySecretPrefix?: string;
  readonly keyCacheTtlSeconds: number;
  readonly negativeCacheTtlSeconds: number;
  readonly staleOnErrorSeconds: number;
  readonly limits: AuthorizerLimits;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid authorizer configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const COGNITO_HOST = /^cognito-idp\.[a-z0-9-]+\.amazonaws\.com$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_:.-]{0,63}$/;
const SECRET_PREFIX = /^[A-Za-z0-9/_+=.@-]{1,256}$/;

const seconds = (name: string, min: number, max: number, fallback: number) =>
  z._default(
    z.coerce
      .number({ error: `${name}: must be a whole number of seconds` })
      .check(
        z.int({ error: `${name}: must be a whole number of seconds` }),
        z.minimum(min, { error: `${name}: must be at least ${min}` }),
        z.maximum(max, { error: `${name}: must be at most ${max}` }),
      ),
    fallback,
  );

const envSchema = z.object({
  AUTH_MODE: z.enum(['inject', 'passthrough'], {
    error: 'AUTH_MODE: is required and must be one of inject, passthrough',
  }),
  JWT_ISSUERS: z.string({ error: 'JWT_ISSUERS: is required (comma-separated issuer URLs)' }),
  JWT_AUDIENCE: z.optional(z.string()),
  JWT_CLIENT_IDS: z.optional(z.string()),
  JWKS_URI: z.optional(z.string()),
  JWT_TOKEN_USE: z.optional(z.enum(['access', 'none'], { error: 'JWT_TOKEN_USE: must be one of access, none' })),
  CLIENT_ID_CLAIM: z._default(z.string(), 'client_id'),
  BROWSER_CLIENT_IDS: z.optional(z.string()),
  END_USER_CLAIM: z._default(z.string(), 'sub'),
  REQUIRED_SCOPE: z.optional(z.string().check(z.regex(/^\S{1,256}$/, { error: 'REQUIRED_SCOPE: must be a single scope without spaces' }))),
  VIRTUAL_KEY_SECRET_PREFIX: z.optional(
    z.string().check(
      z.regex(SECRET_PREFIX, {
        error: 'VIRTUAL_KEY_SECRET_PREFIX: may contain only letters, digits and /_+=.@- (e.g. genai-gateway/dev/virtual-keys/)',
      }),
    ),
  ),
  KEY_CACHE_TTL_SECONDS: seconds('KEY_CACHE_TTL_SECONDS', 1, 3600, 300),
  NEGATIVE_CACHE_TTL_SECONDS: seconds('NEGATIVE_CACHE_TTL_SECONDS', 0, 3600, 30),
  STALE_ON_ERROR_SECONDS: seconds('STALE_ON_ERROR_SECONDS', 0, 86400, 600),
});

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  return items.length > 0 ? items : undefined;
}

/** `https:` everywhere; `http:` only on loopback, which only local tests can reach. */
function checkUrl(name: string, value: string, problems: string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name}: "${value}" is not a URL, use https://...`);
    return undefined;
  }
  const ok = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!ok) {
    problems.push(`${name}: "${value}" must use https:// (http:// is accepted for loopback test servers only)`);
    return undefined;
  }
  return url;
}

function cognitoJwksUri(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
}

/**
 * Parses and validates the authorizer environment once, at cold start.
 * Empty strings count as unset. Throws a ConfigError listing every problem.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, limits: AuthorizerLimits = DEFAULT_LIMITS): AuthorizerConfig {
  const raw: Record<string, string> = {};
  for (const name of ENV_VAR_NAMES) {
    const v = env[name]?.trim();
    if (v) raw[name] = v;
  }
  const problems: string[] = [];
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = String(issue.path[0] ?? '');
      problems.push(issue.message.startsWith(`${path}:`) ? issue.message : `${path}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;

  const issuerUrls = list(e.JWT_ISSUERS) ?? [];
  if (issuerUrls.length === 0) problems.push('JWT_ISSUERS: is required (comma-separated issuer URLs)');
  if (new Set(issuerUrls).size !== issuerUrls.length) problems.push('JWT_ISSUERS: lists an issuer twice');
  const cognito = issuerUrls.map((iss) => {
    const url = checkUrl('JWT_ISSUERS', iss, problems);
    return url !== undefined && COGNITO_HOST.test(url.hostname);
  });

  const jwksUris = list(e.JWKS_URI);
  jwksUris?.forEach((u) => checkUrl('JWKS_URI', u, problems));
  if (jwksUris && jwksUris.length !== 1 && jwksUris.length !== issuerUrls.length) {
    problems.push(`JWKS_URI: give one URI for all issuers or one per issuer (${issuerUrls.length}), got ${jwksUris.length}`);
  }
  if (!jwksUris && cognito.some((c) => !c)) {
    problems.push('JWKS_URI: is required when an issuer is not a Cognito user pool (e.g. Entra ID .../discovery/v2.0/keys)');
  }

  const audience = list(e.JWT_AUDIENCE);
  if (audience && cognito.some((c) => c)) {
    problems.push('JWT_AUDIENCE: Cognito access tokens carry no aud claim; use JWT_CLIENT_IDS or REQUIRED_SCOPE instead');
  }

  const allowedClientIds = list(e.JWT_CLIENT_IDS);
  for (const id of allowedClientIds ?? []) {
    if (!CLIENT_ID_PATTERN.test(id)) problems.push(`JWT_CLIENT_IDS: "${id}" is not a valid client id (letters, digits, ._-)`);
  }

  const tokenUse = e.JWT_TOKEN_USE ?? (cognito.some((c) => c) ? 'access' : 'none');
  if (tokenUse === 'none' && cognito.some((c) => c)) {
    problems.push('JWT_TOKEN_USE: must be access when an issuer is a Cognito user pool (ID tokens are never accepted)');
  }

  const clientIdClaims = list(e.CLIENT_ID_CLAIM) ?? [];
  if (clientIdClaims.length === 0 || clientIdClaims.some((c) => !CLAIM_NAME.test(c))) {
    problems.push('CLIENT_ID_CLAIM: must be one or more claim names, comma-separated (client_id, azp or appid)');
  }

  const browserClientIds = list(e.BROWSER_CLIENT_IDS) ?? [];
  for (const id of browserClientIds) {
    if (!CLIENT_ID_PATTERN.test(id)) problems.push(`BROWSER_CLIENT_IDS: "${id}" is not a valid client id (letters, digits, ._-)`);
    else if (allowedClientIds && !allowedClientIds.includes(id)) {
      problems.push(`BROWSER_CLIENT_IDS: "${id}" is not in JWT_CLIENT_IDS (a browser app must also be an allowed client)`);
    }
  }
  if (new Set(browserClientIds).size !== browserClientIds.length) problems.push('BROWSER_CLIENT_IDS: lists a client id twice');
  if (!CLAIM_NAME.test(e.END_USER_CLAIM)) {
    problems.push('END_USER_CLAIM: must be one claim name (sub, or oid for Entra ID)');
  } else if (clientIdClaims.includes(e.END_USER_CLAIM) || ['aud', 'iss', 'scope', 'scp'].includes(e.END_USER_CLAIM)) {
    problems.push(`END_USER_CLAIM: "${e.END_USER_CLAIM}" does not name a person (use sub, or oid for Entra ID)`);
  }
  if (browserClientIds.length > 0 && !e.REQUIRED_SCOPE && !audience) {
    // A person's token for another app of the same issuer (Open WebUI's, say) must never be spent at the gateway.
    problems.push('BROWSER_CLIENT_IDS: needs REQUIRED_SCOPE or JWT_AUDIENCE (only tokens meant for the gateway may be spent)');
  }

  if (!audience && !allowedClientIds && !e.REQUIRED_SCOPE) {
    problems.push('JWT_AUDIENCE, JWT_CLIENT_IDS, REQUIRED_SCOPE: set at least one, otherwise any token of the issuer is accepted');
  }

  if (e.AUTH_MODE === 'inject' && !e.VIRTUAL_KEY_SECRET_PREFIX) {
    problems.push('VIRTUAL_KEY_SECRET_PREFIX: is required when AUTH_MODE is inject (e.g. genai-gateway/dev/virtual-keys/)');
  }

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    mode: e.AUTH_MODE,
    issuers: issuerUrls.map((issuer, i) => ({
      issuer,
      jwksUri: jwksUris ? (jwksUris[jwksUris.length === 1 ? 0 : i] as string) : cognitoJwksUri(issuer),
      cognito: cognito[i] === true,
    })),
    audience,
    allowedClientIds,
    tokenUse,
    clientIdClaims,
    requiredScope: e.REQUIRED_SCOPE,
    browserClientIds,
    endUserClaim: e.END_USER_CLAIM,
    virtualKeySecretPrefix: e.AUTH_MODE === 'inject' ? e.VIRTUAL_KEY_SECRET_PREFIX : undefined,
    keyCacheTtlSeconds: e.KEY_CACHE_TTL_SECONDS,
    negativeCacheTtlSeconds: e.NEGATIVE_CACHE_TTL_SECONDS,
    staleOnErrorSeconds: e.STALE_ON_ERROR_SECONDS,
    limits,
  };
}
