import type { EnvironmentInput } from '../schema';

/** Long-lived: three zones, redundant everything, data retained on delete. */
export const prod: EnvironmentInput = {
  name: 'prod',
  ephemeral: false,
  region: 'us-east-1',
  deletionProtection: true,
  network: {
    cidr: '10.42.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    natGateways: 3,
    interfaceEndpoints: true,
    flowLogRetentionDays: 365,
  },
  database: { minCapacity: 0.5, maxCapacity: 16, readers: 1, backupRetentionDays: 14 },
  cache: { nodeType: 'cache.r7g.large', replicas: 2, multiAz: true },
  // Daily AWS Backup of Aurora and the ClickHouse volumes, kept five weeks (Aurora's own snapshots keep two).
  backup: { enabled: true, retentionDays: 35 },
  workloads: {
    litellm: { minReplicas: 3, maxReplicas: 12 },
    langfuse: { webReplicas: 2, webMaxReplicas: 6, workerReplicas: 2 },
    clickhouse: { replicas: 3, volumeSizeGi: 200 },
  },
  cluster: { endpointAccess: { mode: 'private' }, logRetentionDays: 365 },
  edge: {
    identity: { provider: 'cognito' },
    throttle: { rateLimit: 200, burstLimit: 400 },
    wafRateLimit: 5000,
    accessLogRetentionDays: 365,
  },
  // claude-sonnet-4 is served from two regions; a throttled or failing region cools down for
  // router.cooldownSeconds and the other takes its traffic. claude-opus-4 keeps us-west-2 as a standby.
  models: [
    {
      name: 'claude-3-7-sonnet',
      deployments: [
        { provider: 'bedrock', modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0', inferenceProfile: 'us', region: 'us-east-1' },
        { provider: 'bedrock', modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0', inferenceProfile: 'us', region: 'us-west-2' },
      ],
    },
    {
      name: 'claude-sonnet-4',
      deployments: [
        { provider: 'bedrock', modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', inferenceProfile: 'us', region: 'us-east-1', weight: 2 },
        { provider: 'bedrock', modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', inferenceProfile: 'us', region: 'us-west-2', weight: 1 },
      ],
      // Both regions down or cooling: answer with the previous generation rather than an error.
      fallbacks: ['claude-3-7-sonnet'],
    },
    {
      name: 'claude-opus-4',
      deployments: [
        { provider: 'bedrock', modelId: 'anthropic.claude-opus-4-20250514-v1:0', inferenceProfile: 'us', region: 'us-east-1' },
        {
          provider: 'bedrock',
          modelId: 'anthropic.claude-opus-4-20250514-v1:0',
          inferenceProfile: 'us',
          region: 'us-west-2',
          standby: true,
        },
      ],
      fallbacks: ['claude-sonnet-4'],
    },
    {
      // Open WebUI's document search. Titan Text Embeddings V2 is called on demand in us-east-1 (Bedrock user
      // guide, "Amazon Titan Text Embeddings models": model id amazon.titan-embed-text-v2:0, 1,024 dimensions).
      name: 'titan-embed-text-v2',
      deployments: [{ provider: 'bedrock', modelId: 'amazon.titan-embed-text-v2:0', region: 'us-east-1' }],
    },
  ],
  // Checked by Bedrock on every prompt and answer of the teams that choose it, whatever the model.
  guardrails: [
    {
      name: 'customer-facing',
      description: 'Answers that reach customers: no abuse, no investment advice, no card or account numbers',
      contentFilters: { hate: 'HIGH', insults: 'HIGH', sexual: 'HIGH', violence: 'MEDIUM', misconduct: 'HIGH', promptAttack: 'HIGH' },
      deniedTopics: [
        {
          name: 'Investment advice',
          definition: 'Recommendations about buying, selling or holding securities, funds or other financial investments.',
          examples: ['Which stocks should I buy this year?', 'Should I move my pension into crypto?'],
        },
      ],
      pii: [
        { type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'block' },
        { type: 'US_SOCIAL_SECURITY_NUMBER', action: 'block' },
        { type: 'EMAIL', action: 'anonymize' },
        { type: 'PHONE', action: 'anonymize' },
      ],
      profanity: true,
    },
  ],
  tenants: {
    teams: [
      {
        name: 'customer-support',
        models: ['claude-sonnet-4', 'claude-3-7-sonnet'],
        guardrail: 'customer-facing',
        maxBudgetUsd: 2000,
        budgetDuration: '1mo',
        tpmLimit: 400_000,
        rpmLimit: 600,
        maxParallelRequests: 50,
        tags: { 'cost-centre': 'cc-2100', department: 'customer-service' },
      },
      {
        name: 'data-analytics',
        // Its nightly ETL runs as batch jobs: no connection held open for hours of records.
        models: ['claude-opus-4', 'claude-sonnet-4', 'claude-sonnet-4-batch'],
        maxBudgetUsd: 3000,
        budgetDuration: '1mo',
        rpmLimit: 300,
        tags: { 'cost-centre': 'cc-3400', department: 'analytics' },
      },
      {
        // Every employee's chat (Open WebUI's built-in key); per-person spend shows as LiteLLM end users.
        name: 'employees',
        models: ['claude-sonnet-4', 'claude-3-7-sonnet', 'titan-embed-text-v2'],
        maxBudgetUsd: 1500,
        budgetDuration: '1mo',
        tpmLimit: 300_000,
        rpmLimit: 300,
        maxParallelRequests: 40,
        tags: { 'cost-centre': 'cc-1100', department: 'all-employees' },
      },
    ],
    consumers: [
      { name: 'support-bot', team: 'customer-support', rpmLimit: 500, tags: { app: 'zendesk-assist' } },
      { name: 'support-eval', team: 'customer-support', maxBudgetUsd: 100, budgetDuration: '1w', rpmLimit: 30 },
      { name: 'analytics-etl', team: 'data-analytics', maxBudgetUsd: 2500, budgetDuration: '1mo', maxParallelRequests: 8 },
    ],
    keyRotationDays: 30,
  },
  openWebUi: { enabled: true, team: 'employees', minReplicas: 2, maxReplicas: 6, embeddingModel: 'titan-embed-text-v2' },
  // Batch jobs on claude-sonnet-4's us-east-1 deployment (its us-west-2 one keeps serving chat only); files are
  // prompts and answers, kept a week.
  batches: { enabled: true, models: ['claude-sonnet-4'], retentionDays: 7 },
  observability: {
    mute: false,
    // Subscribe the on-call list here; each address confirms the subscription AWS mails it.
    alarmEmails: [],
    alarms: { gateway5xxPercent: 2, auroraCapacityPercent: 90 },
    // Raw trace events and media expire from S3 after 90 days (traces in ClickHouse stay: README, "Trace retention").
    traceRetentionDays: 90,
    monthlyBudgetUsd: 5000,
    budgetAlertPercents: [80, 100],
  },
};
