import { UsageMetrics } from '../../constructs/usage-metrics';

describe('UsageMetrics', () => {
  const u = new UsageMetrics('prod');

  test("reads a team's counter as the sum of every pod's increases, by environment and team", () => {
    const m = u.team('spend', 'customer-support');
    expect(m.namespace).toBe('GenAIPlatform/LiteLLM');
    expect(m.metricName).toBe('litellm_spend_metric_total');
    expect(m.dimensions).toEqual({ Environment: 'prod', team_alias: 'customer-support' });
    expect(m.statistic).toBe('Sum');
  });

  test("searches one environment's lines per team and model, never another environment's", () => {
    expect(u.search('inputTokens', 'requested_model').toMetricConfig().mathExpression!.expression).toBe(
      `SEARCH('{GenAIPlatform/LiteLLM,Environment,team_alias,requested_model} MetricName="litellm_input_tokens_metric_total" Environment="prod"', 'Sum', 300)`,
    );
  });

  test('keeps math ids apart per team, so several teams share one graph', () => {
    const a = u.errorPercent('team-a').toMetricConfig().mathExpression!;
    const b = u.errorPercent('team-b').toMetricConfig().mathExpression!;
    expect(Object.keys(a.usingMetrics)).toEqual(['requests_team_a', 'failed_team_a']);
    expect(Object.keys(b.usingMetrics)).toEqual(['requests_team_b', 'failed_team_b']);
  });
});
