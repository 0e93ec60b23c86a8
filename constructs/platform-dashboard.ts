import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { PlatformMetrics } from './platform-metrics';
import type { TeamUsage } from './team-usage-alarms';
import type { UsageMetrics } from './usage-metrics';

/** The per-team usage rows: LiteLLM's metrics, the teams, and the budget share their alarms fire at. */
export interface DashboardUsage {
  readonly metrics: UsageMetrics;
  readonly teams: readonly TeamUsage[];
  /** Drawn as a line on the budget graph, in percent. */
  readonly budgetPercent: number;
}

export interface PlatformDashboardProps {
  readonly metrics: PlatformMetrics;
  /** Alarms shown in a status strip at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** Environment name, shown in the title. */
  readonly environment: string;
  /** Per-team usage rows (tokens, spend, requests, errors, budget). @default no usage rows */
  readonly usage?: DashboardUsage;
}

const WIDTH = 8;
const HEIGHT = 6;

/**
 * One dashboard per environment, in the order a platform engineer reads it: alarms, the edge (API
 * Gateway, authorizer, WAF), the gateway (targets, pods, Bedrock), usage per team (LiteLLM's own metrics), the data
 * tier (Aurora, Valkey, ClickHouse).
 * No physical name: CloudFormation names it, so a re-created environment never collides.
 */
export class PlatformDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    if (!/^[a-z][a-z0-9]{1,11}$/.test(props.environment)) {
      throw new Error(`environment: "${props.environment}" is not an environment name (lowercase letters and digits, 2-12 characters)`);
    }
    if (props.alarms.length === 0) throw new Error('alarms: needs at least one alarm for the status strip');
    const m = props.metrics;
    const graph = (title: string, left: cloudwatch.IMetric[], right: cloudwatch.IMetric[] = [], leftLabel?: string) =>
      new cloudwatch.GraphWidget({
        title,
        left,
        right,
        width: WIDTH,
        height: HEIGHT,
        ...(leftLabel ? { leftYAxis: { label: leftLabel, showUnits: false } } : {}),
      });
    const section = (text: string) => new cloudwatch.TextWidget({ markdown: `## ${text}`, width: 24, height: 1 });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      widgets: [
        [new cloudwatch.TextWidget({ markdown: `# GenAI platform: ${props.environment}`, width: 24, height: 1 })],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 3 })],
        [section('Edge: API Gateway, authorizer, WAF')],
        [
          graph(
            'API requests and errors',
            [m.api('Count', 'Sum'), m.api('4XXError', 'Sum'), m.api('5XXError', 'Sum')],
            [m.api4xxPercent()],
          ),
          graph('API latency (p50, p99)', [
            m.api('Latency', 'p50'),
            m.api('Latency', 'p99'),
            m.api('IntegrationLatency', 'p50'),
            m.api('IntegrationLatency', 'p99'),
          ]),
          graph(
            'Authorizer errors and duration',
            [m.authorizer('Errors', 'Sum'), m.authorizer('Throttles', 'Sum')],
            [m.authorizer('Duration', 'p99')],
          ),
        ],
        [
          graph('WAF blocked and counted', [m.waf('BlockedRequests'), m.waf('CountedRequests')]),
          graph('WAF blocked and counted, every web ACL of the region', [m.wafSearch('BlockedRequests'), m.wafSearch('CountedRequests')]),
        ],
        ...webWidgets(m, graph),
        [section('Gateway: LiteLLM targets, pods, Bedrock')],
        [
          graph('Healthy LiteLLM targets', [m.healthyTargets()]),
          graph('Pod CPU % of node', m.pods('pod_cpu_utilization', 'Average'), [], '%'),
          graph('Pod memory % of node', m.pods('pod_memory_utilization', 'Average'), [], '%'),
        ],
        [
          graph('Container restarts per pod, since the pod started', m.podRestarts()),
          graph('Bedrock invocations and throttles per model', m.bedrock('Invocations'), m.bedrock('InvocationThrottles')),
          graph('Bedrock tokens per model (input, output)', [...m.bedrock('InputTokenCount'), ...m.bedrock('OutputTokenCount')]),
        ],
        ...(props.usage ? usageWidgets(props.usage, m) : []),
        [section('Data: Aurora, Valkey, ClickHouse')],
        [
          graph(
            'Aurora capacity (ACU) and % of max, per instance',
            m.auroraInstances('ServerlessDatabaseCapacity', 'Maximum'),
            m.auroraInstances('ACUUtilization', 'Maximum'),
          ),
          graph('Aurora connections', [m.aurora('DatabaseConnections', 'Maximum')]),
          graph(
            'Valkey memory % and connections',
            m.valkey('DatabaseMemoryUsagePercentage', 'Maximum'),
            m.valkey('CurrConnections', 'Maximum'),
          ),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'ClickHouse volume used %, fullest replica',
            left: [m.clickhouseVolumeUsed('Maximum')],
            width: WIDTH,
            height: HEIGHT,
            leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
          }),
          new cloudwatch.TextWidget({
            markdown:
              'Langfuse queue depth is not in CloudWatch: Langfuse exposes no queue metric. Check it in the cluster (README, "Dashboards and alarms"). ClickHouse volume use comes from a CronJob in the ClickHouse chart (every 5 minutes).',
            width: 24 - WIDTH,
            height: HEIGHT,
          }),
        ],
      ],
    });
  }
}

