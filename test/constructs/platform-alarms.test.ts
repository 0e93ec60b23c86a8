import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PlatformAlarms, type AlarmThresholds, type PlatformAlarmsProps } from '../../constructs/platform-alarms';
import { PlatformMetrics, type PlatformMetricsProps } from '../../constructs/platform-metrics';
import { METRICS_PROPS } from '../support/platform-metrics-props';

const THRESHOLDS: AlarmThresholds = {
  gateway5xxPercent: 5,
  authorizerErrors: 5,
  bedrockThrottles: 10,
  auroraCapacityPercent: 95,
  valkeyMemoryPercent: 80,
  clickhouseVolumePercent: 90,
};

/** The metric the ClickHouse chart's CronJob publishes for the environment `test`. */
const VOLUME_METRIC = {
  Namespace: 'GenAIPlatform/ClickHouse',
  MetricName: 'VolumeUsedPercent',
  Dimensions: [{ Name: 'Environment', Value: 'test' }],
};

function build(overrides: Partial<PlatformAlarmsProps> = {}, metrics: Partial<PlatformMetricsProps> = {}) {
  const stack = new Stack(undefined, 'Test', { env: { region: 'us-east-1' } });
  const topic = new sns.Topic(stack, 'Topic');
  const props: PlatformAlarmsProps = {
    metrics: new PlatformMetrics({ ...METRICS_PROPS, ...metrics }),
    thresholds: THRESHOLDS,
    topic,
    ...overrides,
  };
  return { stack, construct: () => new PlatformAlarms(stack, 'Alarms', props) };
}

describe('PlatformAlarms', () => {
  test.each<[string, Partial<AlarmThresholds>, string]>([
    [
      'a 5xx share above 100%',
      { gateway5xxPercent: 150 },
      'thresholds.gateway5xxPercent: 150 is not a percentage (allowed: above 0, up to 100)',
    ],
    [
      'a zero memory threshold',
      { valkeyMemoryPercent: 0 },
      'thresholds.valkeyMemoryPercent: 0 is not a percentage (allowed: above 0, up to 100)',
    ],
    [
      'a volume threshold above 100%',
      { clickhouseVolumePercent: 101 },
      'thresholds.clickhouseVolumePercent: 101 is not a percentage (allowed: above 0, up to 100)',
    ],
    ['a fractional error count', { authorizerErrors: 2.5 }, 'thresholds.authorizerErrors: 2.5 must be a whole number of at least 1'],
  ])('rejects %s and builds nothing', (_what, thresholds, message) => {
    const { stack, construct } = build({ thresholds: { ...THRESHOLDS, ...thresholds } });
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Alarms')?.node.children ?? []).toHaveLength(0);
  });

  test('raises one alarm per failure and a composite "gateway down" over no targets or 5xx, all notifying the topic', () => {
    const { stack, construct } = build();
    const alarms = construct();
    const template = Template.fromStack(stack);

    expect(Object.keys(alarms.alarms).sort()).toEqual([
      'AuroraAtMaxCapacity',
      'AuthorizerErrors',
      'BedrockThrottling',
      'ClickHouseVolumeHigh',
      'ClickHouseVolumeNotReported',
      'Gateway5xxRate',
      'NoHealthyGatewayTargets',
      'ValkeyMemoryHigh',
    ]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.hasResourceProperties('AWS::CloudWatch::CompositeAlarm', {
      AlarmRule: {
        'Fn::Join': [
          '',
          [
            '(ALARM("',
            { 'Fn::GetAtt': [Match.stringLikeRegexp('NoHealthyGatewayTargets'), 'Arn'] },
            '") OR ALARM("',
            Match.anyValue(),
            '"))',
          ],
        ],
      },
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Topic/) as unknown }]);
    }
  });

  test('treats a missing healthy-host count as breaching: no data means no load balancer to reach', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthyHostCount',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('alarms on the fullest Valkey node and on Bedrock throttles of the models in its own region only', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 80,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([node1, node2])' })]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      Metrics: [
        Match.objectLike({ Expression: 'SUM([FILL(model1, 0)])' }),
        Match.objectLike({
          Id: 'model1',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/Bedrock',
              MetricName: 'InvocationThrottles',
              Dimensions: [{ Name: 'ModelId', Value: 'us.anthropic.claude-sonnet-4-20250514-v1:0' }],
            },
          }),
        }),
      ],
    });
  });

  test('alarms when the fullest ClickHouse volume reaches the threshold, not when reports stop', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ MetricStat: { Metric: VOLUME_METRIC, Period: 300, Stat: 'Maximum' } })],
      Threshold: 90,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('raises a separate alarm when no ClickHouse volume report arrives for 30 minutes', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [Match.objectLike({ MetricStat: { Metric: VOLUME_METRIC, Period: 900, Stat: 'SampleCount' } })],
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('keeps the ClickHouse alarms out of "gateway down": a full volume stops traces, not the gateway', () => {
    const { stack, construct } = build();
    const alarms = construct();
    const rule = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm'));
    for (const name of ['ClickHouseVolumeHigh', 'ClickHouseVolumeNotReported'] as const) {
      const id = stack.getLogicalId(alarms.alarms[name]!.node.defaultChild as never);
      expect([name, rule.includes(id)]).toEqual([name, false]);
    }
    expect(rule).toContain(stack.getLogicalId(alarms.alarms.NoHealthyGatewayTargets!.node.defaultChild as never));
  });

  test('has no Bedrock alarm when no Bedrock model is called in its region', () => {
    const { stack, construct } = build({}, { bedrockModels: [] });
    expect(construct().alarms.BedrockThrottling).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 7);
  });

  test('muted: evaluates every alarm but notifies no one', () => {
    const { stack, construct } = build({ mute: true });
    construct();
    const template = Template.fromStack(stack);
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']) {
      for (const alarm of Object.values(template.findResources(type))) {
        expect(alarm.Properties.AlarmActions).toBeUndefined();
        expect(alarm.Properties.OKActions).toBeUndefined();
      }
    }
    template.resourceCountIs('AWS::CloudWatch::CompositeAlarm', 1);
  });
});
