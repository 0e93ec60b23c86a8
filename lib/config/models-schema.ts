/**
 * Models, routing and response caching of the gateway: the `models`, `router` and `responseCache` parts of an
 * environment config. A model group is the name clients ask for; its deployments are where LiteLLM may send
 * the call. What each field becomes in LiteLLM's config.yaml, and the upstream facts behind it, are in
 * k8s/renderers/litellm-config.ts and test/contracts/litellm-router.test.ts.
 */
import { z } from 'zod';
import { grantedModels } from '../shared/guardrails';

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const MODEL_PROVIDERS = ['bedrock', 'azure', 'gemini'] as const;

/** Routing strategies of LiteLLM's router we offer (litellm/router.py, Router.__init__ routing_strategy). */
export const ROUTING_STRATEGIES = ['simple-shuffle', 'least-busy', 'latency-based-routing', 'usage-based-routing-v2'] as const;

/** How a deployment shares its group's traffic; the same fields for every provider. */
const share = {
  /**
   * Relative share of the group's traffic among the deployments of the same tier (simple-shuffle picks at
   * random in proportion to it). 0 keeps a deployment configured but sends it nothing.
   * @default 1
   */
  weight: z.number().int().min(0).max(1000, 'is above 1000 (allowed: 0 to 1000)').default(1),
  /** The deployment's own requests-per-minute quota; usage-based-routing-v2 keeps traffic under it. */
  rpm: z.number().int().min(1).optional(),
  /** The deployment's own tokens-per-minute quota; usage-based-routing-v2 keeps traffic under it. */
  tpm: z.number().int().min(1).optional(),
  /**
   * A standby (0 % in normal operation) takes traffic only while every active deployment of its group is
   * cooling down: a regional reserve that costs nothing until it is needed.
   * @default false
   */
  standby: z.boolean().default(false),
};

const bedrockDeployment = z.strictObject({
  provider: z.literal('bedrock'),
  /** Foundation model id, e.g. anthropic.claude-sonnet-4-20250514-v1:0. */
  modelId: z.string().regex(/^[a-z0-9-]+\.[a-z0-9.:-]+$/, 'is not a Bedrock model id (e.g. anthropic.claude-sonnet-4-20250514-v1:0)'),
  /** Cross-region inference profile prefix (us, eu, apac, global); omit to call the model in `region` directly. */
  inferenceProfile: z.enum(['us', 'eu', 'apac', 'global']).optional(),
  /** Region LiteLLM calls Bedrock in (the inference profile's source region when one is set). */
  region: z.string().regex(REGION, 'is not an AWS region (e.g. us-east-1)'),
  /** Role in another account that holds the model access. */
  crossAccountRoleArn: z.string().regex(IAM_ROLE_ARN, 'is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)').optional(),
  ...share,
});

const azureDeployment = z.strictObject({
  provider: z.literal('azure'),
  deployment: z.string().min(1),
  apiBase: z
    .string()
    .regex(/^https:\/\/[a-z0-9-]+\.openai\.azure\.com\/?$/, 'is not an Azure OpenAI endpoint (https://<resource>.openai.azure.com)'),
  apiVersion: z.string().regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'is not an API version (e.g. 2024-10-21)'),
  /** Existing Secrets Manager secret holding the API key; it outlives ephemeral environments. */
  apiKeySecretName: z.string().regex(SECRET_NAME, 'is not a secret name'),
  ...share,
});

const geminiDeployment = z.strictObject({
  provider: z.literal('gemini'),
  model: z.string().regex(/^[a-z0-9.-]+$/, 'is not a Gemini model (e.g. gemini-2.5-pro)'),
  apiKeySecretName: z.string().regex(SECRET_NAME, 'is not a secret name'),
  ...share,
});

const deploymentSchema = z.discriminatedUnion('provider', [bedrockDeployment, azureDeployment, geminiDeployment]);

const groupNames = z.array(z.string()).default([]);

