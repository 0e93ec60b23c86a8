import {
  PROMETHEUS_CONFIG_PATH,
  USAGE_SCRAPE_JOB,
  usageMetricsAgent,
  type UsageMetricsAgentProps,
} from '../../constructs/usage-metrics-agent';
import { DROPPED_LABELS, USAGE_AGENT, USAGE_METRICS, USAGE_METRICS_NAMESPACE, exposedName } from '../../lib/shared/usage-metrics';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PROPS: UsageMetricsAgentProps = {
  environment: 'prod',
  region: 'us-east-1',
  clusterName: 'genai-prod',
  namespace: 'litellm',
  podLabels: { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/component': 'gateway' },
  port: 4000,
  budgetedTeams: ['customer-support'],
};

/** Prometheus relabel regexes are anchored at both ends. */
const matches = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);

/**
 * Prometheus metric relabelling as its configuration docs describe it (keep, drop, replace, labeldrop; source labels
 * joined by ';', regex anchored, a missing label is empty, labels starting with __ removed afterwards). Returns the
 * sample's labels, or undefined when the sample is dropped.
 */
function relabel(rules: Json[], sample: Record<string, string>): Record<string, string> | undefined {
  let labels = { ...sample };
  for (const rule of rules) {
    const value = ((rule.source_labels ?? []) as string[]).map((l) => labels[l] ?? '').join(';');
    const action = rule.action ?? 'replace';
    if (action === 'keep' && !matches(rule.regex, value)) return undefined;
    if (action === 'drop' && matches(rule.regex, value)) return undefined;
    if (action === 'replace' && matches(rule.regex ?? '(.*)', value)) labels[rule.target_label] = rule.replacement;
    if (action === 'labeldrop') labels = Object.fromEntries(Object.entries(labels).filter(([k]) => !matches(rule.regex, k)));
  }
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('__') || k === '__name__'));
}

describe('usageMetricsAgent', () => {
  const agent = usageMetricsAgent(PROPS) as Json;
  const scrape = agent.prometheus.config.scrape_configs[0];
  const emf = agent.config.logs.metrics_collected.prometheus;

  test('is one replica off the host network, under the name its network policy admits', () => {
    expect(agent).toMatchObject({ name: USAGE_AGENT.name, mode: 'deployment', replicas: 1, hostNetwork: false });
    expect(agent.config.agent).toEqual({ region: 'us-east-1' });
  });

  test('scrapes the gateway pods of the LiteLLM namespace on their own port, and stamps the environment', () => {
    expect(scrape.job_name).toBe(USAGE_SCRAPE_JOB);
    expect(scrape.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['litellm'] } }]);
    const [pods, port, environment] = scrape.relabel_configs;
    expect(pods.source_labels).toEqual([
      '__meta_kubernetes_pod_label_app_kubernetes_io_name',
      '__meta_kubernetes_pod_label_app_kubernetes_io_component',
    ]);
    expect(matches(pods.regex, 'litellm;gateway')).toBe(true);
    // The migration Job's pods and any look-alike are not scraped.
    expect(matches(pods.regex, 'litellm;migrate')).toBe(false);
    expect(matches(pods.regex, 'litellmXgateway')).toBe(false);
    expect(port).toEqual({ source_labels: ['__meta_kubernetes_pod_container_port_number'], regex: '4000', action: 'keep' });
    expect(environment).toEqual({ target_label: 'Environment', replacement: 'prod' });
  });

  test('keeps only the usage metrics and drops every label that names a person, a client or a key', () => {
    const rules = scrape.metric_relabel_configs as Json[];
    const keep = rules[0];
    const drop = rules.find((r) => r.action === 'labeldrop');
    for (const metric of Object.values(USAGE_METRICS)) expect(matches(keep.regex, exposedName(metric))).toBe(true);
    expect(matches(keep.regex, 'litellm_request_total_latency_metric_bucket')).toBe(false);
    expect(matches(keep.regex, 'litellm_spend_metric_created')).toBe(false);
    expect(drop.action).toBe('labeldrop');
    for (const label of DROPPED_LABELS) expect(matches(drop.regex, label)).toBe(true);
    for (const label of ['team_alias', 'api_key_alias', 'requested_model', 'model', 'Environment', 'job']) {
      expect(matches(drop.regex, label)).toBe(false);
    }
  });

  test("drops an unlimited team's remaining budget (+Inf, which CloudWatch cannot store) and keeps a budgeted team's", () => {
    const rules = scrape.metric_relabel_configs as Json[];
    const budget = (team: string) => ({ __name__: 'litellm_remaining_team_budget_metric', team_alias: team });
    expect(relabel(rules, budget('customer-support'))).toEqual(budget('customer-support'));
    expect(relabel(rules, budget('research'))).toBeUndefined();
    // Only the budget metric: the unlimited team's spend still goes through, its end user label stripped.
    const spend = { __name__: 'litellm_spend_metric_total', team_alias: 'research', end_user: 'someone@example.com' };
    expect(relabel(rules, spend)).toEqual({ __name__: 'litellm_spend_metric_total', team_alias: 'research' });
    // No team has a budget: no budget sample at all.
    const none = usageMetricsAgent({ ...PROPS, budgetedTeams: [] }) as Json;
    expect(relabel(none.prometheus.config.scrape_configs[0].metric_relabel_configs, budget('customer-support'))).toBeUndefined();
  });

  test('publishes one EMF declaration per metric into our namespace, every dimension set led by the environment', () => {
    expect(emf.prometheus_config_path).toBe(PROMETHEUS_CONFIG_PATH);
    expect(emf.log_group_name).toBe('/aws/containerinsights/genai-prod/prometheus');
    expect(emf.emf_processor.metric_namespace).toBe(USAGE_METRICS_NAMESPACE);
    const declarations = emf.emf_processor.metric_declaration as Json[];
    expect(declarations).toHaveLength(Object.keys(USAGE_METRICS).length);
    for (const d of declarations) {
      expect(d.source_labels).toEqual(['job']);
      expect(matches(d.label_matcher.replace(/^\^|\$$/g, ''), USAGE_SCRAPE_JOB)).toBe(true);
      for (const set of d.dimensions) expect(set[0]).toBe('Environment');
      expect(d.dimensions.flat()).not.toEqual(expect.arrayContaining(['end_user']));
    }
  });

  test('rejects an empty pod selector, which would scrape every pod of the namespace', () => {
    expect(() => usageMetricsAgent({ ...PROPS, podLabels: {} })).toThrow(
      'podLabels: is empty (give the labels of the LiteLLM gateway pods)',
    );
  });
});
