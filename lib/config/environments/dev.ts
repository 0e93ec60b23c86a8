import type { EnvironmentInput } from '../schema';

/** Ephemeral and cheapest: destroyed every evening, re-created every morning. */
export const dev: EnvironmentInput = {
  name: 'dev',
  ephemeral: true,
  region: 'us-east-1',
  network: {
    cidr: '10.40.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 1,
  },
  database: { minCapacity: 0, maxCapacity: 4, autoPauseMinutes: 10, readers: 0 },
  cache: { replicas: 0, multiAz: false },
  cluster: { endpointAccess: { mode: 'private' } },
  edge: { identity: { provider: 'cognito' } },
  // Default model groups (one us-east-1 deployment each). Responses are cached only for requests that ask
  // ("cache": {"use-cache": true}), for five minutes, in each gateway pod's memory.
  responseCache: { enabled: true, mode: 'opt-in', ttlSeconds: 300 },
  // A public, credential-free MCP server (Cognition's DeepWiki: questions about public GitHub repositories;
  // streamable HTTP at this URL, named by its operator and by many client configs), so dev exercises the MCP
  // route end to end without a secret to provision.
  mcpServers: [
    {
      name: 'deepwiki',
      url: 'https://mcp.deepwiki.com/mcp',
      transport: 'http',
      description: 'Questions and answers about public GitHub repositories (DeepWiki)',
    },
  ],
  tenants: {
    teams: [
      {
        name: 'platform-eng',
        models: ['claude-sonnet-4', 'claude-3-7-sonnet'],
        mcpServers: ['deepwiki'],
        maxBudgetUsd: 50,
        budgetDuration: '30d',
        rpmLimit: 60,
        tags: { 'cost-centre': 'cc-1000', owner: 'platform' },
      },
    ],
    // Short-lived keys in a throwaway environment: the morning deploy issues fresh ones anyway.
    consumers: [{ name: 'demo-app', team: 'platform-eng', maxBudgetUsd: 10, budgetDuration: '1d', rpmLimit: 30 }],
    keyRotationDays: 7,
  },
  // Down every night on purpose: alarms would page for it. The budget still mails.
  observability: { mute: true, monthlyBudgetUsd: 300, budgetAlertPercents: [50, 80, 100] },
};
