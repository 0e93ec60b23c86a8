import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { PlatformMetrics } from './platform-metrics';

export interface PlatformDashboardProps {
  readonly metrics: PlatformMetrics;
  /** Alarms shown in a status strip at the top. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** Environment name, shown in the title. */
  readonly environment: string;
}

const WIDTH = 8;
const HEIGHT = 6;

/**
 * One dashboard per environment, in the order a platform engineer reads it: alarms, the edge (API
 * Gateway, authorizer, WAF), the gateway (targets, pods, Bedrock), the data tier (Aurora, Valkey, ClickHouse).
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
