/**
 * LiteLLM's Prometheus metrics as pinned in k8s/versions.ts (ghcr.io/berriai/litellm-non_root:v1.108.12): whether they
 * need a licence, which metrics and labels exist, how they are filtered, where /metrics is served and to whom. Checked
 * against our rendered config.yaml, the usage facts (lib/shared/usage-metrics.ts) and the edge's routes.
 *
 * Upstream, read 2026-12-06 from github.com/BerriAI/litellm (the index holds main-line copies, not the v1.108.12 tag;
 * a fact is stated where the copies agree, and each names the copy read). Restated in our own words:
 * - litellm/integrations/prometheus.py, commit 002de3dd1f256b09f77c7fb3f829d4942d4bf2f0 (newest copy, later than
 *   v1.108.12): the metrics and their factories, `_parse_prometheus_config`, `_is_metric_enabled`,
 *   `get_labels_for_metric`, `async_post_call_failure_hook`, `_is_invalid_api_key_request`, `_mount_metrics_endpoint`;
 *   `_safe_get_remaining_budget` as read in two older copies (stored ids 100772222 and 178522744).
 *   An older copy of the same file (stored id 100772222) still logged "Prometheus metrics are only available for premium
 *   users" when mounting /metrics; PR #16689 "Prometheus - make OSS" (merged 2025-11-15, before v1.108) removed it.
 * - litellm/types/integrations/prometheus.py, commit ed19250bf037d94d5c76af1a61eeb1c08ab269c1 (DEFINED_PROMETHEUS_METRICS,
 *   PrometheusMetricLabels, PrometheusMetricsConfig); an older copy (commit 026726408a076c330565d0ad878e4399aefe421a)
 *   did not yet list litellm_spend_metric or the token metrics as configurable. PR #18048 (2025-12-16) added model_id.
 * - litellm/proxy/middleware/prometheus_auth_middleware.py, commit 063238a789c6af28045a2252fdbdc7495691b0f7.
 * - docs/my-website/docs/proxy/prometheus.md (commit 05cd663c, older, still with an Enterprise banner) and its
 *   published copy docs.litellm.ai/docs/proxy/prometheus (last updated 2026-10-08, no banner): "Configuring Metrics and
 *   Labels", "Tracking end_user on Prometheus", "Initialize Budget Metrics on Startup", "Multiple Workers".
 * Not confirmed at the v1.108.12 tag itself: the exact label lists (later copies add labels, never remove the ones we
 * keep), and that the tag already has no premium check (it is later than PR 16689, which removed it).
 */
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { routeOf } from '../../constructs/openai-routes';
import { usageMetricsAgent } from '../../constructs/usage-metrics-agent';
import { NAMES } from '../../k8s/endpoints';
import { LITELLM_PROMETHEUS_CALLBACK } from '../../k8s/renderers/litellm-prometheus';
import { DROPPED_LABELS, KEPT_LABELS, USAGE_METRICS, exposedName } from '../../lib/shared/usage-metrics';
import { ENVIRONMENT_NAMES, charts, config, find, type Manifest } from '../k8s/support/charts';

/** DEFINED_PROMETHEUS_METRICS at commit ed19250 (the names `prometheus_metrics_config` accepts), the ones we use. */
const DEFINED_METRICS = [
  'litellm_request_total_latency_metric',
  'litellm_proxy_total_requests_metric',
  'litellm_proxy_failed_requests_metric',
  'litellm_spend_metric',
  'litellm_total_tokens_metric',
  'litellm_input_tokens_metric',
  'litellm_output_tokens_metric',
  'litellm_remaining_team_budget_metric',
  'litellm_team_max_budget_metric',
] as const;

