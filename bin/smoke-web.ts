/**
 * The web entrance's checks, run when the edge outputs carry web URLs (web.domain configured): a browser without a
 * session is sent to the identity provider, never shown a UI.
 *
 * - chat.<base>: Open WebUI's `GET /oauth/oidc/login` (the provider is registered as `oidc`) answers with authlib's
 *   `authorize_redirect`, a 302 to the provider's authorization endpoint (open-webui backend/open_webui/utils/oauth.py
 *   handle_login; lepture/authlib authlib/integrations/starlette_client/apps.py, status_code=302; read 2026-11-29),
 *   and 404 when OAuth is off or the provider is not registered.
 * - litellm.<base>, langfuse.<base>: the load balancer's authenticate action with on-unauthenticated `authenticate`
 *   redirects to the IdP's authorization endpoint (ELB user guide, listener-authenticate-users). The guide does not
 *   name the status code; 302 is what we expect and check (unverified against a live load balancer here).
 */
import type { CheckResult } from './smoke-checks';
import { describeFetchError, type Fetch } from './smoke-http';

/** Open WebUI's route that starts a sign-in with the registered OIDC provider. */
export const OPEN_WEBUI_SIGN_IN_PATH = '/oauth/oidc/login';

/** The web URLs of the edge outputs and where sign-ins go. */
export interface WebEntrance {
  readonly chat: string;
  readonly litellm: string;
  readonly langfuse: string;
  /** The identity provider's sign-in base URL (Cognito domain, or the external authorization endpoint). */
  readonly signInUrl: string;
}

export interface WebCheckContext {
  readonly fetch: Fetch;
  readonly now: () => number;
  readonly timeoutMs: number;
}

export const WEB_CAUSES = {
  unreachable:
    'no answer from the hostname: its alias record, certificate or load balancer is not in place (is the hosted zone delegated, the certificate issued?)',
  notSignedIn: 'answered without sending the browser to the identity provider: the UI is reachable without a sign-in',
  defaultRule:
    "the load balancer's default 404: no rule for this host, or the request came from outside web.adminCidrs (run from an allowed range)",
  oidcNotConfigured: 'Open WebUI has no OIDC provider registered (OAuth off, or its OPENID_PROVIDER_URL/client settings missing)',
  noTargets: 'no healthy target: the pods are not registered (TargetGroupBinding) or fail the target group health check',
  elsewhere: 'redirected, but not to the identity provider: check the OIDC client settings of this UI',
} as const;

/** One hostname: 302 with a Location on the identity provider's origin. */
export async function checkSignInRedirect(
  ctx: WebCheckContext,
  what: 'chat' | 'admin',
  url: string,
  signInUrl: string,
): Promise<CheckResult> {
  const name = `${url} without a session goes to the identity provider`;
  const started = ctx.now();
  const done = (result: Omit<CheckResult, 'ms' | 'name'>): CheckResult => ({ name, ms: ctx.now() - started, ...result });
  let response: Response;
  try {
    response = await ctx.fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(ctx.timeoutMs) });
    await response.body?.cancel();
  } catch (e) {
    return done({ outcome: 'fail', detail: `no response: ${describeFetchError(e)}`, cause: WEB_CAUSES.unreachable });
  }
  const location = response.headers.get('location') ?? '';
  if (response.status === 302 && originOf(location) === originOf(signInUrl)) {
    return done({ outcome: 'pass' });
  }
  const detail = `got ${response.status}${location ? ` to ${location.split('?')[0]}` : ''}`;
  if (response.status >= 300 && response.status < 400) return done({ outcome: 'fail', detail, cause: WEB_CAUSES.elsewhere });
  if (response.status === 404) {
    return done({ outcome: 'fail', detail, cause: what === 'chat' ? WEB_CAUSES.oidcNotConfigured : WEB_CAUSES.defaultRule });
  }
  if (response.status === 502 || response.status === 503) return done({ outcome: 'fail', detail, cause: WEB_CAUSES.noTargets });
  return done({ outcome: 'fail', detail, cause: WEB_CAUSES.notSignedIn });
}

/** Every web hostname's check, in a fixed order, each reported as it finishes. */
export async function checkWebEntrance(ctx: WebCheckContext, web: WebEntrance, report: (result: CheckResult) => void): Promise<void> {
  report(await checkSignInRedirect(ctx, 'chat', `${web.chat}${OPEN_WEBUI_SIGN_IN_PATH}`, web.signInUrl));
  report(await checkSignInRedirect(ctx, 'admin', `${web.litellm}/`, web.signInUrl));
  report(await checkSignInRedirect(ctx, 'admin', `${web.langfuse}/`, web.signInUrl));
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
