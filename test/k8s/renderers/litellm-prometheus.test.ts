import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { NAMES } from '../../../k8s/endpoints';
import { LITELLM_PROMETHEUS_CALLBACK, prometheusMetricsConfig, prometheusSettings } from '../../../k8s/renderers/litellm-prometheus';
import { DROPPED_LABELS, USAGE_METRICS } from '../../../lib/shared/usage-metrics';
import { ENVIRONMENT_NAMES, charts, config, find, type Manifest } from '../support/charts';

describe('LiteLLM Prometheus settings', () => {
  test('lists exactly the usage metrics, one group each, with their own labels', () => {
    expect(prometheusMetricsConfig()).toEqual(
      Object.entries(USAGE_METRICS).map(([group, m]) => ({ group, metrics: [m.litellmName], include_labels: [...m.labels] })),
    );
  });

  test('denies end users and every other dropped label: none is ever included', () => {
    const included = prometheusMetricsConfig().flatMap((g) => g.include_labels);
    for (const label of DROPPED_LABELS) expect(included).not.toContain(label);
    expect(prometheusSettings()).toMatchObject({ enable_end_user_cost_tracking_prometheus_only: false });
  });

  test('keeps /metrics as upstream serves it: no auth setting that would need a key in the collector', () => {
    expect(prometheusSettings()).not.toHaveProperty('require_auth_for_metrics_endpoint');
  });

  test.each(ENVIRONMENT_NAMES)('is rendered into config.yaml beside the Langfuse callback, and parses back (%s)', (env) => {
    const manifests = Testing.synth(charts(config(env)).litellm) as Manifest[];
    const parsed = parse(find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml']) as {
      litellm_settings: Record<string, unknown>;
    };
    expect(parsed.litellm_settings.callbacks).toEqual(['langfuse_otel', LITELLM_PROMETHEUS_CALLBACK]);
    expect(parsed.litellm_settings.prometheus_metrics_config).toEqual(prometheusMetricsConfig());
    expect(parsed.litellm_settings.prometheus_initialize_budget_metrics).toBe(true);
  });
});
