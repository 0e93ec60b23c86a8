import { Testing } from 'cdk8s';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { parse } from 'yaml';
import { NAMES } from '../../../k8s/endpoints';
import { LITELLM_KEY_HEADER } from '../../../lib/shared/litellm';
import { charts, config, find } from '../../k8s/support/charts';
import { Captured, liveAuthorizer } from '../../support/authorizer-harness';
import { GatewayStandIn } from '../../support/authorizer-gateway';
import { accessClaims, CLIENT_ID, jwksOf, mint, rsaKey } from '../../support/authorizer-tokens';
import { FakeLiteLlm, type FakeLiteLlmTeam } from '../../support/fake-litellm';
import { UpstreamMcpServer } from '../../support/fake-litellm-mcp';
import { JwksServer } from '../../support/jwks-server';

const GRANTED_KEY = 'sk-platform_eng_consumer_key';
const DENIED_KEY = 'sk-research_consumer_key_0001';
const DENIED_CLIENT = 'other-client';

/** The MCP servers dev's rendered config.yaml declares, and the team dev grants them to. */
function devMcp(): { servers: string[]; grantedTeam: { name: string; mcpServers: string[] } } {
  const cfg = config('dev');
  const manifests = Testing.synth(charts(cfg).litellm);
  const rendered = parse(find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml']) as {
    mcp_servers: Record<string, unknown>;
  };
  const team = cfg.tenants.teams.find((t) => t.mcpServers.length > 0)!;
  return { servers: Object.keys(rendered.mcp_servers), grantedTeam: { name: team.name, mcpServers: team.mcpServers } };
}

/** A one-tool MCP server standing in for the remote one (DeepWiki in dev). */
function askServer(): Server {
  const server = new Server({ name: 'upstream', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      {
        name: 'ask_question',
        description: 'Answers a question about a repository',
        inputSchema: { type: 'object' as const, properties: { question: { type: 'string' } }, required: ['question'] },
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, (request) => ({
    content: [{ type: 'text' as const, text: `answer to: ${String(request.params.arguments?.question)}` }],
  }));
  return server;
}

describe('MCP through the edge on loopback: official MCP client → gateway stand-in + real authorizer → LiteLLM stand-in → MCP server', () => {
  const key = rsaKey();
  const { servers, grantedTeam } = devMcp();
  const serverName = servers[0] as string;
  let jwks: JwksServer;
  let upstreamMcp: UpstreamMcpServer;
  let litellm: FakeLiteLlm;
  let gateway: GatewayStandIn;

  beforeAll(async () => {
    [jwks, upstreamMcp] = await Promise.all([JwksServer.start(jwksOf(key)), UpstreamMcpServer.start(askServer)]);
    const granted: FakeLiteLlmTeam = { id: 'team-granted', alias: grantedTeam.name, mcpServers: grantedTeam.mcpServers };
    const notGranted: FakeLiteLlmTeam = { id: 'team-research', alias: 'research' };
    litellm = await FakeLiteLlm.start({
      masterKey: 'sk-master-mcp',
      models: [],
      keys: { [GRANTED_KEY]: { models: [], team: granted }, [DENIED_KEY]: { models: [], team: notGranted } },
      mcpServers: { [serverName]: upstreamMcp.url },
    });
    const out = new Captured();
    const { handler } = liveAuthorizer(jwks.url, { [CLIENT_ID]: GRANTED_KEY, [DENIED_CLIENT]: DENIED_KEY }, out);
    gateway = await GatewayStandIn.start(handler, litellm.url);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), litellm?.stop(), upstreamMcp?.stop(), jwks?.stop()]);
  });

  /** An MCP client as an application would run it: its token in Authorization, nothing else. */
  async function connect(clientId: string, headers: Record<string, string> = {}): Promise<Client> {
    const token = mint(key, accessClaims({ client_id: clientId, sub: clientId }));
    const client = new Client({ name: 'app', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
      }),
    );
    return client;
  }

  test('dev declares an MCP server and grants it to a team', () => {
    expect(servers.length).toBeGreaterThan(0);
    expect(grantedTeam.mcpServers).toContain(serverName);
  });

  test("a granted team's client lists the server's tools, prefixed with its name, and calls one", async () => {
    const client = await connect(CLIENT_ID);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual([`${serverName}-ask_question`]);
      const result = await client.callTool({ name: `${serverName}-ask_question`, arguments: { question: 'what is this repo?' } });
      expect(result.content).toEqual([{ type: 'text', text: 'answer to: what is this repo?' }]);
    } finally {
      await client.close();
    }
    // The edge wrote the Bearer form of the caller's key, the one form LiteLLM's MCP endpoint accepts.
    const mcpRequests = litellm.requests.filter((r) => r.path === '/mcp');
    expect(mcpRequests.length).toBeGreaterThan(0);
    for (const r of mcpRequests) expect(r.headers[LITELLM_KEY_HEADER]).toBe(`Bearer ${GRANTED_KEY}`);
  });

  test('a team not granted the server sees no tool and its call is refused', async () => {
    const client = await connect(DENIED_CLIENT);
    try {
      expect((await client.listTools()).tools).toEqual([]);
      await expect(client.callTool({ name: `${serverName}-ask_question`, arguments: { question: 'x' } })).rejects.toThrow(
        /not available to this key/,
      );
    } finally {
      await client.close();
    }
  });

  test("a client's own x-litellm-api-key is overwritten by the edge", async () => {
    const client = await connect(DENIED_CLIENT, { [LITELLM_KEY_HEADER]: `Bearer ${GRANTED_KEY}` });
    try {
      expect((await client.listTools()).tools).toEqual([]);
    } finally {
      await client.close();
    }
  });

  test('without the Bearer prefix LiteLLM refuses the key on the MCP route, as upstream does', async () => {
    const response = await fetch(`${litellm.url}/mcp`, {
      method: 'POST',
      headers: { [LITELLM_KEY_HEADER]: GRANTED_KEY, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.',
    );
  });
});
