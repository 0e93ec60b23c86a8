/**
 * The CORS headers LiteLLM puts on an answer it sends (not a preflight: the edge answers those), as
 * test/contracts/litellm.test.ts records them: Starlette's CORSMiddleware, which LiteLLM installs with `*`
 * origins, methods and headers and credentials allowed unless general_settings.cors_allow_origins lists origins
 * (then credentials follow cors_allow_credentials, default false). Stand-ins of LiteLLM use this; so does the
 * browser test's, so a browser sees what it would see behind the real edge.
 */
export interface LiteLlmCorsSettings {
  readonly cors_allow_origins?: readonly string[];
  readonly cors_allow_credentials?: boolean;
}

export function liteLlmAnswerCorsHeaders(
  generalSettings: LiteLlmCorsSettings,
  requestHeaders: Readonly<Record<string, string>>,
): Record<string, string> {
  const header = (name: string) => Object.entries(requestHeaders).find(([k]) => k.toLowerCase() === name)?.[1];
  const origin = header('origin');
  // No Origin: the middleware passes the request and its answer through untouched.
  if (origin === undefined) return {};
  const configured = generalSettings.cors_allow_origins;
  const allowAll = configured === undefined || configured.includes('*');
  // The legacy path (nothing configured) keeps credentials on; a configured list defaults them off.
  const credentials = configured === undefined ? true : (generalSettings.cors_allow_credentials ?? false) && !configured.includes('*');
  const headers: Record<string, string> = {};
  if (allowAll) headers['access-control-allow-origin'] = '*';
  if (credentials) headers['access-control-allow-credentials'] = 'true';
  if (allowAll && header('cookie') !== undefined) {
    headers['access-control-allow-origin'] = origin;
    headers.vary = 'Origin';
  } else if (!allowAll && configured.includes(origin)) {
    headers['access-control-allow-origin'] = origin;
    headers.vary = 'Origin';
  }
  return headers;
}
