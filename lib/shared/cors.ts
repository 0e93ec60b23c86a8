/**
 * The one place that decides what a browser on another origin may do at the edge: which origins are configured
 * (exact match, never `*`), and the headers of a preflight answer and of the edge's own error answers.
 * Dependency-free on purpose: the config schema, the Edge stack and the browser test's edge stand-in import it.
 */

/** Most origins one browser app may list (each is one exact comparison in the preflight's mapping template). */
export const MAX_BROWSER_ORIGINS = 10;

/** Most redirect (and, separately, logout) URLs one browser app may list; Cognito allows 100 per app client. */
export const MAX_BROWSER_REDIRECT_URLS = 10;

/**
 * Request headers a browser app may send cross-origin: what the OpenAI SDKs send (the `x-stainless-*` telemetry
 * headers of openai-node included, or its preflight would fail). Never an `x-litellm-*` header: a browser cannot
 * even ask to send the end-user or key headers the edge writes itself.
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  'authorization',
  'content-type',
  'accept',
  'openai-beta',
  'x-stainless-arch',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-retry-count',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-timeout',
];

/** How long a browser may reuse a preflight answer, in seconds (Chromium caps it at 7200, Firefox at 86400). */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * The origins the synthesized edge may paste into a template or a web ACL rule (letters, digits, dots and dashes, an
 * optional port): a stricter twin of originProblem that no quote or template syntax can pass, whatever a config held.
 */
export const SAFE_HTTPS_ORIGIN = /^https:\/\/[a-z0-9.-]+(:[0-9]{1,5})?$/;

/** Why an origin is refused, or undefined when it is an exact https origin as a browser sends it in `Origin`. */
export function originProblem(origin: string): string | undefined {
  if (origin.includes('*')) return 'has a wildcard (allowed: exact origins only, list each one)';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not a URL (allowed: https://host or https://host:port)';
  }
  if (url.protocol !== 'https:') return 'does not use https (allowed: https://host or https://host:port)';
  // A browser's Origin header is exactly URL.origin: lowercase host, no default port, no path or trailing slash.
  if (url.origin !== origin) {
    return `is not an exact origin (allowed: https://host or https://host:port, lowercase, no path, query or trailing slash; e.g. ${url.origin})`;
  }
  return undefined;
}

/** Why a redirect or logout URL is refused, or undefined when it is https, exact and on one of `origins`. */
export function appUrlProblem(value: string, origins: readonly string[]): string | undefined {
  if (value.includes('*')) return 'has a wildcard (allowed: exact URLs only, list each one)';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL (allowed: an https URL on one of the app's origins)";
  }
  if (url.protocol !== 'https:') return "does not use https (allowed: an https URL on one of the app's origins)";
  // OAuth 2.0 (RFC 6749 3.1.2) forbids a fragment in a redirection endpoint.
  if (url.hash !== '' || value.includes('#')) return 'has a fragment (allowed: no #...)';
  if (url.username !== '' || url.password !== '') return 'carries user info (allowed: https://host/path)';
  if (!origins.includes(url.origin)) return `is not on one of the app's origins (allowed: ${origins.join(', ') || 'none listed'})`;
  return undefined;
}

/** The configured origin a request's `Origin` header names exactly, or undefined (absent, `null`, or any other). */
export function allowedOrigin(origin: string | undefined, configured: readonly string[]): string | undefined {
  if (origin === undefined) return undefined;
  return configured.includes(origin) ? origin : undefined;
}

/**
 * The headers of the edge's answer to a preflight (`OPTIONS` with `Origin`), or undefined when the origin is not
 * configured: then the answer carries no CORS header at all and the browser refuses the call. No
 * `Access-Control-Allow-Credentials`: apps send their token in `Authorization`, never cookies.
 */
export function preflightHeaders(
  origin: string | undefined,
  configured: readonly string[],
  methods: readonly string[],
): Record<string, string> | undefined {
  const allowed = allowedOrigin(origin, configured);
  if (allowed === undefined) return undefined;
  return {
    'Access-Control-Allow-Origin': allowed,
    'Access-Control-Allow-Methods': [...methods, 'OPTIONS'].join(','),
    'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(','),
    'Access-Control-Max-Age': String(CORS_MAX_AGE_SECONDS),
    Vary: 'Origin',
  };
}

/** The CORS headers on a response of the edge itself (401, 403, 429, 5xx) and on an upstream answer. */
export function responseCorsHeaders(origin: string | undefined, configured: readonly string[]): Record<string, string> {
  const allowed = allowedOrigin(origin, configured);
  // Vary on every answer, so no cache between the browser and the edge serves one origin's answer to another.
  return allowed === undefined ? { Vary: 'Origin' } : { 'Access-Control-Allow-Origin': allowed, Vary: 'Origin' };
}

/** Every configured origin once, in first-seen order. */
export function uniqueOrigins(apps: readonly { readonly origins: readonly string[] }[]): string[] {
  return [...new Set(apps.flatMap((a) => a.origins))];
}