export const modelGroupSchema = z.strictObject({
  /** Name clients ask for (the OpenAI `model` field); teams are granted these names. */
  name: z.string().regex(MODEL_NAME, 'is not a model name (lowercase letters, digits, . _ -)'),
  /** Where the calls go: regions, accounts or providers serving the same model. */
  deployments: z.array(deploymentSchema).min(1, 'needs at least one deployment'),
  /** Other groups tried in this order once every deployment of this one has failed the call. */
  fallbacks: groupNames,
  /** Groups with a larger context window, tried in this order when a prompt is too long for this one. */
  contextWindowFallbacks: groupNames,
});

const retries = (max: number) => z.number().int().min(0).max(max, `is above ${max} (allowed: 0 to ${max})`);
const allowedFails = z.number().int().min(1, 'must be at least 1 (LiteLLM reads 0 as unset)').max(1000);

export const routerSchema = z.strictObject({
  /**
   * simple-shuffle: a weighted random pick with no shared state on the hot path; LiteLLM recommends it for
   * production, and weights and standbys express every split we need.
   */
  strategy: z.enum(ROUTING_STRATEGIES).default('simple-shuffle'),
  /** Retries for errors the per-class policy below does not name (5xx, connection errors). */
  numRetries: retries(5).default(2),
  /** Retries per error class. A retry picks a deployment again, so it can land in another region. */
  retries: z
    .strictObject({
      /** A throttled region goes into cool-down, so a retry reaches another one. */
      rateLimit: retries(5).default(2),
      /** A timed-out call has already used the whole request timeout; the fallback group is the better bet. */
      timeout: retries(5).default(0),
      /** Client errors fail again wherever they are sent. */
      badRequest: retries(5).default(0),
      contentPolicy: retries(5).default(0),
      /** A wrong key or a model not enabled in a region does not fix itself in seconds. */
      authentication: retries(5).default(0),
      notFound: retries(5).default(0),
    })
    .default({ rateLimit: 2, timeout: 0, badRequest: 0, contentPolicy: 0, authentication: 0, notFound: 0 }),
  /** Failures a deployment may have before it cools down, for error classes not listed below (LiteLLM counts them over the cool-down period). */
  allowedFails: allowedFails.default(3),
  /** Failures by error class before a deployment cools down (LiteLLM's allowed_fails_policy); the next one cools it down. */
  allowedFailsPerError: z
    .strictObject({
      /** One throttled region should shed its load quickly, but one 429 is not an outage. */
      rateLimit: allowedFails.default(2),
      timeout: allowedFails.default(2),
      /** Credentials or model access missing in a region: take it out at once. */
      authentication: allowedFails.default(1),
      /** Client errors say nothing about the deployment's health. */
      badRequest: allowedFails.default(1000),
      contentPolicy: allowedFails.default(1000),
    })
    .default({ rateLimit: 2, timeout: 2, authentication: 1, badRequest: 1000, contentPolicy: 1000 }),
  /** Seconds a failing deployment gets no traffic; LiteLLM's 5 s default is shorter than a regional throttle. */
  cooldownSeconds: z.number().int().min(1).max(3600, 'is above 3600 (allowed: 1 to 3600 seconds)').default(30),
});

/** Bounds of a cached response's lifetime. */
export const RESPONSE_CACHE_TTL = { min: 1, max: 86_400 } as const;

export const responseCacheSchema = z.strictObject({
  /** Exact-match caching of completions and embeddings, in each gateway pod's memory (never in Valkey). */
  enabled: z.boolean().default(false),
  /** `opt-in`: a request is cached only when it asks ("cache": {"use-cache": true}); `opt-out`: every request unless it says no-cache/no-store. */
  mode: z.enum(['opt-in', 'opt-out']).default('opt-in'),
  ttlSeconds: z
    .number()
    .int()
    .min(
      RESPONSE_CACHE_TTL.min,
      `is below ${RESPONSE_CACHE_TTL.min} (allowed: ${RESPONSE_CACHE_TTL.min} to ${RESPONSE_CACHE_TTL.max} seconds)`,
    )
    .max(
      RESPONSE_CACHE_TTL.max,
      `is above ${RESPONSE_CACHE_TTL.max} (allowed: ${RESPONSE_CACHE_TTL.min} to ${RESPONSE_CACHE_TTL.max} seconds)`,
    )
    .default(600),
  /**
   * Accept that teams calling the same model group share cache entries. LiteLLM's cache key leaves out the caller's key
   * and team, and a caller may name its own `cache_key` (test/contracts/litellm-cache.test.ts), so one team can be
   * served another's cached answer. Without this, the cache is refused when two teams can call one model group.
   */
  sharedAcrossTeams: z.boolean().default(false),
});

