/**
 * The CloudWatch agent's Prometheus support, as the amazon-cloudwatch-observability add-on (CONTAINER_INSIGHTS_ADDON_VERSION,
 * chart v6.4.0) runs it: how an extra agent is declared, where its scrape config lands, which Prometheus types reach
 * CloudWatch and how, and how the agent's pods are labelled. Checked against the usage agent we declare
 * (constructs/usage-metrics-agent.ts) and the synthesized cluster stack.
 *
 * Sources, read 2026-12-06 (restated in our own words):
 * - github.com/aws-observability/helm-charts at commit 93a934e8ccfa228fda6a5f653c3da59c5546afcf ("release v6.4.0",
 *   2026-08-06): charts/amazon-cloudwatch-observability/values.yaml (`agents`, `agent.hostNetwork`, `agent.config`,
 *   `agent.prometheus.config`, `agent.prometheus.targetAllocator`), templates/linux/cloudwatch-agent-custom-resource.yaml
 *   (one AmazonCloudWatchAgent per `agents` entry, merged over `agent` with mergeOverwrite; `hostNetwork`, `mode`,
 *   `replicas` per entry; `prometheus.config` copied to the resource's spec) and templates/_helpers.tpl
 *   (`cloudwatch-agent.modify-config` rewrites only a config with logs.metrics_collected.kubernetes or
 *   application_signals; any other config is passed through as JSON).
 * - The agent operator (github.com/aws/amazon-cloudwatch-agent-operator, Go tests found by content; the index does not
 *   name their paths): a Linux agent's Prometheus config is mounted under /etc/prometheusconfig; an agent's pods carry
 *   app.kubernetes.io/name = the resource's name and app.kubernetes.io/component = amazon-cloudwatch-agent.
 * - docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights-Prometheus-metrics-conversion.html: the
 *   agent supports counter, gauge and summary; it drops histograms; a counter is sent as the increase since the previous
 *   scrape (nothing on the first scrape); a gauge as it is.
 * - docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/ContainerInsights-Prometheus-Setup-configure.html: the
 *   agent's `logs.metrics_collected.prometheus` (prometheus_config_path, log_group_name, emf_processor.metric_namespace,
 *   metric_declaration[].source_labels / label_matcher / dimensions / metric_selectors) and the standard Prometheus
 *   scrape_config it reads.
 * Not confirmed: that the add-on build v6.4.0-eksbuild.1 accepts `agents` in its configuration schema
 * (`aws eks describe-addon-configuration --addon-name amazon-cloudwatch-observability --addon-version v6.4.0-eksbuild.1`
 * shows it: check before the first deploy); that the operator names the mounted file prometheus.yaml (examples do).
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { CONTAINER_INSIGHTS_ADDON_VERSION } from '../../constructs/container-insights';
import { ADDON_DEFAULT_AGENTS, PROMETHEUS_CONFIG_PATH } from '../../constructs/usage-metrics-agent';
import { USAGE_AGENT, USAGE_METRICS, USAGE_METRICS_NAMESPACE, exposedName } from '../../lib/shared/usage-metrics';
import { synthEnvironment } from '../support/app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function addonValues(template: Template): { agents: Json[] } {
  const [addon] = Object.values(
    template.findResources('AWS::EKS::Addon', { Properties: { AddonName: 'amazon-cloudwatch-observability' } }),
  );
  return JSON.parse(addon!.Properties.ConfigurationValues as string) as { agents: Json[] };
}

describe('CloudWatch agent Prometheus support through the add-on (contract)', () => {
  const environments = ['dev', 'prod'].map((name) => ({ name, template: synthEnvironment(name).templates.cluster }));

  test('the add-on is pinned to the chart release these facts were read from', () => {
    expect(CONTAINER_INSIGHTS_ADDON_VERSION).toBe('v6.4.0-eksbuild.1');
  });

  test.each(environments)(
    "setting `agents` replaces the chart's list: its two agents are restated exactly as v6.4.0 declares them ($name)",
    ({ template }) => {
      expect(addonValues(template).agents.slice(0, 2)).toEqual([
        { name: 'cloudwatch-agent' },
        { name: 'cloudwatch-agent-cluster-scraper', mode: 'deployment', config: 'default' },
      ]);
      expect(ADDON_DEFAULT_AGENTS).toHaveLength(2);
    },
  );

  test.each(environments)(
    'the usage agent is its own Deployment of one replica, off the host network the chart gives agents by default ($name)',
    ({ template }) => {
      const usage = addonValues(template).agents.find((a) => a.name === USAGE_AGENT.name);
      // A DaemonSet would scrape every pod once per node; one replica scrapes each once.
      expect(usage).toMatchObject({ mode: 'deployment', replicas: 1, hostNetwork: false });
      // Its own config passes through untouched: no kubernetes or application_signals section for the chart to rewrite.
      expect(Object.keys(usage.config.logs.metrics_collected)).toEqual(['prometheus']);
      expect(usage.prometheus.config.scrape_configs).toHaveLength(1);
      // No target allocator: it is for sharing targets between several agents.
      expect(usage.prometheus.targetAllocator).toBeUndefined();
    },
  );

  test('the operator mounts the scrape config under /etc/prometheusconfig and labels pods with the agent name and component', () => {
    expect(PROMETHEUS_CONFIG_PATH.startsWith('/etc/prometheusconfig/')).toBe(true);
    expect(USAGE_AGENT.podLabels).toEqual({
      'app.kubernetes.io/name': USAGE_AGENT.name,
      'app.kubernetes.io/component': 'amazon-cloudwatch-agent',
    });
  });

  test('histograms are dropped, counters arrive as increases and gauges as they are: only counters and gauges are published', () => {
    for (const metric of Object.values(USAGE_METRICS)) {
      expect(['counter', 'gauge']).toContain(metric.kind);
      expect(exposedName(metric)).not.toMatch(/_(bucket|sum|count)$/);
    }
  });

  test.each(environments)(
    'EMF declarations: one per metric, matched by job, selected by exact name, dimensions from kept labels, into our namespace ($name)',
    ({ template }) => {
      const usage = addonValues(template).agents.find((a) => a.name === USAGE_AGENT.name);
      const prometheus = usage.config.logs.metrics_collected.prometheus;
      expect(prometheus.emf_processor.metric_namespace).toBe(USAGE_METRICS_NAMESPACE);
      const selectors = (prometheus.emf_processor.metric_declaration as Json[]).flatMap((d) => d.metric_selectors as string[]);
      expect(selectors).toEqual(Object.values(USAGE_METRICS).map((m) => `^${exposedName(m)}$`));
    },
  );
});
