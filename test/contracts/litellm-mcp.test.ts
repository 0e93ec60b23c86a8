/**
 * LiteLLM's MCP gateway, as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): the
 * `mcp_servers` config we render, the route the edge exposes, the key form that route needs, and how a team is
 * granted servers; each checked against our config, chart, edge and reconciler output.
 *
 * Upstream, read 2026-11-29 (the repository is too large to check out; the code index holds main-line copies,
 * not the v1.108.12 tag, so a fact is stated only where the copies read agree or the newest one is named):
 * - AUTH: BerriAI/litellm litellm/proxy/_experimental/mcp_server/auth/user_api_key_auth_mcp.py at commit
 *   001064b714d09dd7d6984d0c82d819e1b6dd5974 (MCPRequestHandler.process_mcp_request,
 *   get_litellm_api_key_from_headers) and litellm/proxy/auth/user_api_key_auth.py at commit
 *   0009d07f70e0aae40497197a8f3d6faf3456e3cf (get_api_key, _get_bearer_token); docs.litellm.ai/docs/mcp_config_reference
 *   (last updated 2026-10-12): "x-litellm-api-key: Bearer <key>".
 * - CONFIG: litellm/proxy/_experimental/mcp_server/mcp_server_manager.py (load_servers_from_config) and
 *   litellm/types/mcp.py (MCPTransport, MCPAuth), several copies; litellm/proxy/_experimental/mcp_server/utils.py
 *   (MCP_TOOL_PREFIX_SEPARATOR "-", validate_mcp_server_name); litellm/proxy/proxy_server.py
 *   (_check_for_os_environ_vars walks the whole config).
 * - ROUTES: litellm/proxy/_experimental/mcp_server/server.py (the MCP app mounts its streamable HTTP handler at
 *   /, /mcp and /{server}/mcp, and /sse) and litellm/constants.py (BASE_MCP_ROUTE "/mcp", where proxy_server.py
 *   mounts that app).
 * - GRANTS: mcp_server_manager.py get_allowed_mcp_servers in the newest copy (id-resolved grants plus servers
 *   marked allow_all_keys; nothing else) and user_api_key_auth_mcp.py get_allowed_mcp_servers (a key with no
 *   grant of its own inherits its team's; key and team grants intersect); docs.litellm.ai/docs/mcp_grant_access
 *   (last updated 2026-10-08): grants live in object_permission.mcp_servers of a key or team and may name a
 *   server by its config key. Older copies (before the v1.7x line) gave a grant-less key every server.
 * Facts are restated in our own words.
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NAMES } from '../../k8s/endpoints';
import { parseEnvironment } from '../../lib/config/load-config';
import { MCP_AUTH_TYPES, MCP_SERVER_NAME, MCP_TRANSPORTS, mcpCredentialEnvName } from '../../lib/config/mcp-schema';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { MCP_ROUTES } from '../../constructs/openai-routes';
import { allowResult } from '../../lambda/authorizer/policy';
import { AUTHORIZER_KEY_CONTEXT, LITELLM_KEY_HEADER } from '../../lib/shared/litellm';
import { synthEnvironment } from '../support/app';
import { grantedMcpServers, resolveMcpKey } from '../support/fake-litellm-mcp';
import { desiredKeyFields, desiredTeamFields, plan } from '../../lambda/tenants-reconciler/plan';
import { parseDesiredTenants } from '../../lambda/tenants/desired-state';
import type { DesiredTeam } from '../../lib/shared/tenants';
import { charts, config, envOf, find, type Manifest } from '../k8s/support/charts';

/** Fields of a remote server entry that load_servers_from_config reads and we write. */
const SERVER_FIELDS = ['url', 'transport', 'description', 'auth_type', 'authentication_token'];
/** MCPTransport values for a remote server (stdio runs a local command, which we never do). */
const LITELLM_REMOTE_TRANSPORTS = ['http', 'sse'];
/** MCPAuth values present in every copy read (newer ones add oauth2, authorization and more). */
const LITELLM_AUTH_TYPES = ['none', 'api_key', 'bearer_token', 'basic'];
/** MCP_TOOL_PREFIX_SEPARATOR's default: tools are listed as <server>-<tool>. */
const TOOL_PREFIX_SEPARATOR = '-';