/** The teams' model grants as the response cache sees them: guarded copies are groups of their own. */
export function checkResponseCache(
  cache: ResponseCacheConfig,
  teams: readonly { readonly name: string; readonly models: readonly string[]; readonly guardrail?: string }[],
  issue: Issue,
): void {
  if (!cache.enabled || cache.sharedAcrossTeams) return;
  const callers = new Map<string, string[]>();
  for (const team of teams) for (const model of grantedModels(team)) callers.set(model, [...(callers.get(model) ?? []), team.name]);
  for (const [model, names] of callers) {
    if (names.length < 2) continue;
    issue(
      ['responseCache', 'enabled'],
      `teams ${names.join(', ')} can all call ${model}, and LiteLLM's cache key leaves out the team: one would be served ` +
        `another's cached answers (give each team its own models, or set responseCache.sharedAcrossTeams: true to accept it)`,
    );
  }
}

export type ModelGroupInput = z.input<typeof modelGroupSchema>;
export type ModelGroupConfig = z.output<typeof modelGroupSchema>;
export type ModelDeploymentConfig = ModelGroupConfig['deployments'][number];
export type RouterConfig = z.output<typeof routerSchema>;
export type ResponseCacheConfig = z.output<typeof responseCacheSchema>;

/**
 * One deployment with the name of its group, as LiteLLM's model_list holds it. How the traffic share fields
 * are optional here so a deployment can be written in tests as before; absent means weight 1, not standby.
 */
export type ModelConfig = { readonly name: string } & (
  | Omit<Extract<ModelDeploymentConfig, { provider: 'bedrock' }>, keyof typeof share>
  | Omit<Extract<ModelDeploymentConfig, { provider: 'azure' }>, keyof typeof share>
  | Omit<Extract<ModelDeploymentConfig, { provider: 'gemini' }>, keyof typeof share>
) & { readonly weight?: number; readonly rpm?: number; readonly tpm?: number; readonly standby?: boolean };

/** Every deployment of every group, in config order, each carrying its group's name. */
export function flattenModelGroups(groups: readonly ModelGroupConfig[]): ModelConfig[] {
  return groups.flatMap((group) => group.deployments.map((deployment) => ({ name: group.name, ...deployment })));
}