/** The web entrance's row (only with web.domain): its own 5xx answers and Open WebUI's healthy pods. */
function webWidgets(
  m: PlatformMetrics,
  graph: (title: string, left: cloudwatch.IMetric[]) => cloudwatch.GraphWidget,
): cloudwatch.IWidget[][] {
  const errors = m.webLoadBalancer5xx();
  if (!errors) return [];
  const healthy = m.openWebUiHealthyTargets();
  return [[graph('Web load balancer 5xx (its own)', [errors]), ...(healthy ? [graph('Healthy Open WebUI targets', [healthy])] : [])]];
}

/**
 * Per-team usage from LiteLLM's own metrics, by team and model (searched, so guarded copies and new models appear
 * without a change here), by consumer, and each team's error rate and budget used.
 */
function usageWidgets(usage: DashboardUsage, m: PlatformMetrics): cloudwatch.IWidget[][] {
  const u = usage.metrics;
  const graph = (title: string, left: cloudwatch.IMetric[], leftYAxis?: cloudwatch.YAxisProps, annotation?: number) =>
    new cloudwatch.GraphWidget({
      title,
      left,
      width: WIDTH,
      height: HEIGHT,
      ...(leftYAxis ? { leftYAxis } : {}),
      ...(annotation !== undefined ? { leftAnnotations: [{ value: annotation, label: 'alarm', color: cloudwatch.Color.RED }] } : {}),
    });
  const budgeted = usage.teams.filter((t) => t.maxBudgetUsd !== undefined);
  const percentAxis = { min: 0, label: '%', showUnits: false };
  return [
    [new cloudwatch.TextWidget({ markdown: '## Usage per team: LiteLLM tokens, spend, requests, errors', width: 24, height: 1 })],
    [
      graph('Tokens per team and model (input, output), per 5 min', [
        u.search('inputTokens', 'requested_model', 'in'),
        u.search('outputTokens', 'requested_model', 'out'),
      ]),
      graph('Spend per team and model, USD per 5 min', [u.search('spend', 'model')]),
      graph('Requests per team and model, per 5 min', [u.search('requests', 'requested_model')]),
    ],
    [
      graph(
        'Failed requests % per team',
        usage.teams.map((t) => u.errorPercent(t.name)),
        percentAxis,
      ),
      graph(
        'Budget used % per team (this budget period)',
        budgeted.map((t) => u.budgetUsedPercent(t.name, t.maxBudgetUsd!)),
        percentAxis,
        usage.budgetPercent,
      ),
      graph('Spend per consumer (key alias), USD per 5 min', [u.search('spend', 'api_key_alias')]),
    ],
    [
      graph('Gateway latency at the edge, all teams (p50, p95)', [m.api('IntegrationLatency', 'p50'), m.api('IntegrationLatency', 'p95')]),
      new cloudwatch.TextWidget({
        markdown:
          'Latency per team and model is not in CloudWatch: LiteLLM publishes latency as Prometheus histograms, which the Container Insights agent drops. The edge\'s integration latency (left) covers every team; per team and model, read it in Langfuse (README, "Usage per team").',
        width: 24 - WIDTH,
        height: HEIGHT,
      }),
    ],
  ];
}
