import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CostAnomalyAlerts, type CostAnomalyAlertsProps } from '../../constructs/cost-anomaly-alerts';

function build(overrides: Partial<CostAnomalyAlertsProps> = {}) {
  const stack = new Stack();
  const props: CostAnomalyAlertsProps = {
    name: 'genai-test',
    tagKey: 'genai:environment',
    tagValues: ['dev', 'prod'],
    thresholdUsd: 100,
    topic: new sns.Topic(stack, 'Topic'),
    ...overrides,
  };
  return { stack, construct: () => new CostAnomalyAlerts(stack, 'Anomalies', props) };
}

describe('CostAnomalyAlerts', () => {
  test.each<[string, Partial<CostAnomalyAlertsProps>, string]>([
    [
      'a tag key written the way Budgets spells it',
      { tagKey: 'user:genai:environment' },
      'tagKey: "user:genai:environment" is not a user tag key (letters, digits and _ . : / = + - @, without aws: or user:)',
    ],
    ['no value to watch', { tagValues: [] }, 'tagValues: needs at least one value (the environments to watch)'],
    ['a threshold below a dollar', { thresholdUsd: 0.5 }, 'thresholdUsd: 0.5 must be at least 1 (US dollars)'],
    ['a name with spaces', { name: 'my monitor' }, 'name: "my monitor" is not a monitor name (letters, digits and _ . : -)'],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Anomalies')?.node.children ?? []).toHaveLength(0);
  });

  test('watches the tagged cost in aggregate with a customer managed monitor, never the account-wide service monitor', () => {
    // Source: docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalyMonitor.html (read 2026-12-06):
    // DIMENSIONAL is AWS managed over a dimension's top values; CUSTOM watches the selected values in aggregate.
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'CUSTOM',
      MonitorSpecification: '{"Tags":{"Key":"genai:environment","Values":["dev","prod"]}}',
    });
    expect(JSON.stringify(template.toJSON())).not.toContain('DIMENSIONAL');
  });

  test('sends every anomaly at or above the dollar impact to the topic as it is found', () => {
    // Source: API_AnomalySubscription.html (read 2026-12-06): SNS receives IMMEDIATE alerts only (DAILY and WEEKLY are
    // email); ThresholdExpression takes ANOMALY_TOTAL_IMPACT_ABSOLUTE with GREATER_THAN_OR_EQUAL and a number as a string.
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CE::AnomalySubscription', {
      Frequency: 'IMMEDIATE',
      MonitorArnList: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^AnomaliesMonitor'), 'MonitorArn'] }],
      Subscribers: [{ Type: 'SNS', Address: { Ref: Match.stringLikeRegexp('^Topic') } }],
      ThresholdExpression: JSON.stringify({
        Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: ['100'] },
      }),
    });
  });
});
