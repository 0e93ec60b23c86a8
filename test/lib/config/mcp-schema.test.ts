import { configProblems, problemsOf } from '../../support/config-problems';
import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import { mcpCredentialEnvName } from '../../../lib/config/mcp-schema';
import type { EnvironmentInput } from '../../../lib/config/schema';

const docs = { name: 'docs', url: 'https://mcp.example.com/mcp', description: 'Product documentation search' };
const team = (mcpServers: unknown) => ({ name: 'platform-eng', models: ['claude-sonnet-4'], mcpServers });
const withMcp = (mcpServers: unknown, teams: unknown[] = []): EnvironmentInput =>
  ({ name: 'test', ephemeral: true, region: 'us-east-1', mcpServers, tenants: { teams } }) as EnvironmentInput;

describe('MCP servers config', () => {
  test('declares no MCP server and grants none unless an environment does', () => {
    const config = parseEnvironment(withMcp(undefined, [{ name: 'platform-eng', models: ['claude-sonnet-4'] }]));
    expect(config.mcpServers).toEqual([]);
    expect(config.tenants.teams[0]!.mcpServers).toEqual([]);
  });

  test('a server defaults to streamable HTTP and carries no credential unless it names a secret', () => {
    const config = parseEnvironment(withMcp([docs], [team(['docs'])]));
    expect(config.mcpServers).toEqual([{ ...docs, transport: 'http' }]);
    expect(config.tenants.teams[0]!.mcpServers).toEqual(['docs']);
  });

  test('accepts an SSE server whose credential comes from an existing secret', () => {
    const server = { ...docs, transport: 'sse', credentialSecretName: 'mcp/docs-token', authType: 'api_key' };
    expect(configProblems(withMcp([server], [team(['docs'])]))).toEqual([]);
  });

  test('dev declares a public MCP server and grants it to its team', () => {
    const dev = loadEnvironment('dev');
    expect(dev.mcpServers.map((s) => [s.name, s.url, s.transport, s.credentialSecretName])).toEqual([
      ['deepwiki', 'https://mcp.deepwiki.com/mcp', 'http', undefined],
    ]);
    expect(dev.tenants.teams.find((t) => t.name === 'platform-eng')!.mcpServers).toEqual(['deepwiki']);
  });

  test("a server's credential variable is named after the server", () => {
    expect(mcpCredentialEnvName({ name: 'docs_search' })).toBe('MCP_CREDENTIAL_DOCS_SEARCH');
  });
});

describe('MCP servers config rejects bad input with one exact message per problem', () => {
  test.each<[string, EnvironmentInput, string[]]>([
    [
      'a server granted but not declared',
      withMcp([docs], [team(['github'])]),
      ['tenants.teams[0].mcpServers[0]: "github" is not a declared MCP server (allowed: docs)'],
    ],
    [
      'a grant when no server is declared',
      withMcp(undefined, [team(['docs'])]),
      ['tenants.teams[0].mcpServers[0]: "docs" is not a declared MCP server (allowed: none declared in mcpServers)'],
    ],
    [
      'a server granted twice to one team',
      withMcp([docs], [team(['docs', 'docs'])]),
      ['tenants.teams[0].mcpServers[1]: "docs" is listed twice (allowed: each server once)'],
    ],
    [
      'two servers with the same name',
      withMcp([docs, { ...docs, url: 'https://other.example.com/mcp' }]),
      ['mcpServers[1].name: "docs" is used twice (allowed: unique MCP server names)'],
    ],
    [
      'a plain-HTTP URL',
      withMcp([{ ...docs, url: 'http://mcp.example.com/mcp' }]),
      ['mcpServers[0].url: is not an https URL (allowed: https://host/path)'],
    ],
    [
      "a name with LiteLLM's tool-prefix separator",
      withMcp([{ ...docs, name: 'docs-search' }]),
      ['mcpServers[0].name: is not an MCP server name (lowercase letters, digits, _; starts with a letter; 2 to 32 characters)'],
    ],
    [
      'a name with a path separator',
      withMcp([{ ...docs, name: 'docs/v2' }]),
      ['mcpServers[0].name: is not an MCP server name (lowercase letters, digits, _; starts with a letter; 2 to 32 characters)'],
    ],
    [
      'a transport LiteLLM cannot reach remotely',
      withMcp([{ ...docs, transport: 'stdio' }]),
      ['mcpServers[0].transport: "stdio" is not allowed (allowed: "http", "sse")'],
    ],
    [
      'an auth type without a credential',
      withMcp([{ ...docs, authType: 'bearer_token' }]),
      ['mcpServers[0].authType: is set without credentialSecretName (there is no credential to send)'],
    ],
    [
      'a server without a description',
      withMcp([{ ...docs, description: '' }]),
      ['mcpServers[0].description: is empty (say what the server offers)'],
    ],
    [
      'a credential secret name with a space',
      withMcp([{ ...docs, credentialSecretName: 'my token' }]),
      ['mcpServers[0].credentialSecretName: is not a secret name'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });
});
