import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { GATEWAY_DOWN_CHILDREN, PlatformAlarms, type AlarmThresholds, type PlatformAlarmsProps } from '../../constructs/platform-alarms';
import { MIN_REQUESTS_FOR_4XX_RATE, PlatformMetrics, type PlatformMetricsProps } from '../../constructs/platform-metrics';
import { METRICS_PROPS } from '../support/platform-metrics-props';

const THRESHOLDS: AlarmThresholds = {
  gateway5xxPercent: 5,
  gateway4xxPercent: 25,
  noTrafficMinutes: 60,
  web5xxCount: 10,
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
    ['a zero 4xx share', { gateway4xxPercent: 0 }, 'thresholds.gateway4xxPercent: 0 is not a percentage (allowed: above 0, up to 100)'],
    [
      'a no-traffic window shorter than the API metrics can show',
      { noTrafficMinutes: 2 },
      'thresholds.noTrafficMinutes: 2 must be a whole number of minutes from 5 to 1440',
    ],
    ['a zero web 5xx count', { web5xxCount: 0 }, 'thresholds.web5xxCount: 0 must be a whole number of at least 1'],
  ])('rejects %s and builds nothing', (_what, thresholds, message) => {
    const { stack, construct } = build({ thresholds: { ...THRESHOLDS, ...thresholds } });
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Alarms')?.node.children ?? []).toHaveLength(0);
  });

  test('raises one alarm per failure and a composite "gateway down" over no targets or 5xx, which alone pages for them', () => {
    const { stack, construct } = build();
    const alarms = construct();
    const template = Template.fromStack(stack);

    expect(Object.keys(alarms.alarms).sort()).toEqual([
      'AuroraAtMaxCapacity',
      'AuthorizerErrors',
      'BedrockThrottling',
      'ClickHouseVolumeHigh',
      'ClickHouseVolumeNotReported',
      'Gateway4xxRate',
      'Gateway5xxRate',
      'NoHealthyGatewayTargets',
      'NoTraffic',
      'ValkeyMemoryHigh',
    ]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 10);
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
    for (const [id, alarm] of Object.entries(template.findResources('AWS::CloudWatch::Alarm'))) {
      const child = GATEWAY_DOWN_CHILDREN.some((name) => id.startsWith(`Alarms${name}`));
      expect([id, alarm.Properties.AlarmActions]).toEqual([id, child ? undefined : [{ Ref: expect.stringMatching(/^Topic/) as unknown }]]);
    }
  });

  test('pages once for an outage that trips both children of "gateway down": the children notify no one themselves', () => {
    const { stack, construct } = build();
    const alarms = construct();
    const template = Template.fromStack(stack);
    for (const name of GATEWAY_DOWN_CHILDREN) {
      const id = stack.getLogicalId(alarms.alarms[name]!.node.defaultChild as CfnElement);
      expect(template.toJSON().Resources[id].Properties).not.toHaveProperty('AlarmActions');
      expect(template.toJSON().Resources[id].Properties).not.toHaveProperty('OKActions');
    }
  });

  test('alarms on a 4xx share only once enough requests arrived, so three rejected calls at night are no storm', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 25,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: `IF(requests >= ${MIN_REQUESTS_FOR_4XX_RATE}, 100 * errors, 0)` }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '4XXError' }), Stat: 'Average' }),
        }),
        Match.objectLike({
          Id: 'requests',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Count' }), Stat: 'Sum' }),
        }),
      ]),
    });
  });

  test('treats a window without a single API request as "no traffic": API Gateway publishes no datapoint then', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Count',
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('alarms on the fullest Aurora instance, not the cluster average that hides a full writer beside an idle reader', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 95,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'MAX([instance1, instance2])' }),
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'ACUUtilization',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'genai-test-writer' }],
            },
          }),
        }),
      ]),
    });
    const clusterLevel = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a) =>
      JSON.stringify(a.Properties).includes('DBClusterIdentifier'),
    );
    expect(clusterLevel).toEqual([]);
  });

  test('watches Open WebUI and the web load balancer only when the web entrance exists', () => {
    const web = { loadBalancerFullName: 'app/web/0123', openWebUiTargetGroupFullName: 'targetgroup/owui/0456' };
    const withWeb = build({}, { web });
    expect(Object.keys(withWeb.construct().alarms)).toEqual(expect.arrayContaining(['OpenWebUiUnhealthy', 'WebLoadBalancer5xx']));
    const template = Template.fromStack(withWeb.stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HealthyHostCount',
      Dimensions: [
        { Name: 'LoadBalancer', Value: 'app/web/0123' },
        { Name: 'TargetGroup', Value: 'targetgroup/owui/0456' },
      ],
      // An ALB reports nothing while no request flows: missing data is a quiet night, not an outage.
      TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_ELB_5XX_Count',
      Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/0123' }],
      Threshold: 10,
    });
    const without = build();
    expect(Object.keys(without.construct().alarms)).not.toEqual(expect.arrayContaining(['OpenWebUiUnhealthy']));
    expect(JSON.stringify(Template.fromStack(without.stack).toJSON())).not.toContain('AWS/ApplicationELB');
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

  test('with daily ClickHouse backups, alarms after five empty 6-hour windows of the success metric, and pages the topic itself', () => {
    const { stack, construct } = build({}, { clickhouseBackups: true });
    const alarms = construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          MetricStat: {
            Metric: {
              Namespace: 'GenAIPlatform/ClickHouse',
              MetricName: 'BackupsCreated',
              Dimensions: [{ Name: 'Environment', Value: 'test' }],
            },
            Period: 6 * 3600,
            Stat: 'Sum',
          },
        }),
      ],
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      // A failed run puts nothing; "missing" would leave the alarm in INSUFFICIENT_DATA forever.
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
    });
    // Out of "gateway down": a missed backup does not stop the gateway.
    const rule = JSON.stringify(template.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(rule).not.toContain(stack.getLogicalId(alarms.alarms.ClickHouseBackupMissing!.node.defaultChild as never));
  });

  test('never alarms on a backup where none runs (no backup bucket, as in dev)', () => {
    const { stack, construct } = build();
    expect(construct().alarms.ClickHouseBackupMissing).toBeUndefined();
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain('BackupsCreated');
  });

  test('has no Bedrock alarm when no Bedrock model is called in its region', () => {
    const { stack, construct } = build({}, { bedrockModels: [] });
    expect(construct().alarms.BedrockThrottling).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 9);
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
