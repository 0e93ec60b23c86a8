/**
 * The Container Insights add-on's extra CloudWatch agent that scrapes LiteLLM's /metrics and publishes the usage
 * metrics to CloudWatch as embedded metric format (EMF) logs. Pure: no CDK, no I/O; the add-on's configuration values
 * carry it (constructs/container-insights.ts). Upstream facts: test/contracts/cloudwatch.test.ts.
 */
import {
  DROPPED_LABELS,
  ENVIRONMENT_LABEL,
  SCRAPE_INTERVAL_SECONDS,
  USAGE_AGENT,
  USAGE_METRICS,
  USAGE_METRICS_NAMESPACE,
  exposedName,
} from '../lib/shared/usage-metrics';

/** The scrape job's name; the EMF declarations match samples by it. */
export const USAGE_SCRAPE_JOB = 'litellm-usage';

/** Where the add-on's operator mounts an agent's Prometheus scrape config (`prometheus.config`). */
export const PROMETHEUS_CONFIG_PATH = '/etc/prometheusconfig/prometheus.yaml';

/**
 * The add-on's own two agents as chart v6.4.0 declares them (values.yaml `agents`). Setting `agents` replaces the
 * list, so they are restated unchanged beside ours; bump with CONTAINER_INSIGHTS_ADDON_VERSION.
 */
export const ADDON_DEFAULT_AGENTS = [
  { name: 'cloudwatch-agent' },
  { name: 'cloudwatch-agent-cluster-scraper', mode: 'deployment', config: 'default' },
] as const;

export interface UsageMetricsAgentProps {
  /** The region the metrics go to: off the host network the agent cannot ask the instance metadata for it. */
  readonly region: string;
  /** Environment name: every sample gets it as the Environment label, and so every metric as a dimension. */
  readonly environment: string;
  /** Literal cluster name (the agent's log group is under /aws/containerinsights/<cluster>/). */
  readonly clusterName: string;
  /** Namespace of the LiteLLM pods. */
  readonly namespace: string;
  /** Labels that select the LiteLLM gateway pods (not the migration Job). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The gateway's port, which also serves /metrics. */
  readonly port: number;
  /**
   * Teams with a budget. LiteLLM reports an unlimited team's remaining budget as +Inf, which CloudWatch cannot store,
   * so only these teams' remaining budgets are published.
   */
  readonly budgetedTeams: readonly string[];
}

/** The log group the agent writes the EMF events to (created by ContainerInsights with a retention). */
export function usageLogGroupName(clusterName: string): string {
  return `/aws/containerinsights/${clusterName}/prometheus`;
}

/** A Prometheus label name as Kubernetes service discovery spells a pod label (`__meta_kubernetes_pod_label_<name>`). */
function podLabelMeta(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Prometheus scrape config: every LiteLLM gateway pod, its own port, only our metrics, only bounded labels. */
export function usageScrapeConfig(props: UsageMetricsAgentProps): Record<string, unknown> {
  const labels = Object.entries(props.podLabels);
  if (labels.length === 0) throw new Error('podLabels: is empty (give the labels of the LiteLLM gateway pods)');
  const names = Object.values(USAGE_METRICS).map(exposedName);
  return {
    global: { scrape_interval: `${SCRAPE_INTERVAL_SECONDS}s`, scrape_timeout: '10s' },
    scrape_configs: [
      {
        job_name: USAGE_SCRAPE_JOB,
        // Each pod counts only its own requests: every pod is scraped and CloudWatch sums them.
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [props.namespace] } }],
        sample_limit: 5000,
        relabel_configs: [
          {
            source_labels: labels.map(([name]) => podLabelMeta(name)),
            regex: labels.map(([, value]) => escapeRegex(value)).join(';'),
            action: 'keep',
          },
          { source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: String(props.port), action: 'keep' },
          { target_label: ENVIRONMENT_LABEL, replacement: props.environment },
        ],
        metric_relabel_configs: [
          { source_labels: ['__name__'], regex: names.map(escapeRegex).join('|'), action: 'keep' },
          ...budgetOnlyForBudgetedTeams(props.budgetedTeams),
          // LiteLLM is told to leave these off (k8s/renderers/litellm-prometheus.ts); dropped again here.
          { regex: DROPPED_LABELS.join('|'), action: 'labeldrop' },
        ],
      },
    ],
  };
}

/**
 * Drops the remaining-budget samples of teams without a budget. Prometheus regexes cannot negate, so a temporary label
 * marks the budgeted teams first (labels starting with __ are gone after relabelling).
 */
function budgetOnlyForBudgetedTeams(teams: readonly string[]): Record<string, unknown>[] {
  const budget = exposedName(USAGE_METRICS.remainingTeamBudget);
  return [
    ...(teams.length > 0
      ? [{ source_labels: ['team_alias'], regex: teams.map(escapeRegex).join('|'), target_label: '__tmp_budgeted', replacement: 'yes' }]
      : []),
    { source_labels: ['__name__', '__tmp_budgeted'], regex: `${escapeRegex(budget)};`, action: 'drop' },
  ];
}

/** The agent's own config: Prometheus samples of our job into EMF, one declaration per metric. */
export function usageAgentConfig(props: UsageMetricsAgentProps): Record<string, unknown> {
  return {
    agent: { region: props.region },
    logs: {
      metrics_collected: {
        prometheus: {
          cluster_name: props.clusterName,
          log_group_name: usageLogGroupName(props.clusterName),
          prometheus_config_path: PROMETHEUS_CONFIG_PATH,
          emf_processor: {
            metric_namespace: USAGE_METRICS_NAMESPACE,
            metric_declaration: Object.values(USAGE_METRICS).map((metric) => ({
              source_labels: ['job'],
              label_matcher: `^${USAGE_SCRAPE_JOB}$`,
              dimensions: metric.dimensions.map((set) => [ENVIRONMENT_LABEL, ...set]),
              metric_selectors: [`^${escapeRegex(exposedName(metric))}$`],
            })),
          },
        },
      },
      force_flush_interval: 5,
    },
  };
}

/**
 * The `agents` entry: one replica (a Deployment), so each pod is scraped once however many nodes there are; off the host
 * network (the chart's default for its own agents is on), so LiteLLM's network policy can admit this pod and no other.
 */
export function usageMetricsAgent(props: UsageMetricsAgentProps): Record<string, unknown> {
  return {
    name: USAGE_AGENT.name,
    mode: 'deployment',
    replicas: 1,
    hostNetwork: false,
    config: usageAgentConfig(props),
    prometheus: { config: usageScrapeConfig(props) },
  };
}