/** PrometheusMetricLabels at commit ed19250: every label each metric can carry by default. */
const DEFAULT_LABELS: Record<string, readonly string[]> = {
  litellm_spend_metric: [
    'end_user',
    'hashed_api_key',
    'api_key_alias',
    'model',
    'team',
    'team_alias',
    'user',
    'user_email',
    'client_ip',
    'user_agent',
    'model_id',
  ],
  litellm_input_tokens_metric: [
    'end_user',
    'hashed_api_key',
    'api_key_alias',
    'model',
    'team',
    'team_alias',
    'user',
    'user_email',
    'requested_model',
    'model_id',
  ],
  litellm_output_tokens_metric: [
    'end_user',
    'hashed_api_key',
    'api_key_alias',
    'model',
    'team',
    'team_alias',
    'user',
    'user_email',
    'requested_model',
    'model_id',
  ],
  litellm_proxy_total_requests_metric: [
    'end_user',
    'hashed_api_key',
    'api_key_alias',
    'requested_model',
    'team',
    'team_alias',
    'user',
    'status_code',
    'user_email',
    'route',
    'client_ip',
    'user_agent',
    'model_id',
  ],
  litellm_proxy_failed_requests_metric: [
    'end_user',
    'hashed_api_key',
    'api_key_alias',
    'requested_model',
    'team',
    'team_alias',
    'user',
    'user_email',
    'exception_status',
    'exception_class',
    'route',
    'client_ip',
    'user_agent',
    'model_id',
  ],
  litellm_remaining_team_budget_metric: ['team', 'team_alias'],
  litellm_request_total_latency_metric: [
    'end_user',
    'hashed_api_key',
    'api_key_alias',
    'requested_model',
    'team',
    'team_alias',
    'user',
    'model',
    'model_id',
  ],
};

/** Labels that are bounded by our config or by HTTP itself, so harmless if a later release kept one by default. */
const BOUNDED = new Set<string>([...KEPT_LABELS, 'team_alias', 'status_code', 'exception_status']);

