import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TeamUsageAlarms, type TeamUsageAlarmsProps } from '../../constructs/team-usage-alarms';
import { UsageMetrics } from '../../constructs/usage-metrics';

function build(overrides: Partial<TeamUsageAlarmsProps> = {}) {
  const stack = new Stack();
  const topic = new sns.Topic(stack, 'Topic');
  const props: TeamUsageAlarmsProps = {
    metrics: new UsageMetrics('prod'),
    teams: [{ name: 'customer-support', maxBudgetUsd: 2000 }, { name: 'research' }],
    budgetPercent: 80,
    errorPercent: 10,
    topic,
    ...overrides,
  };
  return { stack, construct: () => new TeamUsageAlarms(stack, 'TeamAlarms', props) };
}

describe('TeamUsageAlarms', () => {
  test.each<[string, Partial<TeamUsageAlarmsProps>, string]>([
    ['a budget share of 0', { budgetPercent: 0 }, 'budgetPercent: 0 is not a percentage (allowed: above 0, up to 100)'],
    ['an error share above 100', { errorPercent: 101 }, 'errorPercent: 101 is not a percentage (allowed: above 0, up to 100)'],
    [
      'a team listed twice',
      { teams: [{ name: 'a-team' }, { name: 'a-team' }] },
      'teams: "a-team" is listed twice (allowed: unique team names)',
    ],
    ['a budget of 0', { teams: [{ name: 'a-team', maxBudgetUsd: 0 }] }, 'maxBudgetUsd: 0 is not a budget (allowed: US dollars above 0)'],
  ])('rejects %s and builds no alarm', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('fires when a team passes the configured share of its own budget, from the lowest remaining budget any pod reports', () => {
    const { stack, construct } = build({ budgetPercent: 75 });
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 75,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: '100 * (2000 - remaining_customer_support) / 2000', ReturnData: true }),
        Match.objectLike({
          Id: 'remaining_customer_support',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'GenAIPlatform/LiteLLM',
              MetricName: 'litellm_remaining_team_budget_metric',
              Dimensions: [
                { Name: 'Environment', Value: 'prod' },
                { Name: 'team_alias', Value: 'customer-support' },
              ],
            },
            Stat: 'Minimum',
          }),
        }),
      ]),
    });
  });

  test('raises no budget alarm for a team without a budget, and an error alarm for every team', () => {
    const { construct } = build();
    const alarms = construct();
    expect(Object.keys(alarms.budget)).toEqual(['customer-support']);
    expect(Object.keys(alarms.errors)).toEqual(['customer-support', 'research']);
    expect(alarms.all).toHaveLength(3);
  });

  test('fires on a failed-request share above the threshold, counted only from 20 requests in 5 minutes', () => {
    const { stack, construct } = build({ errorPercent: 15 });
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 15,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests_research >= 20, 100 * FILL(failed_research, 0) / requests_research, 0)' }),
        Match.objectLike({
          Id: 'failed_research',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'litellm_proxy_failed_requests_metric_total' }),
            Stat: 'Sum',
            Period: 300,
          }),
        }),
      ]),
    });
  });

  test('notifies the alarm topic on alarm and on recovery, and no one when muted', () => {
    const loud = build();
    loud.construct();
    for (const alarm of Object.values(Template.fromStack(loud.stack).findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) }]);
    }
    const quiet = build({ mute: true });
    quiet.construct();
    for (const alarm of Object.values(Template.fromStack(quiet.stack).findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }
  });
});
