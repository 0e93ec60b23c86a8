import { z } from 'zod';
import { cidr } from './cidr';
import {
  checkModelGroups,
  DEFAULT_MODELS,
  flattenModelGroups,
  modelGroupSchema,
  responseCacheSchema,
  routerSchema,
  type ModelConfig,
} from './models-schema';
import { checkMcpServers, mcpServerSchema } from './mcp-schema';
import { checkGuardrails, guardrailSchema } from './guardrails-schema';
import { checkLoadTest, grantableModelNames, loadTestSchema } from './load-test-schema';
import { checkBrowserIdentity } from './browser-app-schema';
import { checkTenants, tenantsSchema } from './tenants-schema';
import { checkWeb, openWebUiSchema, webSchema } from './web-schema';

export { MODEL_PROVIDERS } from './models-schema';
export type { ModelConfig, ModelGroupConfig, ResponseCacheConfig, RouterConfig } from './models-schema';
export type { McpServerConfig } from './mcp-schema';
export type { GuardrailConfig } from './guardrails-schema';
export type { LoadTestConfig } from './load-test-schema';

/** Log retention values CloudWatch accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Kubernetes versions this app has a matching kubectl layer for. */
export const KUBERNETES_VERSIONS = ['1.35'] as const;

/** Aurora PostgreSQL versions pinned here; each supports Serverless v2 scale-to-zero. */
export const AURORA_POSTGRES_VERSIONS = ['16.13', '17.7'] as const;

/** Valkey versions with a matching parameter group family. */
export const VALKEY_VERSIONS = ['8.0'] as const;

const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

const logRetention = z
  .number()
  .refine((v) => (LOG_RETENTION_DAYS as readonly number[]).includes(v), {
    message: `is not a CloudWatch retention period (allowed: ${LOG_RETENTION_DAYS.join(', ')})`,
  })
  .meta({ description: `days, one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(', ')}` });

const networkSchema = z.strictObject({
  /** VPC CIDR; /16 to /20 leaves room for three AZs of workload subnets. */
  cidr: cidr(16, 20).default('10.40.0.0/16'),
  /** Zones by full name; known here so synth never asks AWS. */
  availabilityZones: z
    .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'is not an availability zone name (e.g. us-east-1a)'))
    .min(2, 'needs at least 2 zones (allowed: 2 or 3 zone names)')
    .max(3, 'has more than 3 zones (allowed: 2 or 3 zone names)')
    .default(['us-east-1a', 'us-east-1b']),
  natGateways: z.number().int().min(1, 'must be at least 1 (workloads pull images and call model APIs)').max(3).default(1),
  /** Interface endpoints (STS, Secrets Manager, ECR, Bedrock runtime, logs); they pay off once traffic is steady. */
  interfaceEndpoints: z.boolean().default(false),
  flowLogRetentionDays: logRetention.default(14),
});

const databaseSchema = z.strictObject({
  engineVersion: z.enum(AURORA_POSTGRES_VERSIONS).default('16.13'),
  /** Aurora capacity units; 0 lets an idle cluster pause. */
  minCapacity: z.number().min(0).max(256).multipleOf(0.5).default(0),
  maxCapacity: z.number().min(1).max(256).multipleOf(0.5).default(4),
  autoPauseMinutes: z.number().int().min(5).max(1440).default(10),
  readers: z.number().int().min(0).max(15).default(0),
  backupRetentionDays: z.number().int().min(1).max(35).default(1),
});

const backupSchema = z.strictObject({
  /** AWS Backup of Aurora and the ClickHouse volumes into a vault of the environment's own; retained environments only. */
  enabled: z.boolean().default(false),
  /** Days each daily recovery point is kept. */
  retentionDays: z.number().int().min(1).max(36_500).default(35),
});

