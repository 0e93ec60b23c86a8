/**
 * What the edge, the charts and the tests must agree on about the LiteLLM gateway.
 * Dependency-free on purpose: lib/, constructs/, k8s/, lambda/ and bin/ all import it.
 */

/** Port the LiteLLM container listens on, the Service exposes and the load balancer targets. */
export const LITELLM_PORT = 4000;

/** Liveness (process up, no dependency checks): what the load balancer and kubelet probe. */
export const LITELLM_LIVENESS_PATH = '/health/liveliness';

/** Readiness (database and cache reachable). */
export const LITELLM_READINESS_PATH = '/health/readiness';

/**
 * The header the edge writes the caller's virtual key into. LiteLLM reads it natively (no
 * `litellm_key_header_name` setting), accepts the bare `sk-...` key and prefers it to `Authorization`
 * (test/contracts/litellm.test.ts).
 */
export const LITELLM_KEY_HEADER = 'x-litellm-api-key';

/**
 * Authorizer context fields holding the caller's virtual key, one per form LiteLLM routes accept in
 * x-litellm-api-key: the bare key for the OpenAI routes, `Bearer <key>` for the MCP gateway, which reads that
 * header through a Bearer-only parser (test/contracts/litellm-mcp.test.ts). API Gateway maps a context field
 * as it is; it cannot prefix one.
 */
export const AUTHORIZER_KEY_CONTEXT = { bare: 'virtualKey', bearer: 'virtualKeyBearer' } as const;

/**
 * Request headers through which a client would write its own attribution: LiteLLM merges `x-litellm-tags` and
 * `x-litellm-spend-logs-metadata` into the request's tags and spend log (reject_clientside_metadata_tags checks only
 * the body's `metadata.tags`), and its Langfuse export copies every `langfuse_<key>` header over the trace metadata key
 * of that name: tags, trace_user_id, session_id, existing_trace_id (test/contracts/litellm-isolation.test.ts). The
 * edge's web ACL refuses any request that carries one; `*` marks a prefix.
 */
export const CLIENT_ATTRIBUTION_HEADERS = ['x-litellm-tags', 'x-litellm-spend-logs-metadata', 'langfuse_*'] as const;

/** Name of the environment variable holding an MCP server's credential in the LiteLLM pod. */
export function mcpCredentialEnvName(server: { readonly name: string }): string {
  return `MCP_CREDENTIAL_${server.name.toUpperCase()}`;
}

/** Secret name of each server that has a credential, keyed by server name (what the chart and IAM need). */
export function mcpCredentialSecretNames(
  servers: readonly { readonly name: string; readonly credentialSecretName?: string | undefined }[],
): Record<string, string> {
  return Object.fromEntries(servers.flatMap((s) => (s.credentialSecretName !== undefined ? [[s.name, s.credentialSecretName]] : [])));
}

/**
 * The standard headers LiteLLM takes a request's end user from before any configured header and the body's `user`
 * (x-litellm-customer-id first). The edge writes the authorizer's end user into both, and into
 * general_settings.user_header_name's header where one is configured, on every request: nothing a client sends in
 * any of them, or in `user`, can win (test/contracts/litellm.test.ts, end-user attribution).
 */
export const LITELLM_END_USER_HEADERS = ['x-litellm-customer-id', 'x-litellm-end-user-id'] as const;

/**
 * Authorizer context field holding the request's end user: the signed-in person's stable id (`sub`) for a browser
 * app's user token; the client id itself for a machine client, whose claims never name a person.
 */
export const AUTHORIZER_END_USER_CONTEXT = 'endUser';
