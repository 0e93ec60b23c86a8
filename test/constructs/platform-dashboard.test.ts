import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { PlatformDashboard, type PlatformDashboardProps } from '../../constructs/platform-dashboard';
import { PlatformMetrics } from '../../constructs/platform-metrics';
import { UsageMetrics } from '../../constructs/usage-metrics';
import { METRICS_PROPS } from '../support/platform-metrics-props';

function build(overrides: Partial<PlatformDashboardProps> = {}) {
  const stack = new Stack(undefined, 'Test', { env: { region: 'us-east-1' } });
  const metrics = new PlatformMetrics(METRICS_PROPS);
  const alarm = new cloudwatch.Alarm(stack, 'Alarm', { metric: metrics.healthyTargets(), threshold: 1, evaluationPeriods: 1 });
  const props: PlatformDashboardProps = { metrics, alarms: [alarm], environment: 'test', ...overrides };
  return { stack, construct: () => new PlatformDashboard(stack, 'Dashboard', props) };
}

/** The dashboard body with its tokens left as CloudFormation wrote them, parsed back into widgets. */
function widgetsOf(stack: Stack): { type: string; properties: { title?: string; markdown?: string; metrics?: unknown[][] } }[] {
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const parts = dashboard!.Properties.DashboardBody['Fn::Join'][1] as unknown[];
  const body = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return (JSON.parse(body) as { widgets: ReturnType<typeof widgetsOf> }).widgets;
}

