/**
 * The `litellm_settings` that turn on LiteLLM's Prometheus metrics (/metrics on the gateway's own port) with only the
 * metrics and labels of lib/shared/usage-metrics.ts. Pure: no CDK, no I/O. Upstream behaviour:
 * test/contracts/litellm-prometheus.test.ts.
 */
import { USAGE_METRICS } from '../../lib/shared/usage-metrics';

/** The callback name that registers LiteLLM's Prometheus logger and mounts /metrics. */
export const LITELLM_PROMETHEUS_CALLBACK = 'prometheus';

/** One `prometheus_metrics_config` group: LiteLLM creates only the metrics listed, each with only these labels. */
export interface PrometheusMetricsGroup {
  readonly group: string;
  readonly metrics: string[];
  readonly include_labels: string[];
}

/** One group per metric: each keeps its own labels (a group's include_labels must all be valid for every metric in it). */
export function prometheusMetricsConfig(): PrometheusMetricsGroup[] {
  return Object.entries(USAGE_METRICS).map(([name, metric]) => ({
    group: name,
    metrics: [metric.litellmName],
    include_labels: [...metric.labels],
  }));
}

/** The `litellm_settings` keys (besides the callback itself) the metrics need. */
export function prometheusSettings(): Record<string, unknown> {
  return {
    // With a config, LiteLLM creates only the metrics listed; every other one is a no-op, so nothing else is exposed.
    prometheus_metrics_config: prometheusMetricsConfig(),
    // Every team's remaining budget is published every few minutes, not only after its next request, so the budget
    // alarm sees a team that stopped at 90% of its budget.
    prometheus_initialize_budget_metrics: true,
    // Stated, not left to a default that could change: end users never become a label.
    enable_end_user_cost_tracking_prometheus_only: false,
  };
}