const cacheSchema = z.strictObject({
  engineVersion: z.enum(VALKEY_VERSIONS).default('8.0'),
  nodeType: z
    .string()
    .regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, 'is not a cache node type (e.g. cache.t4g.micro)')
    .default('cache.t4g.micro'),
  /** Replicas besides the primary; at least 1 is needed for multi-AZ failover. */
  replicas: z.number().int().min(0).max(5).default(0),
  multiAz: z.boolean().default(false),
});

const endpointAccessSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('private') }),
  z.strictObject({
    mode: z.literal('public-and-private'),
    publicCidrs: z.array(cidr(8, 32)).min(1, 'needs at least one CIDR (an open public endpoint is not allowed)'),
  }),
]);

const clusterSchema = z.strictObject({
  kubernetesVersion: z.enum(KUBERNETES_VERSIONS).default('1.35'),
  /** `private`: the API endpoint is reachable only from the VPC; `public-and-private`: also from `publicCidrs`. */
  endpointAccess: endpointAccessSchema.default({ mode: 'private' }),
  /**
   * A role of the cluster stack with cluster admin (EKS access entry), which the account's IAM principals may assume when
   * their own policies allow `sts:AssumeRole` on it: kubectl works on day one without knowing anyone's role ARN.
   */
  operatorRole: z.boolean().default(true),
  /**
   * A t4g.nano instance with no inbound rule that Session Manager forwards a local port through to the API endpoint:
   * the way to a private endpoint without a VPN (about $0.005 an hour).
   */
  endpointTunnel: z.boolean().default(true),
  /** More IAM roles granted cluster admin through EKS access entries (a team's SSO role, a break-glass role). */
  adminRoleArns: z.array(z.string().regex(IAM_ROLE_ARN, 'is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)')).default([]),
  logRetentionDays: logRetention.default(14),
});

const workloadsSchema = z.strictObject({
  litellm: z
    .strictObject({
      minReplicas: z.number().int().min(1).max(50).default(1),
      maxReplicas: z.number().int().min(1).max(100).default(2),
    })
    .default({ minReplicas: 1, maxReplicas: 2 }),
  langfuse: z
    .strictObject({
      webReplicas: z.number().int().min(1).max(20).default(1),
      webMaxReplicas: z.number().int().min(1).max(50).default(2),
      workerReplicas: z.number().int().min(1).max(20).default(1),
    })
    .default({ webReplicas: 1, webMaxReplicas: 2, workerReplicas: 1 }),
  clickhouse: z
    .strictObject({
      /** 1 runs standalone; 3 runs replicated with ClickHouse Keeper. */
      replicas: z
        .union([z.literal(1), z.literal(3)], { error: 'must be 1 or 3 (allowed: 1 standalone, 3 replicated with Keeper)' })
        .default(1),
      volumeSizeGi: z.number().int().min(10).max(16000).default(20),
    })
    .default({ replicas: 1, volumeSizeGi: 20 }),
});

const identitySchema = z.discriminatedUnion('provider', [
  /** A Cognito user pool of the edge stack: one app client per consumer (client-credentials flow). */
  z.strictObject({ provider: z.literal('cognito') }),
  z.strictObject({
    /** An external OpenID Connect issuer such as Entra ID; each consumer names its client id. */
    provider: z.literal('oidc'),
    issuers: z.array(z.string().regex(/^https:\/\/[^\s]+$/, 'is not an https issuer URL')).min(1, 'needs at least one issuer'),
    jwksUri: z.string().regex(/^https:\/\/[^\s]+$/, 'is not an https URL'),
    audience: z.array(z.string().min(1)).min(1, "needs at least one audience (the gateway's application id URI)"),
    /** `azp` for Entra ID v2 tokens, `appid` for v1; `azp,appid` accepts both. */
    clientIdClaim: z.enum(['azp', 'appid', 'azp,appid', 'client_id']).default('azp'),
    requiredScope: z.string().min(1).optional(),
    /**
     * Claim naming the signed-in person in a browser app's access token: `sub` (stable and never re-assigned), or
     * `oid` for Entra ID, whose `sub` differs per application while `oid` is the person's id across the tenant.
     */
    endUserClaim: z.enum(['sub', 'oid']).default('sub'),
  }),
]);

