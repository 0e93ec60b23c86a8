/**
 * What the edge, the charts, the tenants reconciler and the smoke test agree on about the web UIs.
 * Dependency-free on purpose: every folder imports it.
 */

/** Port the Open WebUI container listens on (its image's default), the Service exposes and the load balancer targets. */
export const OPEN_WEBUI_PORT = 8080;

/**
 * Open WebUI's liveness route: 200 whenever the server runs, no database call (open-webui backend/open_webui/main.py
 * `@app.get('/health')`, at commit 00059776 and in every release read; its docs name it for load balancer health checks).
 * The web load balancer's target group checks it.
 */
export const OPEN_WEBUI_HEALTH_PATH = '/health';

/** Headers Open WebUI adds to its calls with ENABLE_FORWARD_USER_INFO_HEADERS (their default names). */
export const OPEN_WEBUI_USER_HEADERS = {
  name: 'X-OpenWebUI-User-Name',
  id: 'X-OpenWebUI-User-Id',
  email: 'X-OpenWebUI-User-Email',
  role: 'X-OpenWebUI-User-Role',
} as const;

/**
 * Header LiteLLM takes the end user from (general_settings.user_header_name): the employee's email, readable in
 * spend reports. LiteLLM trusts it from any caller, so the API edge overwrites it with the caller's client id.
 */
export const OPEN_WEBUI_END_USER_HEADER = OPEN_WEBUI_USER_HEADERS.email;

/** The built-in consumer whose virtual key Open WebUI calls LiteLLM with; no person or client app ever holds it. */
export const OPEN_WEBUI_CONSUMER = 'open-webui';

/** Where built-in consumers' key secrets live; outside the authorizer's `virtual-keys/` prefix on purpose. */
export function builtinKeySecretPrefix(environment: string): string {
  return `genai-gateway/${environment}/builtin-keys/`;
}

/**
 * Secrets Manager name of a built-in consumer's key. It ends with part of the creating stack's id, so the
 * morning's re-created environment never meets yesterday's secret of the same name (still in its recovery window).
 */
export function builtinKeySecretName(environment: string, consumer: string, stackSuffix: string): string {
  return `${builtinKeySecretPrefix(environment)}${consumer}-${stackSuffix}`;
}

/** The public hostnames of one environment, all under `web.domain.base`. */
export interface WebHostnames {
  /** Open WebUI, for every employee. */
  readonly chat: string;
  /** LiteLLM's admin UI, for the admin group. */
  readonly litellm: string;
  /** Langfuse, for the admin group. */
  readonly langfuse: string;
  /** The gateway API's custom domain, for client apps. */
  readonly api: string;
}

export function webHostnames(base: string): WebHostnames {
  return { chat: `chat.${base}`, litellm: `litellm.${base}`, langfuse: `langfuse.${base}`, api: `api.${base}` };
}

/** The web UIs that sign employees in through the workforce identity provider, each with its own OIDC client. */
export const SSO_CLIENTS = ['openWebUi', 'langfuse', 'adminGate'] as const;
export type SsoClient = (typeof SSO_CLIENTS)[number];

/**
 * Secrets Manager name of a Cognito-made client secret (plain text), copied there at deploy time. Known by name
 * so the in-cluster sync's policy (data stack) can allow it without a reference to the edge stack.
 */
export function ssoClientSecretName(environment: string, client: SsoClient): string {
  return `genai-gateway/${environment}/sso/${client}`;
}
