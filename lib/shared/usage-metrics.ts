/**
 * Per-team usage metrics: LiteLLM's Prometheus metrics, the labels they keep, and the CloudWatch names the Container
 * Insights agent publishes them under. LiteLLM's config (k8s/renderers/litellm-config.ts), the agent's scrape config
 * (constructs/container-insights.ts) and the dashboard and alarms (constructs/usage-metrics.ts) all read this one
 * place. Upstream facts: test/contracts/litellm-prometheus.test.ts and test/contracts/cloudwatch.test.ts.
 * Dependency-free on purpose: every folder imports it.
 */

/** CloudWatch namespace of the usage metrics (never `AWS/...`). */
export const USAGE_METRICS_NAMESPACE = 'GenAIPlatform/LiteLLM';

/** The label (and dimension) the scrape adds to every sample, so environments sharing an account stay apart. */
export const ENVIRONMENT_LABEL = 'Environment';

/**
 * The only LiteLLM labels that leave a pod: team name, consumer (key alias) and model. Each is bounded by the config
 * (teams, consumers, models); none carries a request id, an end user, a person or an address.
 */
export const KEPT_LABELS = ['team_alias', 'api_key_alias', 'requested_model', 'model'] as const;
export type KeptLabel = (typeof KEPT_LABELS)[number];

/**
 * Labels LiteLLM can put on these metrics that name a person, a client or a secret-derived value, or grow without
 * bound: never published. LiteLLM is told to leave them off, and the scrape drops them again should a LiteLLM upgrade
 * add them back.
 */
export const DROPPED_LABELS = [
  'end_user',
  'user',
  'user_email',
  'hashed_api_key',
  'client_ip',
  'user_agent',
  'route',
  'model_id',
  'api_base',
  'team',
  'exception_class',
  'tag',
] as const;

/** A LiteLLM metric we publish: its name in LiteLLM's config, the labels it keeps, and how it is exposed. */
export interface UsageMetric {
  /** The name `prometheus_metrics_config` takes (LiteLLM's DEFINED_PROMETHEUS_METRICS). */
  readonly litellmName: string;
  /** Labels LiteLLM keeps on it (`include_labels`); each must be one of the metric's own labels upstream. */
  readonly labels: readonly KeptLabel[];
  /** Counter or gauge: the agent turns a counter into the increase since its last scrape. */
  readonly kind: 'counter' | 'gauge';
  /** Dimension sets published to CloudWatch (the environment is added to each). */
  readonly dimensions: readonly (readonly KeptLabel[])[];
}

/**
 * The metrics on the dashboard and behind the alarms. Latency is not here: LiteLLM's latency metrics are histograms,
 * which the agent's Prometheus support drops (test/contracts/cloudwatch.test.ts).
 */
export const USAGE_METRICS = {
  spend: {
    litellmName: 'litellm_spend_metric',
    labels: ['team_alias', 'api_key_alias', 'model'],
    kind: 'counter',
    dimensions: [['team_alias'], ['team_alias', 'api_key_alias'], ['team_alias', 'model']],
  },
  inputTokens: {
    litellmName: 'litellm_input_tokens_metric',
    labels: ['team_alias', 'api_key_alias', 'requested_model'],
    kind: 'counter',
    dimensions: [['team_alias', 'requested_model']],
  },
  outputTokens: {
    litellmName: 'litellm_output_tokens_metric',
    labels: ['team_alias', 'api_key_alias', 'requested_model'],
    kind: 'counter',
    dimensions: [['team_alias', 'requested_model']],
  },
  requests: {
    litellmName: 'litellm_proxy_total_requests_metric',
    labels: ['team_alias', 'api_key_alias', 'requested_model'],
    kind: 'counter',
    dimensions: [['team_alias'], ['team_alias', 'requested_model']],
  },
  failedRequests: {
    litellmName: 'litellm_proxy_failed_requests_metric',
    labels: ['team_alias', 'api_key_alias', 'requested_model'],
    kind: 'counter',
    dimensions: [['team_alias'], ['team_alias', 'requested_model']],
  },
  remainingTeamBudget: {
    litellmName: 'litellm_remaining_team_budget_metric',
    labels: ['team_alias'],
    kind: 'gauge',
    dimensions: [['team_alias']],
  },
} as const satisfies Record<string, UsageMetric>;

export type UsageMetricName = keyof typeof USAGE_METRICS;

/**
 * The name a metric has on /metrics and so in CloudWatch: the Python Prometheus client exposes a counter as
 * `<name>_total` (and a `<name>_created` timestamp, which is not published).
 */
export function exposedName(metric: UsageMetric): string {
  return metric.kind === 'counter' ? `${metric.litellmName}_total` : metric.litellmName;
}

/**
 * The add-on's extra agent that scrapes LiteLLM (constructs/usage-metrics-agent.ts), and the labels its operator puts
 * on the agent's pods (name = the agent's name, component = amazon-cloudwatch-agent): the LiteLLM network policy admits
 * exactly these pods. It runs off the host network, so it has a pod address a policy can name.
 */
export const USAGE_AGENT = {
  name: 'litellm-usage-metrics',
  namespace: 'amazon-cloudwatch',
  podLabels: { 'app.kubernetes.io/name': 'litellm-usage-metrics', 'app.kubernetes.io/component': 'amazon-cloudwatch-agent' },
} as const;

/** Seconds between two scrapes of every LiteLLM pod. */
export const SCRAPE_INTERVAL_SECONDS = 60;

/** The alarm's default share of a team's budget, in percent. */
export const DEFAULT_TEAM_BUDGET_PERCENT = 80;
/** The alarm's default share of a team's requests that fail, in percent. */
export const DEFAULT_TEAM_ERROR_PERCENT = 10;
/** Fewer requests than this in 5 minutes never make an error rate (one failure in three is not a spike). */
export const MIN_REQUESTS_FOR_TEAM_ERROR_RATE = 20;