const edgeSchema = z.strictObject({
  /** `inject`: the gateway looks up the caller's virtual key; `passthrough`: the caller sends its own. */
  mode: z.enum(['inject', 'passthrough']).default('inject'),
  identity: identitySchema.default({ provider: 'cognito' }),
  /** How long API Gateway caches an authorizer decision per Authorization header. */
  authorizerCacheTtlSeconds: z.number().int().min(0).max(3600).default(300),
  /** Streaming completions can run for minutes; API Gateway allows up to 15 minutes when streaming. */
  integrationTimeoutSeconds: z.number().int().min(1).max(900).default(300),
  throttle: z
    .strictObject({ rateLimit: z.number().int().min(1).max(10000).default(50), burstLimit: z.number().int().min(1).max(5000).default(100) })
    .default({ rateLimit: 50, burstLimit: 100 }),
  /** Requests per 5 minutes from one IP before WAF blocks it. */
  wafRateLimit: z.number().int().min(10).max(2_000_000_000).default(2000),
  /**
   * POST /oauth2/token on api.<base> (web.domain with Cognito): its own stage throttle, apart from the API's, and its own
   * per-IP WAF limit per 5 minutes. Client apps cache a token for its hour, so a few requests each suffice.
   */
  tokenRelay: z
    .strictObject({
      rateLimit: z.number().int().min(1).max(10000).default(10),
      burstLimit: z.number().int().min(1).max(5000).default(20),
      wafRateLimit: z.number().int().min(10).max(2_000_000_000).default(100),
    })
    .default({ rateLimit: 10, burstLimit: 20, wafRateLimit: 100 }),
  accessLogRetentionDays: logRetention.default(30),
});

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const percent = z
  .number()
  .gt(0, 'must be above 0 (allowed: a percentage above 0, up to 100)')
  .max(100, 'is above 100 (allowed: a percentage above 0, up to 100)');