describe('PlatformDashboard', () => {
  test.each<[string, Partial<PlatformDashboardProps>, string]>([
    [
      'an uppercase environment',
      { environment: 'Prod' },
      'environment: "Prod" is not an environment name (lowercase letters and digits, 2-12 characters)',
    ],
    ['no alarm for the status strip', { alarms: [] }, 'alarms: needs at least one alarm for the status strip'],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Dashboard')?.node.children ?? []).toHaveLength(0);
  });

  test('reads top to bottom: alarms, edge, gateway, data, and what CloudWatch cannot show', () => {
    const { stack, construct } = build();
    construct();
    const widgets = widgetsOf(stack);
    const headings = widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown!.split(':')[0]);
    expect(headings).toEqual(['# GenAI platform', '## Edge', '## Gateway', '## Data', 'Langfuse queue depth is not in CloudWatch']);
    expect(widgets[1]!.type).toBe('alarm');
    expect(widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title)).toEqual([
      'API requests and errors',
      'API latency (p50, p99)',
      'Authorizer errors and duration',
      'WAF blocked and counted',
      'WAF blocked and counted, every web ACL of the region',
      'Healthy LiteLLM targets',
      'Pod CPU % of node',
      'Pod memory % of node',
      'Container restarts per pod, since the pod started',
      'Bedrock invocations and throttles per model',
      'Bedrock tokens per model (input, output)',
      'Aurora capacity (ACU) and % of max, per instance',
      'Aurora connections',
      'Valkey memory % and connections',
      'ClickHouse volume used %, fullest replica',
    ]);
  });

  test('graphs container restarts per pod as the running total the agent publishes, never a sum per namespace', () => {
    const { stack, construct } = build();
    construct();
    const widget = widgetsOf(stack).find((w) => w.properties.title === 'Container restarts per pod, since the pod started')!;
    expect(widget.properties.metrics).toEqual(
      ['litellm', 'langfuse'].map((namespace) => [
        expect.objectContaining({
          expression: `SEARCH('{ContainerInsights,ClusterName,Namespace,PodName} MetricName="pod_number_of_container_restarts" ClusterName="genai-test" Namespace="${namespace}"', 'Maximum', 300)`,
        }),
      ]),
    );
  });

  test('adds a web row (load balancer 5xx, healthy Open WebUI pods) only when the web entrance exists', () => {
    const titles = (stack: Stack) => widgetsOf(stack).map((w) => w.properties.title);
    const plain = build();
    plain.construct();
    expect(titles(plain.stack)).not.toContain('Web load balancer 5xx (its own)');
    const stack = new Stack(undefined, 'Web', { env: { region: 'us-east-1' } });
    const metrics = new PlatformMetrics({
      ...METRICS_PROPS,
      web: { loadBalancerFullName: 'app/web/1', openWebUiTargetGroupFullName: 'targetgroup/owui/2' },
    });
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', { metric: metrics.healthyTargets(), threshold: 1, evaluationPeriods: 1 });
    new PlatformDashboard(stack, 'Dashboard', { metrics, alarms: [alarm], environment: 'test' });
    expect(titles(stack)).toEqual(expect.arrayContaining(['Web load balancer 5xx (its own)', 'Healthy Open WebUI targets']));
  });

  test("graphs ClickHouse volume use from the CronJob's metric, by environment, on a 0-100 axis", () => {
    const { stack, construct } = build();
    construct();
    const widget = widgetsOf(stack).find((w) => w.properties.title === 'ClickHouse volume used %, fullest replica')!;
    expect(widget.properties.metrics).toEqual([
      ['GenAIPlatform/ClickHouse', 'VolumeUsedPercent', 'Environment', 'test', { label: 'fullest replica %', stat: 'Maximum' }],
    ]);
    expect(widget.properties).toMatchObject({ yAxis: { left: { min: 0, max: 100 } } });
  });

  test('graphs a model called in another region from that region, and every pod namespace', () => {
    const { stack, construct } = build();
    construct();
    const byTitle = (title: string) => widgetsOf(stack).find((w) => w.properties.title === title)!.properties.metrics!;
    expect(byTitle('Bedrock invocations and throttles per model')).toEqual(
      expect.arrayContaining([
        [
          'AWS/Bedrock',
          'Invocations',
          'ModelId',
          'anthropic.claude-3-haiku-20240307-v1:0',
          expect.objectContaining({ region: 'eu-west-1' }),
        ],
      ]),
    );
    expect(byTitle('Pod CPU % of node').map((m) => m[5])).toEqual(['litellm', 'langfuse']);
  });

  test('graphs WAF totals for its web ACL by metric name, and for every web ACL of the region by search', () => {
    const { stack, construct } = build();
    construct();
    const widgets = widgetsOf(stack);
    const waf = widgets.find((w) => w.properties.title === 'WAF blocked and counted')!.properties.metrics!;
    expect(waf[0]).toEqual([
      'AWS/WAFV2',
      'BlockedRequests',
      'Region',
      'us-east-1',
      'Rule',
      'ALL',
      'WebACL',
      'GatewayWebAcl',
      { stat: 'Sum' },
    ]);
    const search = widgets.find((w) => w.properties.title === 'WAF blocked and counted, every web ACL of the region')!.properties.metrics!;
    expect(search[0]).toEqual([
      expect.objectContaining({
        expression: `SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="BlockedRequests" Rule="ALL"', 'Sum', 300)`,
      }),
    ]);
  });

  test('has no physical name, so a re-created environment never collides', () => {
    const { stack, construct } = build();
    construct();
    const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboard!.Properties.DashboardName).toBeUndefined();
  });

  test('with usage, adds per-team rows after the gateway: tokens, spend and requests per team and model, errors, budget, consumers', () => {
    const { stack, construct } = build({
      usage: { metrics: new UsageMetrics('test'), teams: [{ name: 'team-a', maxBudgetUsd: 100 }, { name: 'team-b' }], budgetPercent: 80 },
    });
    construct();
    const widgets = widgetsOf(stack);
    const headings = widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown!.split(':')[0]);
    expect(headings.indexOf('## Usage per team')).toBe(headings.indexOf('## Gateway') + 1);
    const titles = widgets.filter((w) => w.type === 'metric').map((w) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Tokens per team and model (input, output), per 5 min',
        'Spend per team and model, USD per 5 min',
        'Requests per team and model, per 5 min',
        'Failed requests % per team',
        'Budget used % per team (this budget period)',
        'Spend per consumer (key alias), USD per 5 min',
      ]),
    );
    const budget = widgets.find((w) => w.properties.title === 'Budget used % per team (this budget period)')!;
    // Only the team with a budget has a line.
    expect(JSON.stringify(budget.properties.metrics)).toContain('remaining_team_a');
    expect(JSON.stringify(budget.properties.metrics)).not.toContain('team-b');
    expect(widgets.some((w) => w.properties.markdown?.startsWith('Latency per team and model is not in CloudWatch'))).toBe(true);
  });

  test('without usage, has no usage rows', () => {
    const { stack, construct } = build();
    construct();
    expect(widgetsOf(stack).some((w) => w.properties.markdown?.startsWith('## Usage'))).toBe(false);
  });
});
