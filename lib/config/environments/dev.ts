import { DEFAULT_MODELS } from '../models-schema';
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
  // ("cache": {"use-cache": true}), for five minutes, in each gateway pod's memory. Shared across teams knowingly:
  // the employees' chat never asks for the cache, so only platform-eng's own test calls are ever stored.
  responseCache: { enabled: true, mode: 'opt-in', ttlSeconds: 300, sharedAcrossTeams: true },
  // The default Claude groups plus an embedding model for Open WebUI's document search. Titan Text Embeddings V2
  // is called on demand in us-east-1 (Bedrock user guide, "Amazon Titan Text Embeddings models": model id
  // amazon.titan-embed-text-v2:0, on-demand inference, 1,024 dimensions by default).
  models: [
    ...DEFAULT_MODELS,
    { name: 'titan-embed-text-v2', deployments: [{ provider: 'bedrock', modelId: 'amazon.titan-embed-text-v2:0', region: 'us-east-1' }] },
  ],
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
        // load-mock: the load kit's mock model (loadTest below), answered by LiteLLM without a provider.
        // claude-sonnet-4-batch: the batch copy of claude-sonnet-4 (batches below), for /v1/files and /v1/batches.
        models: ['claude-sonnet-4', 'claude-3-7-sonnet', 'load-mock', 'claude-sonnet-4-batch'],
        mcpServers: ['deepwiki'],
        maxBudgetUsd: 50,
        budgetDuration: '30d',
        rpmLimit: 60,
        tags: { 'cost-centre': 'cc-1000', owner: 'platform' },
      },
      {
        // Every employee's chat (Open WebUI's built-in key): a small budget in a throwaway environment.
        name: 'employees',
        models: ['claude-sonnet-4', 'claude-3-7-sonnet', 'titan-embed-text-v2'],
        mcpServers: ['deepwiki'],
        maxBudgetUsd: 20,
        budgetDuration: '30d',
        rpmLimit: 60,
        maxParallelRequests: 10,
        tags: { 'cost-centre': 'cc-1000', owner: 'platform' },
      },
    ],
    // Short-lived keys in a throwaway environment: the morning deploy issues fresh ones anyway.
    consumers: [{ name: 'demo-app', team: 'platform-eng', maxBudgetUsd: 10, budgetDuration: '1d', rpmLimit: 30 }],
    keyRotationDays: 7,
  },
  // One replica is enough for a dev chat; a second joins under load.
  openWebUi: { enabled: true, team: 'employees', minReplicas: 1, maxReplicas: 2, embeddingModel: 'titan-embed-text-v2' },
  // Batch jobs through the edge on Bedrock for one group; batch files are prompts and answers, kept three days.
  batches: { enabled: true, models: ['claude-sonnet-4'], retentionDays: 3 },
  // `npm run load -- dev` drives the edge against a mock model that costs nothing.
  loadTest: { mockModel: true, mockDelayMs: 50 },
  // Down every night on purpose: alarms would page for it. The budget still mails.
  observability: { mute: true, monthlyBudgetUsd: 300, budgetAlertPercents: [50, 80, 100] },
};