const rendered = ENVIRONMENT_NAMES.map((env) => {
  const manifests = Testing.synth(charts(config(env)).litellm) as Manifest[];
  const cfg = parse(find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml']) as Manifest;
  const deployment = find(manifests, 'Deployment', NAMES.litellm.deployment);
  return { env, settings: cfg.litellm_settings as Manifest, deployment };
});

describe('LiteLLM Prometheus metrics (contract)', () => {
  test.each(rendered)(
    'are free at the pinned line: the callback alone turns them on, no licence key is configured ($env)',
    ({ settings, deployment }) => {
      // _mount_metrics_endpoint (002de3dd) mounts /metrics with no premium_user check; PR 16689 removed the Enterprise gate.
      expect(settings.callbacks).toContain(LITELLM_PROMETHEUS_CALLBACK);
      const env = (deployment.spec.template.spec.containers[0].env as Manifest[]).map((e) => e.name);
      expect(env).not.toContain('LITELLM_LICENSE');
    },
  );

  test.each(rendered)(
    'LiteLLM refuses to start on an unknown metric or a label the metric does not have: every name and label we configure is upstream ($env)',
    ({ settings }) => {
      // _validate_all_configurations raises ValueError("Configuration validation failed ...") at start-up.
      for (const group of settings.prometheus_metrics_config as { metrics: string[]; include_labels: string[] }[]) {
        for (const metric of group.metrics) {
          expect(DEFINED_METRICS).toContain(metric);
          for (const label of group.include_labels) expect(DEFAULT_LABELS[metric]).toContain(label);
        }
      }
    },
  );

  test.each(rendered)(
    'with prometheus_metrics_config, a metric not listed is a no-op and a listed one keeps only include_labels: we list exactly ours ($env)',
    ({ settings }) => {
      // _is_metric_enabled / _create_metric_factory (NoOpMetric) and get_labels_for_metric (intersection with defaults).
      const groups = settings.prometheus_metrics_config as { metrics: string[]; include_labels: string[] }[];
      expect(groups.flatMap((g) => g.metrics).sort()).toEqual(
        Object.values(USAGE_METRICS)
          .map((m) => m.litellmName)
          .sort(),
      );
    },
  );

  test.each(rendered)(
    'denies per-request and personal values as labels: end user, user, e-mail, key hash, client IP, user agent, deployment id never kept ($env)',
    ({ settings }) => {
      const kept = (settings.prometheus_metrics_config as { include_labels: string[] }[]).flatMap((g) => g.include_labels);
      for (const label of ['end_user', 'user', 'user_email', 'hashed_api_key', 'client_ip', 'user_agent', 'model_id', 'route']) {
        expect(kept).not.toContain(label);
        expect(DROPPED_LABELS as readonly string[]).toContain(label);
      }
      // Off by default upstream ("Tracking end_user on Prometheus"); stated so a changed default cannot turn it on.
      expect(settings.enable_end_user_cost_tracking_prometheus_only).toBe(false);
    },
  );

  test('every default label upstream that is not bounded by our config is dropped again by the scrape, should LiteLLM bring it back', () => {
    for (const metric of Object.values(USAGE_METRICS)) {
      for (const label of DEFAULT_LABELS[metric.litellmName]!) {
        if (!BOUNDED.has(label)) expect(DROPPED_LABELS as readonly string[]).toContain(label);
      }
    }
  });

  test('the Python client exposes a counter as <name>_total: the names CloudWatch receives carry the suffix, gauges do not', () => {
    // prometheus_client Counter; the factories create spend, tokens and requests as Counter, budgets as Gauge.
    expect(Object.values(USAGE_METRICS).map(exposedName)).toEqual([
      'litellm_spend_metric_total',
      'litellm_input_tokens_metric_total',
      'litellm_output_tokens_metric_total',
      'litellm_proxy_total_requests_metric_total',
      'litellm_proxy_failed_requests_metric_total',
      'litellm_remaining_team_budget_metric',
    ]);
  });

  test('a failed request counts in both failed and total requests, so failed / total is the failure share; a bad key counts in neither', () => {
    // async_post_call_failure_hook increments litellm_proxy_failed_requests_metric and litellm_proxy_total_requests_metric;
    // _should_skip_metrics_for_invalid_key skips a 401 (an unknown key has no team anyway).
    expect(USAGE_METRICS.failedRequests.labels).toEqual(USAGE_METRICS.requests.labels);
  });

  test.each(rendered)(
    "the team's remaining budget is refreshed for every team from the database, not only after a request ($env)",
    ({ settings }) => {
      // initialize_budget_metrics_cron_job, every PROMETHEUS_BUDGET_METRICS_REFRESH_INTERVAL_MINUTES.
      expect(settings.prometheus_initialize_budget_metrics).toBe(true);
    },
  );

  test("an unlimited team's remaining budget is +Inf, which CloudWatch cannot store: only teams with a budget have theirs scraped", () => {
    // _safe_get_remaining_budget returns float("inf") when max_budget is None.
    for (const env of ENVIRONMENT_NAMES) {
      const teams = config(env).tenants.teams;
      const agent = usageMetricsAgent({
        environment: env,
        region: 'us-east-1',
        clusterName: `genai-${env}`,
        namespace: 'litellm',
        podLabels: { app: 'litellm' },
        port: 4000,
        budgetedTeams: teams.filter((t) => t.maxBudgetUsd !== undefined).map((t) => t.name),
      }) as Manifest;
      const rules = agent.prometheus.config.scrape_configs[0].metric_relabel_configs as Manifest[];
      const marker = rules.find((r) => r.target_label === '__tmp_budgeted');
      for (const team of teams) {
        const marked = marker !== undefined && new RegExp(`^(?:${marker.regex})$`).test(team.name);
        expect([team.name, marked]).toEqual([team.name, team.maxBudgetUsd !== undefined]);
      }
      expect(rules).toContainEqual({
        source_labels: ['__name__', '__tmp_budgeted'],
        regex: 'litellm_remaining_team_budget_metric;',
        action: 'drop',
      });
    }
  });

  test.each(rendered)(
    '/metrics is served on the proxy port without auth unless require_auth_for_metrics_endpoint; one process per pod, so each pod is scraped ($env)',
    ({ settings, deployment }) => {
      // PrometheusAuthMiddleware: auth only when litellm.require_auth_for_metrics_endpoint. We leave it off (a key in
      // the collector would be a secret there) and wall /metrics off instead: network policy, web rule, edge routes.
      expect(settings.require_auth_for_metrics_endpoint).toBeUndefined();
      // Without --num_workers the proxy runs one worker; PROMETHEUS_MULTIPROC_DIR is only for several.
      const args = deployment.spec.template.spec.containers[0].args as string[];
      expect(args).not.toContain('--num_workers');
    },
  );

  test("denies /metrics through the edge: no API Gateway route reaches LiteLLM's metrics path", () => {
    for (const method of ['GET', 'POST']) {
      expect(routeOf(method, '/metrics')).toBeUndefined();
      expect(routeOf(method, '/metrics/')).toBeUndefined();
    }
  });
});
