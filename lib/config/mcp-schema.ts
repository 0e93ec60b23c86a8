/**
 * Remote MCP servers LiteLLM serves as governed tools through its MCP gateway: the `mcpServers` part of an
 * environment config. Teams are granted servers by name (tenants.teams[].mcpServers). What each field becomes
 * in LiteLLM's config.yaml, and the upstream facts behind it, are in k8s/renderers/litellm-config.ts and
 * test/contracts/litellm-mcp.test.ts.
 */
import { z } from 'zod';

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * LiteLLM lists a server's tools as `<server>-<tool>` (MCP_TOOL_PREFIX_SEPARATOR "-") and refuses a server
 * name holding that separator; names also appear in URLs (/mcp/<server>) and grants. Lowercase letters,
 * digits and _ satisfy every rule LiteLLM has had for server names.
 */
export const MCP_SERVER_NAME = /^[a-z][a-z0-9_]{1,31}$/;

/** LiteLLM's MCP transports for a remote server (MCPTransport: http is streamable HTTP). */
export const MCP_TRANSPORTS = ['http', 'sse'] as const;

/** How LiteLLM presents a server's credential (MCPAuth): `Authorization: Bearer <token>`, or an API key header. */
export const MCP_AUTH_TYPES = ['bearer_token', 'api_key'] as const;

export const mcpServerSchema = z.strictObject({
  /** The server's name in LiteLLM (the config key): what teams are granted and what prefixes its tools. */
  name: z
    .string()
    .regex(MCP_SERVER_NAME, 'is not an MCP server name (lowercase letters, digits, _; starts with a letter; 2 to 32 characters)'),
  /** Where LiteLLM reaches the server; always TLS, since it may carry a credential. */
  url: z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, 'is not an https URL (allowed: https://host/path)'),
  /** `http` is MCP streamable HTTP; `sse` the older HTTP+SSE transport. */
  transport: z.enum(MCP_TRANSPORTS).default('http'),
  /** What the server does; LiteLLM shows it with the server. */
  description: z.string().min(1, 'is empty (say what the server offers)').max(500, 'is longer than 500 characters'),
  /** Existing Secrets Manager secret (plain text) holding the server's credential; it outlives ephemeral environments. */
  credentialSecretName: z.string().regex(SECRET_NAME, 'is not a secret name').optional(),
  /** How the credential is sent; only with credentialSecretName. @default bearer_token */
  authType: z.enum(MCP_AUTH_TYPES).optional(),
});

export type McpServerConfig = z.output<typeof mcpServerSchema>;

type Issue = (path: (string | number)[], message: string) => void;

/** Rules across servers and the teams granted them. */
export function checkMcpServers(
  servers: readonly McpServerConfig[],
  teams: readonly { readonly mcpServers: readonly string[] }[],
  issue: Issue,
): void {
  const names = servers.map((s) => s.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issue(['mcpServers', i, 'name'], `"${name}" is used twice (allowed: unique MCP server names)`);
  });
  servers.forEach((server, i) => {
    if (server.authType !== undefined && server.credentialSecretName === undefined) {
      issue(['mcpServers', i, 'authType'], 'is set without credentialSecretName (there is no credential to send)');
    }
  });
  teams.forEach((team, i) => {
    team.mcpServers.forEach((name, j) => {
      if (!names.includes(name)) {
        issue(
          ['tenants', 'teams', i, 'mcpServers', j],
          `"${name}" is not a declared MCP server (allowed: ${names.join(', ') || 'none declared in mcpServers'})`,
        );
      } else if (team.mcpServers.indexOf(name) !== j) {
        issue(['tenants', 'teams', i, 'mcpServers', j], `"${name}" is listed twice (allowed: each server once)`);
      }
    });
  });
}

// Kept where lib/ and k8s/ can both import them without k8s/ reaching into lib/config.
export { mcpCredentialEnvName, mcpCredentialSecretNames } from '../shared/litellm';