const alarmThresholdsSchema = z.strictObject({
  /** Share of API requests answered 5xx over 5 minutes, in percent. */
  gateway5xxPercent: percent.default(5),
  /** Share of API requests answered 4xx over 5 minutes, in percent, once at least 20 requests arrived. */
  gateway4xxPercent: percent.default(25),
  /** Minutes without a single API request before "no traffic" notifies (5 to 1440). */
  noTrafficMinutes: z.number().int().min(5).max(1440).default(60),
  /** 5xx answers of the web load balancer itself in 5 minutes (with web.domain). */
  web5xxCount: z.number().int().min(1).default(10),
  /** Authorizer function errors in 5 minutes. */
  authorizerErrors: z.number().int().min(1).default(5),
  /** Bedrock throttled invocations in 5 minutes, all models of the region together. */
  bedrockThrottles: z.number().int().min(1).default(10),
  /** Aurora Serverless v2 capacity used, in percent of maxCapacity. */
  auroraCapacityPercent: percent.default(95),
  /** Memory used on the fullest Valkey node; with noeviction a full node stops Langfuse's queues. */
  valkeyMemoryPercent: percent.default(80),
  /**
   * Used space of the fullest ClickHouse data volume. ClickHouse itself starts moving parts to S3 at 80%
   * (the storage policy's move_factor 0.2), so the volume sits near 80% by design: above that, moves are
   * not keeping up.
   */
  clickhouseVolumePercent: percent.default(90),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const chatSchema = z.strictObject({
  /** Slack channels; authorize the workspace once in the Amazon Q Developer in chat applications console. */
  slack: z
    .array(
      z.strictObject({
        workspaceId: z.string().regex(/^[0-9A-Z]{1,255}$/, 'is not a Slack workspace id (e.g. T0123ABCD)'),
        channelId: z.string().regex(/^[A-Za-z0-9]{1,255}$/, 'is not a Slack channel id (e.g. C0123456789)'),
      }),
    )
    .default([]),
  /** Microsoft Teams channels; authorize the team once in the same console. */
  teams: z
    .array(
      z.strictObject({
        teamId: z.string().regex(UUID, 'is not a Microsoft Teams team id (a lowercase UUID)'),
        tenantId: z.string().regex(UUID, 'is not a Microsoft Entra tenant id (a lowercase UUID)'),
        channelId: z
          .string()
          .regex(
            /^[A-Za-z0-9_=+/.,-]*%3[aA][A-Za-z0-9_=+/.,-]*%40[A-Za-z0-9_=+/.,-]*$/,
            'is not a URL-encoded Teams channel id (19%3a...%40thread.tacv2)',
          ),
      }),
    )
    .default([]),
});

const observabilitySchema = z.strictObject({
  /** Alarms still evaluate and show on the dashboard but notify no one. Budget alerts are never muted. */
  mute: z.boolean().default(false),
  /** Subscribed to the alarm topic by email; each address confirms the subscription AWS mails it. */
  alarmEmails: z.array(z.string().regex(EMAIL, 'is not an email address (name@example.com)')).default([]),
  /** Chat channels that receive the same notifications as the emails. */
  chat: chatSchema.default({ slack: [], teams: [] }),
  alarms: alarmThresholdsSchema.default(() => alarmThresholdsSchema.parse({})),
  /**
   * Days Langfuse's raw events and media are kept in S3 (its bucket's events/ and media/ expire after them). Langfuse's
   * own data retention (ClickHouse and media together) is an Enterprise Edition feature, so traces in ClickHouse stay
   * until deleted (README, "Trace retention"). At least 3, Langfuse's own minimum. @default kept until deleted
   */
  traceRetentionDays: z.number().int().min(3, 'must be at least 3 (Langfuse keeps nothing shorter)').max(3650).optional(),
  /** Monthly cost budget of the environment (resources tagged genai:environment=<name>), in USD. */
  monthlyBudgetUsd: z.number().gt(0, 'must be above 0 (allowed: US dollars above 0, up to 1000000)').max(1_000_000).default(1000),
  /** Percentages of the budget at which actual spend notifies; a forecast above 100% notifies too. */
  budgetAlertPercents: z
    .array(z.number().int().min(1).max(1000))
    .min(1, 'needs at least one percentage (e.g. [80, 100])')
    .max(4, 'has more than 4 percentages (AWS Budgets allows 5 notifications per budget; one is the forecast)')
    .default([80, 100]),
});

export const environmentSchema = z
  .strictObject({
    /** Lowercase; it prefixes stack ids. */
    name: z.string().regex(/^[a-z][a-z0-9]{1,11}$/, 'is not an environment name (lowercase letters and digits, 2-12 characters)'),
    /** Ephemeral environments are destroyed daily: nothing is retained or deletion-protected. */
    ephemeral: z.boolean(),
    account: z.string().regex(ACCOUNT, 'is not an AWS account id (12 digits)').optional(),
    /**
     * Set it in the overlay. Left out, it comes from the shell: CDK_DEFAULT_REGION (the CDK CLI's region: AWS_REGION or
     * the AWS profile's), then AWS_REGION, then AWS_DEFAULT_REGION; synth then prints which region it took.
     */
    region: z
      .string({
        error:
          'is required: set region in the overlay (left out, it comes from CDK_DEFAULT_REGION, AWS_REGION or AWS_DEFAULT_REGION, and none is set)',
      })
      .regex(REGION, 'is not an AWS region (e.g. us-east-1)'),
    /** Deletion protection on the database; required outside ephemeral environments. */
    deletionProtection: z.boolean().default(false),
    network: networkSchema.default(() => networkSchema.parse({})),
    database: databaseSchema.default(() => databaseSchema.parse({})),
    cache: cacheSchema.default(() => cacheSchema.parse({})),
    /** Daily AWS Backup recovery points of Aurora and the ClickHouse volumes. */
    backup: backupSchema.default(() => backupSchema.parse({})),
    cluster: clusterSchema.default(() => clusterSchema.parse({})),
    workloads: workloadsSchema.default(() => workloadsSchema.parse({})),
    edge: edgeSchema.default(() => edgeSchema.parse({})),
    /** Model groups: the names clients ask for, each served by one or more deployments. */
    models: z
      .array(modelGroupSchema)
      .min(1, 'needs at least one model')
      .default(() => DEFAULT_MODELS.map((group) => modelGroupSchema.parse(group))),
    /** How LiteLLM spreads calls over a group's deployments, retries, cools deployments down and falls back. */
    router: routerSchema.default(() => routerSchema.parse({})),
    /** Exact-match response caching; off unless an environment turns it on. */
    responseCache: responseCacheSchema.default(() => responseCacheSchema.parse({})),
    /** Remote MCP servers LiteLLM serves as tools through its MCP gateway; teams are granted them by name. */
    mcpServers: z.array(mcpServerSchema).default([]),
    /** Bedrock guardrails (content filters, denied topics, PII, words); teams choose one by name. */
    guardrails: z.array(guardrailSchema).default([]),
    /** The load kit's mock model group (`npm run load`); off unless an environment turns it on. */
    loadTest: loadTestSchema.default(() => loadTestSchema.parse({})),
    observability: observabilitySchema.default(() => observabilitySchema.parse({})),
    /** Teams (budgets, limits, models) and their consumers (one virtual key each), reconciled into LiteLLM at deploy time. */
    tenants: tenantsSchema.default(() => tenantsSchema.parse({})),
    /** Open WebUI, the employees' chat in front of the gateway. */
    openWebUi: openWebUiSchema.default(() => openWebUiSchema.parse({})),
    /** Single sign-on for the web UIs and, with a domain, one HTTPS entrance for them and the API. */
    web: webSchema.default(() => webSchema.parse({})),
  })
  .superRefine((env, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (env.database.minCapacity > env.database.maxCapacity) {
      issue(
        ['database', 'minCapacity'],
        `${env.database.minCapacity} is above maxCapacity ${env.database.maxCapacity} (allowed: 0 to maxCapacity)`,
      );
    }
    const zones = env.network.availabilityZones.length;
    if (zones >= 2 && env.network.natGateways > zones) {
      issue(
        ['network', 'natGateways'],
        `${env.network.natGateways} is more than the ${env.network.availabilityZones.length} zones (allowed: 1 to the number of zones)`,
      );
    }
    if (new Set(env.network.availabilityZones).size !== env.network.availabilityZones.length) {
      issue(['network', 'availabilityZones'], 'lists a zone twice (allowed: distinct zone names)');
    }
    if (!env.cluster.operatorRole && env.cluster.adminRoleArns.length === 0) {
      issue(
        ['cluster', 'adminRoleArns'],
        'is empty while operatorRole is false: nobody could use kubectl (allowed: at least one role ARN, or operatorRole: true)',
      );
    }
    if (env.cluster.endpointAccess.mode === 'private' && !env.cluster.endpointTunnel && env.ephemeral) {
      issue(
        ['cluster', 'endpointTunnel'],
        'must be true for an ephemeral environment with a private endpoint: its VPC is new every morning, so no VPN reaches it (allowed: true, or endpointAccess public-and-private with your CIDRs)',
      );
    }
    if (env.cache.multiAz && env.cache.replicas < 1) {
      issue(['cache', 'replicas'], 'must be at least 1 when multiAz is true (a primary cannot fail over to nothing)');
    }
    if (!env.ephemeral && !env.deletionProtection) {
      issue(['deletionProtection'], 'must be true for a non-ephemeral environment (set ephemeral: true for a throwaway environment)');
    }
    if (env.ephemeral && env.backup.enabled) {
      issue(['backup', 'enabled'], 'must be false for an ephemeral environment (recovery points would outlive every nightly destroy)');
    }
    if (env.name === 'account') {
      issue(['name'], '"account" is reserved for the account-level stage (budgets and cost alerts; allowed: any other name)');
    }
    if (env.ephemeral && env.deletionProtection) {
      issue(['deletionProtection'], 'must be false for an ephemeral environment (the end-of-day destroy would fail)');
    }
    env.network.availabilityZones.forEach((zone, i) => {
      if (!zone.startsWith(env.region) || zone.length !== env.region.length + 1) {
        issue(['network', 'availabilityZones', i], `"${zone}" is not in region ${env.region} (allowed: zones of the configured region)`);
      }
    });
    const { litellm, langfuse } = env.workloads;
    if (litellm.minReplicas > litellm.maxReplicas) {
      issue(
        ['workloads', 'litellm', 'minReplicas'],
        `${litellm.minReplicas} is above maxReplicas ${litellm.maxReplicas} (allowed: 1 to maxReplicas)`,
      );
    }
    if (langfuse.webReplicas > langfuse.webMaxReplicas) {
      issue(
        ['workloads', 'langfuse', 'webReplicas'],
        `${langfuse.webReplicas} is above webMaxReplicas ${langfuse.webMaxReplicas} (allowed: 1 to webMaxReplicas)`,
      );
    }
    const percents = env.observability.budgetAlertPercents;
    percents.forEach((p, i) => {
      if (percents.indexOf(p) !== i)
        issue(['observability', 'budgetAlertPercents', i], `${p} is listed twice (allowed: distinct percentages)`);
    });
    checkModelGroups(env.models, issue);
    checkLoadTest(
      env.loadTest,
      env.ephemeral,
      env.models.map((m) => m.name),
      issue,
    );
    checkTenants(
      env.tenants,
      grantableModelNames(
        env.loadTest,
        env.models.map((m) => m.name),
      ),
      env.edge.identity.provider,
      env.ephemeral,
      issue,
      env.openWebUi,
    );
    env.tenants.consumers.forEach((consumer, i) => {
      if (consumer.browser) {
        checkBrowserIdentity(
          ['tenants', 'consumers', i, 'browser'],
          env.edge.identity.provider,
          env.web.sso.provider,
          env.edge.mode,
          issue,
        );
      }
    });
    checkMcpServers(env.mcpServers, env.tenants.teams, issue);
    checkGuardrails(
      env.guardrails,
      env.tenants.teams,
      env.models.map((m) => m.name),
      issue,
      env.openWebUi.enabled ? env.openWebUi.team : undefined,
    );
    checkWeb(env.web, env.openWebUi, env.tenants.teams, issue);
  })
  // Everything downstream (IAM, secrets, metrics, the chart) reads one deployment at a time, as LiteLLM's
  // model_list does; the groups stay available as `modelGroups` for what is per group (fallbacks).
  .transform(({ models, ...env }) => ({ ...env, modelGroups: models, models: flattenModelGroups(models) }));

/** Config as written in an overlay: fields with defaults may be left out; region should not be (see `region`). */
export type EnvironmentInput = Omit<z.input<typeof environmentSchema>, 'region'> & { readonly region?: string };
/** Config after validation and defaults. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ObservabilityConfig = EnvironmentConfig['observability'];
export type TenantsConfig = EnvironmentConfig['tenants'];
export type WebConfig = EnvironmentConfig['web'];
export type OpenWebUiConfig = EnvironmentConfig['openWebUi'];
export type BedrockModelConfig = Extract<ModelConfig, { provider: 'bedrock' }>;