/** An environment with one credential-free server and one whose token comes from Secrets Manager. */
function withServers(): EnvironmentConfig {
  const base = config('dev');
  return parseEnvironment({
    name: 'mcpcontract',
    ephemeral: true,
    region: 'us-east-1',
    mcpServers: [
      { name: 'docs', url: 'https://mcp.example.com/mcp', description: 'Docs' },
      {
        name: 'tickets',
        url: 'https://tickets.example.com/sse',
        transport: 'sse',
        description: 'Tickets',
        credentialSecretName: 'genai/mcp-tickets',
      },
    ],
    tenants: { teams: [{ name: 'platform-eng', models: [base.modelGroups[0]!.name], mcpServers: ['docs'] }] },
  });
}

function renderedLiteLlm(cfg: EnvironmentConfig): { config: Manifest; yaml: string; env: Record<string, string> } {
  const manifests = Testing.synth(charts(cfg).litellm) as Manifest[];
  const yaml: string = find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
  const container = find(manifests, 'Deployment', NAMES.litellm.deployment).spec.template.spec.containers[0] as Manifest;
  return { config: parse(yaml) as Manifest, yaml, env: envOf(container) };
}

describe('LiteLLM MCP contract', () => {
  describe('config', () => {
    const { config: rendered, yaml, env } = renderedLiteLlm(withServers());

    test('LiteLLM reads mcp_servers as a map keyed by server name, each with url, transport, description and optional auth', () => {
      // Source: mcp_server_manager.py load_servers_from_config: iterates the mapping's items, the key becoming
      // the server_name; reads url, transport (default http), description, auth_type and authentication_token.
      expect(Object.keys(rendered.mcp_servers)).toEqual(['docs', 'tickets']);
      for (const entry of Object.values(rendered.mcp_servers as Record<string, Record<string, string>>)) {
        expect(SERVER_FIELDS).toEqual(expect.arrayContaining(Object.keys(entry)));
        expect(LITELLM_REMOTE_TRANSPORTS).toContain(entry.transport);
      }
      expect(rendered.mcp_servers.docs).toEqual({ url: 'https://mcp.example.com/mcp', transport: 'http', description: 'Docs' });
      expect([...MCP_TRANSPORTS]).toEqual(LITELLM_REMOTE_TRANSPORTS);
    });

    test('LiteLLM sends a configured token as the auth type says; we only offer types every copy knows', () => {
      // Source: litellm/types/mcp.py MCPAuth (none, api_key, bearer_token, basic in every copy read), handed with
      // the token to the MCP client. Which header each type produces was not read here (unverified); the names
      // say bearer_token is Authorization: Bearer and api_key an API-key header.
      expect(LITELLM_AUTH_TYPES).toEqual(expect.arrayContaining([...MCP_AUTH_TYPES]));
      expect(rendered.mcp_servers.tickets.auth_type).toBe('bearer_token');
    });

    test('LiteLLM resolves os.environ/ anywhere in config.yaml, so a credential reaches it from the pod environment only', () => {
      // Source: proxy_server.py ProxyConfig._check_for_os_environ_vars: walks nested maps and lists (depth-limited)
      // and replaces every "os.environ/NAME" value with that variable; mcp_servers.<name>.authentication_token is
      // two levels down.
      const variable = mcpCredentialEnvName({ name: 'tickets' });
      expect(rendered.mcp_servers.tickets.authentication_token).toBe(`os.environ/${variable}`);
      expect(env[variable]).toBe(`secret:${NAMES.litellm.secret}/${variable}`);
      expect(yaml).not.toContain('genai/mcp-tickets');
    });

    test("LiteLLM lists tools as <server>-<tool> and refuses '-' in a server name; our names cannot hold it", () => {
      // Source: mcp_server/utils.py MCP_TOOL_PREFIX_SEPARATOR (env override, default "-") and
      // validate_mcp_server_name (raises when the name contains the separator), called for every config server.
      expect(MCP_SERVER_NAME.test(`docs${TOOL_PREFIX_SEPARATOR}search`)).toBe(false);
      for (const name of Object.keys(rendered.mcp_servers)) expect(name).not.toContain(TOOL_PREFIX_SEPARATOR);
      for (const name of config('dev').mcpServers.map((s) => s.name)) expect(MCP_SERVER_NAME.test(name)).toBe(true);
    });

    test('a server marked allow_all_keys would reach every key; we never mark one, so grants decide', () => {
      // Source: mcp_server_manager.py (newest copy) get_allowed_mcp_servers adds get_allow_all_keys_server_ids()
      // to every caller's servers.
      for (const entry of Object.values(rendered.mcp_servers as Record<string, Record<string, unknown>>)) {
        expect(entry).not.toHaveProperty('allow_all_keys');
        expect(entry).not.toHaveProperty('available_on_public_internet');
      }
    });

    test('an environment without MCP servers renders no mcp_servers key', () => {
      expect(renderedLiteLlm(config('prod')).config).not.toHaveProperty('mcp_servers');
    });
  });

  describe('route and key form', () => {
    const edge = synthEnvironment('dev').templates.edge;
    const methods = Object.values(edge.findResources('AWS::ApiGateway::Method')).map((m) => m.Properties as Manifest);
    const mcpMethods = methods.filter((m) => /:\d+\/mcp(\/\{server\})?$/.test(JSON.stringify(m.Integration.Uri).replace(/"\]\]\}$/, '')));

    test('LiteLLM serves streamable HTTP MCP at /mcp (every granted server) and /mcp/<server> (one), by POST, GET and DELETE', () => {
      // Source: constants.py BASE_MCP_ROUTE "/mcp" (proxy_server.py mounts the MCP app there, with a middleware
      // for the trailing slash); server.py mounts handle_streamable_http_mcp at the app's root, so /mcp and
      // /mcp/<anything> reach it, and user_api_key_auth_mcp.py reads a server name from /mcp/<server>. The MCP
      // SDK's streamable HTTP transport answers POST (JSON or an event stream), GET (the server's stream) and
      // DELETE (end of session).
      expect(MCP_ROUTES.map((r) => [r.path, [...r.methods].sort()])).toEqual([
        ['mcp', ['DELETE', 'GET', 'POST']],
        ['mcp/{server}', ['DELETE', 'GET', 'POST']],
      ]);
      expect(mcpMethods.map((m) => m.HttpMethod).sort()).toEqual(['DELETE', 'DELETE', 'GET', 'GET', 'POST', 'POST']);
      for (const m of mcpMethods) expect(m.Integration).toMatchObject({ Type: 'HTTP_PROXY', ResponseTransferMode: 'STREAM' });
    });

    test('the MCP endpoint refuses the bare key the OpenAI routes accept: it needs `Bearer <key>` in x-litellm-api-key, which the edge writes there', () => {
      // Source: user_api_key_auth_mcp.py (001064b7): with x-litellm-api-key present its raw value is handed to
      // user_api_key_auth as `api_key` (the Authorization slot), Authorization only when it is absent; the
      // x-litellm-api-key parameter stays unset. user_api_key_auth.py (0009d07f) get_api_key then runs
      // _get_bearer_token on that value, which returns "" for anything without a "Bearer "/"Basic " prefix:
      // a bare sk- key becomes an empty key ("Malformed API Key"). The docs' MCP reference shows the Bearer form.
      const allowed = allowResult('arn:r', { clientId: 'c1', endUser: 'c1', virtualKey: 'sk-team-key-0001' }).context!;
      expect(allowed[AUTHORIZER_KEY_CONTEXT.bearer]).toBe('Bearer sk-team-key-0001');
      expect(allowed[AUTHORIZER_KEY_CONTEXT.bare]).toBe('sk-team-key-0001');
      for (const m of mcpMethods) {
        expect(m.Integration.RequestParameters[`integration.request.header.${LITELLM_KEY_HEADER}`]).toBe(
          `context.authorizer.${AUTHORIZER_KEY_CONTEXT.bearer}`,
        );
      }
      // The stand-in reads the key the same way.
      expect(resolveMcpKey({ [LITELLM_KEY_HEADER]: 'sk-team-key-0001' })).toBe('');
      expect(resolveMcpKey({ [LITELLM_KEY_HEADER]: 'Bearer sk-team-key-0001', authorization: 'Bearer eyJ.jwt' })).toBe('sk-team-key-0001');
      expect(resolveMcpKey({ authorization: 'Bearer sk-team-key-0001' })).toBe('sk-team-key-0001');
      expect(resolveMcpKey({})).toBeUndefined();
    });

    test("a key without its own MCP grant inherits its team's; both grants intersect; no grant reaches no server", () => {
      // Source: user_api_key_auth_mcp.py get_allowed_mcp_servers (inherit when the key list is empty, else
      // intersect with a non-empty team list) and mcp_server_manager.py get_allowed_mcp_servers in the newest copy
      // (no fallback to every server for an empty result; only allow_all_keys servers are added, and we mark none).
      expect(grantedMcpServers(undefined, ['docs'])).toEqual(['docs']);
      expect(grantedMcpServers(['docs', 'tickets'], ['docs'])).toEqual(['docs']);
      expect(grantedMcpServers(undefined, undefined)).toEqual([]);
    });
  });

  describe('grants', () => {
    const granted: DesiredTeam = { alias: 'support', models: ['claude-sonnet-4'], mcpServers: ['docs'], tags: {} };
    const ungranted: DesiredTeam = { alias: 'research', models: ['claude-sonnet-4'], tags: {} };
    const desired = (...teams: DesiredTeam[]) => ({ environment: 'dev', teams, consumers: [] });

    test('a team is granted MCP servers by name in object_permission.mcp_servers of /team/new and /team/update', () => {
      // Source: docs.litellm.ai/docs/mcp_grant_access (2026-10-08): a key's or team's MCP access is its
      // object_permission (mcp_servers, mcp_access_groups, ...), set on the management API, and a server may be named
      // by its config key; the Admin UI's team edit sends object_permission.mcp_servers to /team/update. The grant
      // reaches the reconciler through the custom resource's DesiredTenants.
      const [create] = plan({ teams: [], keys: [] }, desired(granted), {}, Date.now()).actions;
      expect(create).toMatchObject({ kind: 'create-team', fields: { object_permission: { mcp_servers: ['docs'] } } });
      expect(parseDesiredTenants(JSON.stringify(desired(granted))).teams[0]!.mcpServers).toEqual(['docs']);

      const listed = { team_id: 't-1', team_alias: 'support', ...desiredTeamFields('dev', granted) };
      expect(plan({ teams: [listed], keys: [] }, desired(granted), {}, Date.now()).actions).toEqual([]);
      const [revoke] = plan({ teams: [listed], keys: [] }, desired({ ...granted, mcpServers: [] }), {}, Date.now()).actions;
      expect(revoke).toMatchObject({ kind: 'update-team', changes: { object_permission: { mcp_servers: [] } } });
    });

    test("keys carry no grant of their own, so they get exactly their team's; a team without one gets no server", () => {
      // Source: user_api_key_auth_mcp.py get_allowed_mcp_servers (a key with no servers inherits its team's) and the
      // newest mcp_server_manager.py (nothing but allow_all_keys servers beyond the grants).
      const key = desiredKeyFields('dev', { name: 'bot', team: 'support', clientId: 'c', secretArn: 'arn', tags: {} }, granted);
      expect(key).not.toHaveProperty('object_permission');
      expect(desiredTeamFields('dev', ungranted)).not.toHaveProperty('object_permission');
      expect(grantedMcpServers(undefined, desiredTeamFields('dev', granted).object_permission?.mcp_servers)).toEqual(['docs']);
      expect(grantedMcpServers(undefined, desiredTeamFields('dev', ungranted).object_permission?.mcp_servers)).toEqual([]);
    });
  });
});
