import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CLICKHOUSE_BACKUP_METRIC } from '../lib/shared/clickhouse-backup';
import { CLICKHOUSE_VOLUME_METRIC } from '../lib/shared/clickhouse-volume';

/**
 * Where each part of one environment reports to CloudWatch, as plain values (names, ids, full names).
 * The dashboard and the alarms read the same metrics from here; test/contracts/cloudwatch.test.ts holds
 * the namespace, metric and dimension names against the AWS documentation they come from.
 */
export interface PlatformMetricsProps {
  /** REST API name (the `ApiName` dimension) and stage. */
  readonly apiName: string;
  readonly apiStage: string;
  /** Name of the Lambda authorizer function. */
  readonly authorizerFunctionName: string;
  /** `net/<name>/<id>` of the gateway's Network Load Balancer. */
  readonly loadBalancerFullName: string;
  /** `targetgroup/<name>/<id>` of the LiteLLM target group. */
  readonly targetGroupFullName: string;
  readonly auroraClusterIdentifier: string;
  /** Aurora instance identifiers, writer first: Serverless v2 scales (and fills up) per instance. */
  readonly auroraInstanceIdentifiers: readonly string[];
  /** The Valkey replication group id; its nodes are the cache clusters `<id>-001`, `<id>-002`, ... */
  readonly valkeyReplicationGroupId: string;
  /** Primary plus replicas. */
  readonly valkeyNodes: number;
  /** The metric name in the web ACL's visibility config. */
  readonly webAclMetricName: string;
  readonly region: string;
  readonly clusterName: string;
  /** Kubernetes namespaces whose pods are graphed (LiteLLM, Langfuse with ClickHouse). */
  readonly namespaces: readonly string[];
  /** Bedrock model ids as LiteLLM invokes them (inference profile ids included), with their region. */
  readonly bedrockModels: readonly { readonly id: string; readonly region: string }[];
  /** Environment name: the dimension of the ClickHouse volume metric the chart's CronJob publishes. */
  readonly environment: string;
  /** The public web load balancer (only with web.domain). @default none */
  readonly web?: WebLoadBalancerMetricsProps;
  /** A daily ClickHouse backup runs here (backup.enabled), putting CLICKHOUSE_BACKUP_METRIC. @default false */
  readonly clickhouseBackups?: boolean;
}

/** Full names (`app/<name>/<id>`, `targetgroup/<name>/<id>`) of the web load balancer and Open WebUI's target group. */
export interface WebLoadBalancerMetricsProps {
  readonly loadBalancerFullName: string;
  /** Only when Open WebUI is enabled. @default none */
  readonly openWebUiTargetGroupFullName?: string;
}

/** Fewer requests than this in 5 minutes say nothing about a 4xx share (three 401s of five is not a storm). */
export const MIN_REQUESTS_FOR_4XX_RATE = 20;

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

