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
};

/** Prometheus relabel regexes are anchored at both ends. */
const matches = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);

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
    const [keep, drop] = scrape.metric_relabel_configs;
    for (const metric of Object.values(USAGE_METRICS)) expect(matches(keep.regex, exposedName(metric))).toBe(true);
    expect(matches(keep.regex, 'litellm_request_total_latency_metric_bucket')).toBe(false);
    expect(matches(keep.regex, 'litellm_spend_metric_created')).toBe(false);
    expect(drop.action).toBe('labeldrop');
    for (const label of DROPPED_LABELS) expect(matches(drop.regex, label)).toBe(true);
    for (const label of ['team_alias', 'api_key_alias', 'requested_model', 'model', 'Environment', 'job']) {
      expect(matches(drop.regex, label)).toBe(false);
    }
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
