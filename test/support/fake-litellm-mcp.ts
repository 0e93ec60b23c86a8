import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';

/**
 * LiteLLM's MCP gateway as the stand-in serves it (test/contracts/litellm-mcp.test.ts states the facts):
 * - the key is x-litellm-api-key, else Authorization, read through the Bearer-only parser: a bare key is empty;
 * - a caller reaches the servers its key is granted (object_permission.mcp_servers), or its team's when the key
 *   has no grant of its own (both granted: the intersection); no grant reaches no server;
 * - tools are listed as `<server>-<tool>` and a call is proxied to that server.
 * Unverified upstream and so not relied on by tests: the exact error of a call to a server the caller is not
 * granted (here a JSON-RPC error), and the session handling (here each request is served statelessly).
 */

/** LiteLLM's default MCP_TOOL_PREFIX_SEPARATOR. */
export const MCP_TOOL_SEPARATOR = '-';

/** The key LiteLLM's MCP endpoint resolves: undefined when no header carries one, '' when the form is refused. */
export function resolveMcpKey(headers: IncomingHttpHeaders): string | undefined {
  const first = (name: string) => {
    const value = headers[name];
    const single = Array.isArray(value) ? value[0] : value;
    return single ? single : undefined;
  };
  const raw = first('x-litellm-api-key') ?? first('authorization');
  if (raw === undefined) return undefined;
  const prefix = ['Bearer ', 'bearer ', 'Basic '].find((p) => raw.startsWith(p));
  return prefix ? raw.slice(prefix.length) : '';
}

/** Servers a caller reaches: its key's grant intersected with its team's, or the team's when the key has none. */
export function grantedMcpServers(keyGrant: readonly string[] | undefined, teamGrant: readonly string[] | undefined): string[] {
  const key = keyGrant ?? [];
  const team = teamGrant ?? [];
  if (team.length === 0) return [...key];
  if (key.length === 0) return [...team];
  return key.filter((s) => team.includes(s));
}

async function upstreamClient(url: string): Promise<Client> {
  const client = new Client({ name: 'litellm-stand-in', version: '0.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** The gateway's MCP server for one request: the granted servers' tools, prefixed, each call proxied. */
function gatewayServer(servers: Readonly<Record<string, string>>, granted: readonly string[]): Server {
  const server = new Server({ name: 'litellm-mcp-server', version: '1.0.0' }, { capabilities: { tools: {} } });
  const reachable = granted.filter((name) => servers[name] !== undefined);
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools: Tool[] = [];
    for (const name of reachable) {
      const client = await upstreamClient(servers[name] as string);
      try {
        for (const tool of (await client.listTools()).tools) tools.push({ ...tool, name: `${name}${MCP_TOOL_SEPARATOR}${tool.name}` });
      } finally {
        await client.close();
      }
    }
    return { tools };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const [name, ...rest] = request.params.name.split(MCP_TOOL_SEPARATOR);
    if (name === undefined || rest.length === 0 || !reachable.includes(name)) {
      throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} is not available to this key`);
    }
    const client = await upstreamClient(servers[name] as string);
    try {
      return await client.callTool({ name: rest.join(MCP_TOOL_SEPARATOR), arguments: request.params.arguments ?? {} });
    } finally {
      await client.close();
    }
  });
  return server;
}

/** Serves one MCP request statelessly with the given server. */
export async function serveMcpRequest(server: Server, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: false });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

/** The stand-in's /mcp handler once the caller is authenticated. */
export function serveGatewayMcp(
  servers: Readonly<Record<string, string>>,
  granted: readonly string[],
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  return serveMcpRequest(gatewayServer(servers, granted), req, res, body);
}

/** A tiny upstream MCP server on loopback (streamable HTTP at /mcp), built from the SDK's server classes. */
export class UpstreamMcpServer {
  private constructor(private readonly http: HttpServer) {}

  static async start(build: () => Server): Promise<UpstreamMcpServer> {
    const http = createServer((req, res) => {
      serveMcpRequest(build(), req, res, undefined).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return new UpstreamMcpServer(http);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/mcp`;
  }

  async stop(): Promise<void> {
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}
