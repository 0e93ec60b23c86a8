import { AUTHORIZER_KEY_CONTEXT } from '../lib/shared/litellm';

/**
 * The OpenAI-compatible routes and the MCP gateway route the edge exposes, and nothing else: LiteLLM's admin
 * routes (/key, /team, /user, /spend, /ui, /model/new, /v1/mcp/server, ...) are never reachable through the edge.
 */
export interface GatewayRoute {
  /** Path under the stage, without a leading slash; `{name}` marks a path parameter. */
  readonly path: string;
  readonly methods: readonly ('GET' | 'POST' | 'DELETE')[];
  /**
   * The form of the caller's key the edge writes into x-litellm-api-key (lib/shared/litellm.ts
   * AUTHORIZER_KEY_CONTEXT): `bare` for the OpenAI routes, `bearer` for the MCP gateway.
   * @default 'bare'
   */
  readonly keyForm?: keyof typeof AUTHORIZER_KEY_CONTEXT;
  /**
   * Browser apps may call it cross-origin: the edge answers its CORS preflight for the configured origins.
   * @default false
   */
  readonly browser?: boolean;
}

export const OPENAI_ROUTES: readonly GatewayRoute[] = [
  { path: 'v1/chat/completions', browser: true, methods: ['POST'] },
  { path: 'v1/completions', methods: ['POST'] },
  { path: 'v1/embeddings', browser: true, methods: ['POST'] },
  { path: 'v1/models', browser: true, methods: ['GET'] },
  { path: 'v1/models/{model}', browser: true, methods: ['GET'] },
  { path: 'v1/responses', browser: true, methods: ['POST'] },
  { path: 'v1/responses/{response_id}', browser: true, methods: ['GET', 'DELETE'] },
  // Anthropic-style clients (Claude SDKs, Claude Code) talk to /v1/messages.
  { path: 'v1/messages', methods: ['POST'] },
];

/**
 * LiteLLM's MCP gateway (streamable HTTP): POST carries JSON-RPC and may answer as an event stream, GET opens
 * the server's stream, DELETE ends a session. `/mcp` serves every server the key is granted; `/mcp/{server}`
 * narrows to one. The per-server `/{server}/mcp` form and the legacy `/sse` transport are left out: they
 * would need a catch-all at the root (test/contracts/litellm-mcp.test.ts).
 */
export const MCP_ROUTES: readonly GatewayRoute[] = [
  { path: 'mcp', methods: ['POST', 'GET', 'DELETE'], keyForm: 'bearer' },
  { path: 'mcp/{server}', methods: ['POST', 'GET', 'DELETE'], keyForm: 'bearer' },
];

/** Every route of the edge. */
export const GATEWAY_ROUTES: readonly GatewayRoute[] = [...OPENAI_ROUTES, ...MCP_ROUTES];

/** The routes browser apps may call cross-origin (those marked `browser`), among `routes`. */
export function browserRoutes(routes: readonly GatewayRoute[]): GatewayRoute[] {
  return routes.filter((r) => r.browser === true);
}

/** The authorizer context field whose value the edge writes into x-litellm-api-key on this route. */
export function keyContextField(route: GatewayRoute): string {
  return AUTHORIZER_KEY_CONTEXT[route.keyForm ?? 'bare'];
}

/** The route a request path (under the stage, with a leading slash) falls on, as API Gateway matches it. */
export function routeOf(method: string, path: string): GatewayRoute | undefined {
  const segments = path.replace(/^\/+|\/+$/g, '').split('/');
  return GATEWAY_ROUTES.find((route) => {
    const parts = route.path.split('/');
    return (
      (route.methods as readonly string[]).includes(method) &&
      parts.length === segments.length &&
      parts.every((part, i) => /^\{[a-z_]+\}$/.test(part) || part === segments[i])
    );
  });
}

/** Path parameter names of a route, e.g. `model` for `v1/models/{model}`. */
export function pathParameters(route: GatewayRoute): string[] {
  return [...route.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
}
