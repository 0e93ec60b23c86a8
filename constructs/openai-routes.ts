/**
 * The OpenAI-compatible routes the gateway exposes, and nothing else: LiteLLM's admin routes
 * (/key, /team, /user, /spend, /ui, /model/new, ...) are never reachable through the edge.
 */
export interface GatewayRoute {
  /** Path under the stage, without a leading slash; `{name}` marks a path parameter. */
  readonly path: string;
  readonly methods: readonly ('GET' | 'POST' | 'DELETE')[];
}

export const OPENAI_ROUTES: readonly GatewayRoute[] = [
  { path: 'v1/chat/completions', methods: ['POST'] },
  { path: 'v1/completions', methods: ['POST'] },
  { path: 'v1/embeddings', methods: ['POST'] },
  { path: 'v1/models', methods: ['GET'] },
  { path: 'v1/models/{model}', methods: ['GET'] },
  { path: 'v1/responses', methods: ['POST'] },
  { path: 'v1/responses/{response_id}', methods: ['GET', 'DELETE'] },
  // Anthropic-style clients (Claude SDKs, Claude Code) talk to /v1/messages.
  { path: 'v1/messages', methods: ['POST'] },
];

/** Path parameter names of a route, e.g. `model` for `v1/models/{model}`. */
export function pathParameters(route: GatewayRoute): string[] {
  return [...route.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
}
