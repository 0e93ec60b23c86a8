import {
  DROPPED_LABELS,
  KEPT_LABELS,
  USAGE_AGENT,
  USAGE_METRICS,
  USAGE_METRICS_NAMESPACE,
  exposedName,
} from '../../../lib/shared/usage-metrics';

describe('usage metrics', () => {
  const metrics = Object.values(USAGE_METRICS);

  test('publishes to a custom namespace, never an AWS/ one', () => {
    expect(USAGE_METRICS_NAMESPACE.startsWith('AWS/')).toBe(false);
  });

  test('denies people, clients, keys and request-level values as labels: nothing kept is also dropped', () => {
    for (const label of KEPT_LABELS) expect(DROPPED_LABELS as readonly string[]).not.toContain(label);
    for (const label of ['end_user', 'user', 'user_email', 'hashed_api_key', 'client_ip', 'user_agent', 'model_id']) {
      expect(DROPPED_LABELS as readonly string[]).toContain(label);
    }
  });

  test('every metric keeps only kept labels, and publishes only dimension sets of labels it keeps, each with the team', () => {
    for (const metric of metrics) {
      for (const label of metric.labels) expect(KEPT_LABELS).toContain(label);
      for (const set of metric.dimensions) {
        expect(set[0]).toBe('team_alias');
        for (const label of set) expect(metric.labels as readonly string[]).toContain(label);
      }
    }
  });

  test('exposes counters as <name>_total and gauges under their own name', () => {
    expect(exposedName(USAGE_METRICS.spend)).toBe('litellm_spend_metric_total');
    expect(exposedName(USAGE_METRICS.remainingTeamBudget)).toBe('litellm_remaining_team_budget_metric');
  });

  test("names the usage agent's pods by the agent's own name, so the add-on's other agents do not match", () => {
    expect(USAGE_AGENT.podLabels['app.kubernetes.io/name']).toBe(USAGE_AGENT.name);
    expect(USAGE_AGENT.name).not.toBe('cloudwatch-agent');
  });
});