/** Member cache clusters of a cluster-mode-disabled replication group, as ElastiCache names them. */
export function valkeyCacheClusterIds(replicationGroupId: string, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, '0')}`);
}

/** Every metric the dashboard and alarms read, built once from plain props. */
export class PlatformMetrics {
  constructor(private readonly props: PlatformMetricsProps) {}

  api(metricName: 'Count' | '4XXError' | '5XXError' | 'Latency' | 'IntegrationLatency', statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiName: this.props.apiName, Stage: this.props.apiStage },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  /** 5XXError's average is the share of requests that failed; as a percentage. */
  api5xxPercent(): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: '100 * errors',
      usingMetrics: { errors: this.api('5XXError', 'Average') },
      label: '5xx %',
      period: FIVE_MINUTES,
    });
  }

  /**
   * 4XXError's average is the share of requests answered 4xx; as a percentage, and 0 while fewer than
   * MIN_REQUESTS_FOR_4XX_RATE requests arrived in the period.
   */
  api4xxPercent(): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `IF(requests >= ${MIN_REQUESTS_FOR_4XX_RATE}, 100 * errors, 0)`,
      usingMetrics: { errors: this.api('4XXError', 'Average'), requests: this.api('Count', 'Sum') },
      label: '4xx %',
      period: FIVE_MINUTES,
    });
  }

  /** Requests in a window; API Gateway publishes no datapoint for a period without requests. */
  apiRequests(period: Duration): cloudwatch.Metric {
    return this.api('Count', 'Sum').with({ period });
  }

  authorizer(metricName: 'Errors' | 'Throttles' | 'Duration' | 'Invocations', statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { FunctionName: this.props.authorizerFunctionName },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  healthyTargets(): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/NetworkELB',
      metricName: 'HealthyHostCount',
      dimensionsMap: { TargetGroup: this.props.targetGroupFullName, LoadBalancer: this.props.loadBalancerFullName },
      statistic: 'Minimum',
      period: ONE_MINUTE,
    });
  }

  /** Rule `ALL` is the web ACL's total over its rules. */
  waf(metricName: 'BlockedRequests' | 'CountedRequests' | 'AllowedRequests'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName,
      dimensionsMap: { WebACL: this.props.webAclMetricName, Rule: 'ALL', Region: this.props.region },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
  }

  /**
   * The same totals for every web ACL of the region, whatever their WebACL value. AWS's WAF metrics page does
   * not settle whether that value is the visibility-config metric name or the web ACL's name (public code
   * claims both), so the dashboard shows this beside waf(); dashboards may search, alarms may not.
   */
  wafSearch(metricName: 'BlockedRequests' | 'CountedRequests'): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="${metricName}" Rule="ALL"', 'Sum', 300)`,
      usingMetrics: {},
      label: '',
      period: FIVE_MINUTES,
    });
  }

  aurora(metricName: 'ServerlessDatabaseCapacity' | 'ACUUtilization' | 'DatabaseConnections', statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBClusterIdentifier: this.props.auroraClusterIdentifier },
      statistic,
      period: FIVE_MINUTES,
    });
  }

  /** One metric per Aurora instance (writer, reader 1, ...): capacity is per instance, the cluster figure averages them. */
  auroraInstances(metricName: 'ServerlessDatabaseCapacity' | 'ACUUtilization', statistic: string): cloudwatch.Metric[] {
    return this.props.auroraInstanceIdentifiers.map(
      (id, i) =>
        new cloudwatch.Metric({
          namespace: 'AWS/RDS',
          metricName,
          dimensionsMap: { DBInstanceIdentifier: id },
          statistic,
          period: FIVE_MINUTES,
          label: i === 0 ? 'writer' : `reader ${i}`,
        }),
    );
  }

  /** The fullest Aurora instance, in percent of the maximum capacity. */
  auroraCapacityPercentMax(): cloudwatch.MathExpression {
    const usingMetrics = Object.fromEntries(this.auroraInstances('ACUUtilization', 'Maximum').map((m, i) => [`instance${i + 1}`, m]));
    return new cloudwatch.MathExpression({
      expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: 'fullest instance %',
      period: FIVE_MINUTES,
    });
  }

  /** One metric per Valkey node: ElastiCache reports per cache cluster, not per replication group. */
  valkey(metricName: 'DatabaseMemoryUsagePercentage' | 'CurrConnections', statistic: string): cloudwatch.Metric[] {
    return valkeyCacheClusterIds(this.props.valkeyReplicationGroupId, this.props.valkeyNodes).map(
      (id, i) =>
        new cloudwatch.Metric({
          namespace: 'AWS/ElastiCache',
          metricName,
          dimensionsMap: { CacheClusterId: id },
          statistic,
          period: FIVE_MINUTES,
          label: `node ${i + 1}`,
        }),
    );
  }

  /** The fullest Valkey node: with noeviction, the first full node stops Langfuse's queues. */
  valkeyMemoryPercentMax(): cloudwatch.MathExpression {
    const nodes = this.valkey('DatabaseMemoryUsagePercentage', 'Maximum');
    const usingMetrics = Object.fromEntries(nodes.map((m, i) => [`node${i + 1}`, m]));
    return new cloudwatch.MathExpression({
      expression: `MAX([${Object.keys(usingMetrics).join(', ')}])`,
      usingMetrics,
      label: 'fullest node %',
      period: FIVE_MINUTES,
    });
  }

  /**
   * Container Insights pod metrics the agent publishes per namespace ({ClusterName, Namespace}); see
   * CONTAINER_INSIGHTS_POD_DIMENSIONS in test/contracts/cloudwatch.test.ts for the sets it publishes.
   */
  pods(metricName: 'pod_cpu_utilization' | 'pod_memory_utilization', statistic: string) {
    return this.props.namespaces.map(
      (namespace) =>
        new cloudwatch.Metric({
          namespace: 'ContainerInsights',
          metricName,
          dimensionsMap: { ClusterName: this.props.clusterName, Namespace: namespace },
          statistic,
          period: FIVE_MINUTES,
          label: namespace,
        }),
    );
  }

  /**
   * Restarts of each pod's containers since the pod started, one line per pod. The agent publishes this metric per
   * pod ({PodName, Namespace, ClusterName}), never per namespace, and as a running total: its Maximum is the count
   * so far, a rising line is a restart, and a Sum over datapoints means nothing. Dashboards may search; alarms may not.
   */
  podRestarts(): cloudwatch.MathExpression[] {
    return this.props.namespaces.map(
      (namespace) =>
        new cloudwatch.MathExpression({
          expression: `SEARCH('{ContainerInsights,ClusterName,Namespace,PodName} MetricName="pod_number_of_container_restarts" ClusterName="${this.props.clusterName}" Namespace="${namespace}"', 'Maximum', 300)`,
          usingMetrics: {},
          label: '',
          period: FIVE_MINUTES,
        }),
    );
  }

  /** The web load balancer's own 5xx answers (no healthy target, a target that timed out), when it exists. */
  webLoadBalancer5xx(): cloudwatch.Metric | undefined {
    if (!this.props.web) return undefined;
    return new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'HTTPCode_ELB_5XX_Count',
      dimensionsMap: { LoadBalancer: this.props.web.loadBalancerFullName },
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
  }

  /** Healthy Open WebUI pods behind the web load balancer, when both exist. */
  openWebUiHealthyTargets(): cloudwatch.Metric | undefined {
    const web = this.props.web;
    if (!web?.openWebUiTargetGroupFullName) return undefined;
    return new cloudwatch.Metric({
      namespace: 'AWS/ApplicationELB',
      metricName: 'HealthyHostCount',
      dimensionsMap: { TargetGroup: web.openWebUiTargetGroupFullName, LoadBalancer: web.loadBalancerFullName },
      statistic: 'Minimum',
      period: ONE_MINUTE,
    });
  }

  bedrock(metricName: 'Invocations' | 'InvocationThrottles' | 'InputTokenCount' | 'OutputTokenCount'): cloudwatch.Metric[] {
    return this.props.bedrockModels.map(
      (model) =>
        new cloudwatch.Metric({
          namespace: 'AWS/Bedrock',
          metricName,
          dimensionsMap: { ModelId: model.id },
          statistic: 'Sum',
          period: FIVE_MINUTES,
          // A model group can call the same model in several regions: the label tells those lines apart.
          ...(model.region !== this.props.region ? { region: model.region, label: `${model.id} (${model.region})` } : { label: model.id }),
        }),
    );
  }

  /**
   * Used space of the fullest ClickHouse data volume, in percent, as the ClickHouse chart's CronJob publishes
   * it every 5 minutes (lib/shared/clickhouse-volume.ts). SampleCount counts the reports that arrived.
   */
  clickhouseVolumeUsed(
    statistic: 'Maximum' | 'SampleCount',
    period = Duration.minutes(CLICKHOUSE_VOLUME_METRIC.periodMinutes),
  ): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: CLICKHOUSE_VOLUME_METRIC.namespace,
      metricName: CLICKHOUSE_VOLUME_METRIC.metricName,
      dimensionsMap: { [CLICKHOUSE_VOLUME_METRIC.dimension]: this.props.environment },
      statistic,
      period,
      label: statistic === 'Maximum' ? 'fullest replica %' : 'reports',
    });
  }

  /** Throttles summed over the models an alarm can watch (alarms read metrics of their own region only). */
  /** ClickHouse backups created per `period` (one data point per successful run); undefined where none run. */
  clickhouseBackupsCreated(period: Duration): cloudwatch.Metric | undefined {
    if (!this.props.clickhouseBackups) return undefined;
    return new cloudwatch.Metric({
      namespace: CLICKHOUSE_BACKUP_METRIC.namespace,
      metricName: CLICKHOUSE_BACKUP_METRIC.metricName,
      dimensionsMap: { [CLICKHOUSE_BACKUP_METRIC.dimension]: this.props.environment },
      statistic: 'Sum',
      period,
      label: 'backups created',
    });
  }

  bedrockThrottlesInRegion(): cloudwatch.MathExpression | undefined {
    const local = this.props.bedrockModels.filter((m) => m.region === this.props.region);
    if (local.length === 0) return undefined;
    const usingMetrics = Object.fromEntries(
      local.map((model, i) => [
        `model${i + 1}`,
        new cloudwatch.Metric({
          namespace: 'AWS/Bedrock',
          metricName: 'InvocationThrottles',
          dimensionsMap: { ModelId: model.id },
          statistic: 'Sum',
          period: FIVE_MINUTES,
        }),
      ]),
    );
    return new cloudwatch.MathExpression({
      // A model with no throttles publishes nothing; FILL keeps the sum defined.
      expression: `SUM([${Object.keys(usingMetrics)
        .map((id) => `FILL(${id}, 0)`)
        .join(', ')}])`,
      usingMetrics,
      label: 'throttles, all models',
      period: FIVE_MINUTES,
    });
  }
}