/** The design notes' default: Claude through US inference profiles in us-east-1, one deployment each. */
export const DEFAULT_MODELS: ModelGroupInput[] = [
  {
    name: 'claude-3-7-sonnet',
    deployments: [
      { provider: 'bedrock', modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0', inferenceProfile: 'us', region: 'us-east-1' },
    ],
  },
  {
    name: 'claude-sonnet-4',
    deployments: [{ provider: 'bedrock', modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', inferenceProfile: 'us', region: 'us-east-1' }],
    fallbacks: ['claude-3-7-sonnet'],
  },
  {
    name: 'claude-opus-4',
    deployments: [{ provider: 'bedrock', modelId: 'anthropic.claude-opus-4-20250514-v1:0', inferenceProfile: 'us', region: 'us-east-1' }],
    fallbacks: ['claude-sonnet-4'],
  },
];

type Issue = (path: (string | number)[], message: string) => void;

/** Rules across groups: names, traffic that has somewhere to go, fallbacks that exist and end. */
export function checkModelGroups(groups: readonly ModelGroupConfig[], issue: Issue): void {
  const names = groups.map((g) => g.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i) issue(['models', i, 'name'], `"${name}" is used twice (allowed: unique model names)`);
  });

  groups.forEach((group, i) => {
    const at = (...path: (string | number)[]) => ['models', i, ...path];
    const active = group.deployments.filter((d) => !d.standby);
    if (group.deployments.length === 0) {
      // Reported by the schema already.
    } else if (active.length === 0) {
      issue(at('deployments'), 'has only standby deployments (allowed: at least one deployment with standby false)');
    } else if (active.every((d) => d.weight === 0)) {
      issue(
        at('deployments', group.deployments.indexOf(active[0]!), 'weight'),
        `0 on every active deployment leaves ${group.name} nothing to send traffic to (allowed: a weight above 0 on at least one)`,
      );
    }

    const seen = new Map<string, number>();
    group.deployments.forEach((d, j) => {
      const key = deploymentKey(d);
      const first = seen.get(key);
      if (first !== undefined) {
        issue(at('deployments', j), `repeats deployment ${first} (same provider, model, region and account; raise its weight instead)`);
      } else {
        seen.set(key, j);
      }
    });

    // One API key variable per group and provider (k8s/renderers/litellm-config.ts), and the chart looks the
    // secret up by group name: a group's keyed deployments share one secret.
    const secrets = group.deployments.flatMap((d, j) => (d.provider === 'bedrock' ? [] : [[j, d.apiKeySecretName] as const]));
    secrets.forEach(([j, secret]) => {
      const [firstIndex, firstSecret] = secrets[0]!;
      if (secret !== firstSecret) {
        issue(
          at('deployments', j, 'apiKeySecretName'),
          `"${secret}" differs from "${firstSecret}" of deployment ${firstIndex} (allowed: one API key secret per model group; put the other endpoint in a group of its own and list it in fallbacks)`,
        );
      }
    });

    for (const field of ['fallbacks', 'contextWindowFallbacks'] as const) {
      group[field].forEach((target, j) => {
        if (target === group.name) {
          issue(at(field, j), `"${target}" is the group itself (allowed: other model groups)`);
        } else if (!names.includes(target)) {
          issue(at(field, j), `"${target}" is not a model group (allowed: ${names.filter((n) => n !== group.name).join(', ')})`);
        } else if (group[field].indexOf(target) !== j) {
          issue(at(field, j), `"${target}" is listed twice (allowed: each group once, in the order to try them)`);
        }
      });
    }
  });

  for (const field of ['fallbacks', 'contextWindowFallbacks'] as const) {
    reportCycles(groups, field, issue);
  }
}

/** Reports, once per cycle, the first edge of a fallback chain that leads back to where it started. */
function reportCycles(groups: readonly ModelGroupConfig[], field: 'fallbacks' | 'contextWindowFallbacks', issue: Issue): void {
  const edges = new Map(groups.map((g) => [g.name, g[field]]));
  const reported = new Set<string>();
  groups.forEach((group, i) => {
    group[field].forEach((target, j) => {
      if (target === group.name) return;
      const path = pathBetween(edges, target, group.name);
      if (!path) return;
      const cycle = [group.name, ...path];
      const id = [...cycle.slice(0, -1)].sort().join(' ');
      if (reported.has(id)) return;
      reported.add(id);
      issue(
        ['models', i, field, j],
        `"${target}" leads back to "${group.name}" (${cycle.join(' -> ')}; allowed: fallback chains that end)`,
      );
    });
  });
}

/** Names from `from` to `to` following the edges, or undefined when `to` cannot be reached. */
function pathBetween(edges: ReadonlyMap<string, readonly string[]>, from: string, to: string): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [from];
  const visited = new Set([from]);
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) {
      const path = [node];
      for (let at = node; previous.has(at);) path.unshift((at = previous.get(at)!));
      return path;
    }
    for (const next of edges.get(node) ?? []) {
      if (visited.has(next)) continue;
      visited.add(next);
      previous.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}

function deploymentKey(d: ModelDeploymentConfig): string {
  switch (d.provider) {
    case 'bedrock':
      return ['bedrock', d.modelId, d.inferenceProfile ?? '', d.region, d.crossAccountRoleArn ?? ''].join('|');
    case 'azure':
      return ['azure', d.apiBase.replace(/\/$/, ''), d.deployment].join('|');
    case 'gemini':
      return ['gemini', d.model, d.apiKeySecretName].join('|');
  }
}
