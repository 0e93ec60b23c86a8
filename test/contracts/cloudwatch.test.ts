/**
 * CloudWatch: the namespaces, metric names and dimensions AWS services publish, as our dashboard and alarms
 * read them, checked against the synthesized observability stack of every environment; and what the
 * Container Insights add-on needs on EKS Auto Mode, checked against the cluster stack.
 *
 * Sources, read 2026-11-29 (restated in our own words):
 * - API Gateway: docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html
 * - Network Load Balancer: docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html
 * - Lambda: docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * - WAF: docs.aws.amazon.com/waf/latest/developerguide/waf-metrics.html
 * - Aurora: docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-serverless-v2.viewing.monitoring.html
 * - ElastiCache: docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html and CacheMetrics.HostLevel.html
 * - Bedrock: docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
 * - Container Insights: docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html
 *   and container-insights-eks-classic-metrics.html
 * - EKS add-ons: github.com/awsdocs/amazon-eks-user-guide latest/ug/workloads/workloads-add-ons-available-eks.adoc,
 *   commit 027430e09023d12ec3beccce4c646a11a270a5cb
 * - Custom metrics (the ClickHouse volume CronJob): docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/
 *   iam-cw-condition-keys-namespace.html and the Service Authorization Reference page list_amazoncloudwatch.html
 *   (cloudwatch:namespace on PutMetricData, which has no resource type); github.com/aws/aws-cli
 *   awscli/customizations/putmetricdata.py (commit 037f1c8a) and docker/Dockerfile (commits 6cddf613, 1c30287a);
 *   missing data: docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudwatch.TreatMissingData.html and the
 *   PutMetricAlarm TreatMissingData parameter (breaching | notBreaching | ignore | missing; default missing).
 * - The ClickHouse backup success metric (read 2026-12-06): PutMetricAlarm Period (docs.aws.amazon.com/AmazonCloudWatch/
 *   latest/APIReference/API_PutMetricAlarm.html, as the AWS SDK for Kotlin reference restates it): Period x
 *   EvaluationPeriods may reach 7 days for periods of an hour or more, 1 day below that. Considered and not used:
 *   aws/amazon-cloudwatch-agent (commit ab55b8da) publishes pod_status_failed only with enhanced observability, with
 *   {FullPodName, PodName, Namespace, ClusterName} among its sets, PodName being the CronJob's name for its Job's pods
 *   (plugins/processors/k8sdecorator/stores/podstore.go, translator/translate/otel/exporter/awsemf/kubernetes.go): it
 *   says nothing when a run never starts, which the missing success point does.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { PUBLISH_SCRIPT, VOLUME_METRICS } from '../../k8s/clickhouse-volume-metrics';
import { IDENTITIES } from '../../k8s/identities';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { CLICKHOUSE_VOLUME_METRIC } from '../../lib/shared/clickhouse-volume';
import { CLICKHOUSE_BACKUP_METRIC } from '../../lib/shared/clickhouse-backup';
import { CLICKHOUSE_BACKUP } from '../../k8s/clickhouse-backup';
import { allManifests, find } from '../k8s/support/charts';
import { synthEnvironment } from '../support/app';

interface MetricRef {
  readonly namespace: string;
  readonly metric: string;
  /** Dimension names, sorted. */
  readonly dimensions: string;
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every metric the alarms and the dashboard read, by namespace, name and dimension names. */
function metricsRead(template: Template): MetricRef[] {
  const refs: MetricRef[] = [];
  const add = (namespace: string, metric: string, dimensions: string[]) =>
    refs.push({ namespace, metric, dimensions: [...dimensions].sort().join(',') });
  for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Json[]) {
    const p = alarm.Properties;
    if (p.MetricName)
      add(
        p.Namespace,
        p.MetricName,
        (p.Dimensions ?? []).map((d: Json) => d.Name),
      );
    for (const m of p.Metrics ?? []) {
      const metric = m.MetricStat?.Metric;
      if (metric)
        add(
          metric.Namespace,
          metric.MetricName,
          (metric.Dimensions ?? []).map((d: Json) => d.Name),
        );
    }
  }
  for (const dashboard of Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Json[]) {
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body: Json = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
    for (const widget of body.widgets) {
      for (const line of widget.properties.metrics ?? []) {
        const [namespace, metric, ...rest] = (line as unknown[]).filter((x): x is string => typeof x === 'string');
        add(
          namespace!,
          metric!,
          rest.filter((_, i) => i % 2 === 0),
        );
      }
    }
  }
  return refs;
}

/**
 * The dimension sets the CloudWatch agent publishes pod metrics with, on EKS with enhanced observability (which the
 * add-on turns on: aws-observability/helm-charts charts/amazon-cloudwatch-observability/templates/_helpers.tpl sets
 * enhanced_container_insights true, commit 71a298ff, 2026-08-07). Source: github.com/aws/amazon-cloudwatch-agent
 * translator/translate/otel/exporter/awsemf/kubernetes.go, getPodMetricDeclarations (commit ab55b8da, 2026-08-07,
 * read 2026-12-06). Without enhanced observability restarts are published with {PodName, Namespace, ClusterName} only,
 * which both lists share. Dimension names sorted.
 */
const CONTAINER_INSIGHTS_POD_DIMENSIONS: Readonly<Record<string, readonly string[]>> = {
  pod_cpu_utilization: [
    'ClusterName,Namespace,PodName',
    'ClusterName',
    'ClusterName,Namespace,Service',
    'ClusterName,Namespace',
    'ClusterName,FullPodName,Namespace,PodName',
  ],
  pod_memory_utilization: [
    'ClusterName,Namespace,PodName',
    'ClusterName',
    'ClusterName,Namespace,Service',
    'ClusterName,Namespace',
    'ClusterName,FullPodName,Namespace,PodName',
  ],
  pod_number_of_container_restarts: [
    'ClusterName,Namespace,PodName',
    'ClusterName',
    'ClusterName,FullPodName,Namespace,PodName',
    'ClusterName,Namespace,Service',
  ],
};

function publishedSets(metric: string): readonly string[] {
  return CONTAINER_INSIGHTS_POD_DIMENSIONS[metric] ?? [];
}

/** Every math or search expression on the dashboard, with tokens left as TOKEN. */
function dashboardExpressions(template: Template): string[] {
  const expressions: string[] = [];
  for (const dashboard of Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Json[]) {
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body: Json = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
    for (const widget of body.widgets) {
      for (const line of widget.properties.metrics ?? []) {
        for (const item of line as unknown[])
          if (item && typeof item === 'object' && 'expression' in item) expressions.push(String(item.expression));
      }
    }
  }
  return expressions;
}

describe.each(Object.keys(ENVIRONMENTS))('CloudWatch contract (%s)', (env) => {
  const { config, templates } = synthEnvironment(env);
  const read = metricsRead(templates.observability);
  const expectReads = (namespace: string, metric: string, dimensions: string[]) =>
    expect(read).toContainEqual({ namespace, metric, dimensions: [...dimensions].sort().join(',') });

  test('API Gateway REST APIs publish Count, 4XXError, 5XXError, Latency and IntegrationLatency in AWS/ApiGateway by ApiName and Stage', () => {
    // Source: api-gateway-metrics-and-dimensions.html. The Average of 5XXError is the share of requests that
    // failed (errors over Count), which is what the 5xx-rate alarm multiplies by 100.
    for (const metric of ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'])
      expectReads('AWS/ApiGateway', metric, ['ApiName', 'Stage']);
    const [rate] = Object.values(templates.observability.findResources('AWS::CloudWatch::Alarm')).filter((a: Json) =>
      JSON.stringify(a.Properties.Metrics ?? '').includes('5XXError'),
    ) as Json[];
    expect(rate.Properties.Metrics).toContainEqual(
      expect.objectContaining({ MetricStat: expect.objectContaining({ Stat: 'Average' }) as unknown }),
    );
    expect(rate.Properties.Metrics).toContainEqual(expect.objectContaining({ Expression: '100 * errors' }));
  });

  test('Network Load Balancers publish HealthyHostCount in AWS/NetworkELB by TargetGroup and LoadBalancer (full names)', () => {
    // Source: load-balancer-cloudwatch-metrics.html: the target-group dimension set is TargetGroup with LoadBalancer,
    // values being the "targetgroup/<name>/<id>" and "net/<name>/<id>" parts of the ARNs.
    expectReads('AWS/NetworkELB', 'HealthyHostCount', ['LoadBalancer', 'TargetGroup']);
    const alarm = Object.values(templates.observability.findResources('AWS::CloudWatch::Alarm')).find(
      (a: Json) => a.Properties.MetricName === 'HealthyHostCount',
    ) as Json;
    const values = JSON.stringify(alarm.Properties.Dimensions);
    expect(values).toMatch(/TargetGroupFullName/);
    expect(values).toMatch(/LoadBalancerFullName/);
  });

  test('Lambda publishes Errors, Throttles and Duration in AWS/Lambda by FunctionName', () => {
    for (const metric of ['Errors', 'Throttles', 'Duration']) expectReads('AWS/Lambda', metric, ['FunctionName']);
  });

  test('WAF publishes BlockedRequests and CountedRequests in AWS/WAFV2 by WebACL, Rule and Region; Rule ALL totals the web ACL', () => {
    // Source: waf-metrics.html. Not settled there: whether the WebACL value is the web ACL's visibility-config
    // metric name or its resource name (public code claims both), so the dashboard adds a SEARCH over all of them.
    for (const metric of ['BlockedRequests', 'CountedRequests']) expectReads('AWS/WAFV2', metric, ['Region', 'Rule', 'WebACL']);
  });

  test('Aurora publishes DatabaseConnections in AWS/RDS by DBClusterIdentifier', () => {
    expectReads('AWS/RDS', 'DatabaseConnections', ['DBClusterIdentifier']);
  });

  test('ElastiCache publishes DatabaseMemoryUsagePercentage and CurrConnections in AWS/ElastiCache per node, by CacheClusterId', () => {
    // Source: CacheMetrics.Redis.html: engine metrics are computed per cache node; a replication group's nodes are its
    // member clusters <group id>-001, -002, ... (the member naming is ElastiCache's convention, not restated in that page).
    for (const metric of ['DatabaseMemoryUsagePercentage', 'CurrConnections']) expectReads('AWS/ElastiCache', metric, ['CacheClusterId']);
    expect(read.some((r) => r.namespace === 'AWS/ElastiCache' && r.dimensions.includes('ReplicationGroupId'))).toBe(false);
  });

  test('Bedrock publishes Invocations, InvocationThrottles, InputTokenCount and OutputTokenCount in AWS/Bedrock by ModelId', () => {
    // Source: monitoring-runtime-metrics.html. Throttled calls count in InvocationThrottles, not in Invocations.
    for (const metric of ['Invocations', 'InvocationThrottles', 'InputTokenCount', 'OutputTokenCount'])
      expectReads('AWS/Bedrock', metric, ['ModelId']);
  });

  test('Container Insights: every pod metric read uses a dimension set the agent publishes for it', () => {
    // Source: CONTAINER_INSIGHTS_POD_DIMENSIONS below. The ClickHouse volume comes from our own CronJob (below), never
    // from ContainerInsights: no PersistentVolumeClaim fill metric is in the agent's list.
    const podReads = read.filter((r) => r.namespace === 'ContainerInsights');
    expect(podReads.length).toBeGreaterThan(0);
    for (const r of podReads) expect([r.metric, publishedSets(r.metric)]).toEqual([r.metric, expect.arrayContaining([r.dimensions])]);
    expect(read.some((r) => r.namespace === 'ContainerInsights' && /volume|pvc|filesystem/i.test(r.metric))).toBe(false);
  });

  test('Container Insights: restarts are read per pod (the only set the agent always publishes them with), as a running total', () => {
    // Source: CONTAINER_INSIGHTS_POD_DIMENSIONS; Container-Insights-metrics-EKS.html describes the metric as the total
    // number of container restarts in a pod: a running total, so a Sum over datapoints counts nothing. The dashboard
    // searches the per-pod set and takes the Maximum.
    expect(publishedSets('pod_number_of_container_restarts')).not.toContain('ClusterName,Namespace');
    expect(read).not.toContainEqual(expect.objectContaining({ metric: 'pod_number_of_container_restarts' }));
    const searches = dashboardExpressions(templates.observability).filter((e) => e.includes('pod_number_of_container_restarts'));
    // One search per graphed namespace (LiteLLM, Langfuse with ClickHouse).
    expect(searches).toHaveLength(2);
    for (const search of searches) {
      expect(search).toMatch(
        /^SEARCH\('\{ContainerInsights,ClusterName,Namespace,PodName\} MetricName="pod_number_of_container_restarts" /,
      );
      expect(search).toMatch(/, 'Maximum', 300\)$/);
    }
    expect(publishedSets('pod_number_of_container_restarts')).toContain('ClusterName,Namespace,PodName');
  });

  test('Aurora Serverless v2 publishes ServerlessDatabaseCapacity and ACUUtilization per instance, by DBInstanceIdentifier', () => {
    // Source: aurora-serverless-v2.viewing.monitoring.html (listed above; read 2026-11-29), restated with a worked
    // example in dev.classmethod.jp/articles/monitor-amazon-aurora-serverless-v2-metrics (read 2026-12-06): both metrics
    // exist per DB instance and per cluster, the cluster figure being the instances' average; so the alarm reads each.
    for (const metric of ['ServerlessDatabaseCapacity', 'ACUUtilization']) expectReads('AWS/RDS', metric, ['DBInstanceIdentifier']);
    const capacity = Object.values(templates.observability.findResources('AWS::CloudWatch::Alarm')).find((a: Json) =>
      JSON.stringify(a.Properties.Metrics ?? '').includes('ACUUtilization'),
    ) as Json;
    const dims = (capacity.Properties.Metrics as Json[]).flatMap((m) => (m.MetricStat?.Metric.Dimensions ?? []).map((d: Json) => d.Name));
    expect(new Set(dims)).toEqual(new Set(['DBInstanceIdentifier']));
    expect(dims).toHaveLength(1 + config.database.readers);
  });

  if (config.web.domain) {
    test('Application Load Balancers publish HealthyHostCount by TargetGroup and LoadBalancer, HTTPCode_ELB_5XX_Count by LoadBalancer', () => {
      // Source: docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
      // (read 2026-12-06: its introduction; the dimension table was not shown in what was read, so the sets below are
      // the same ones the NLB page documents): nothing is reported while no request flows, hence notBreaching.
      expectReads('AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', ['LoadBalancer']);
      if (config.openWebUi.enabled) expectReads('AWS/ApplicationELB', 'HealthyHostCount', ['LoadBalancer', 'TargetGroup']);
    });
  }

  test('PutMetricData has no resource type and is narrowed by cloudwatch:namespace: the volume publisher may write its one namespace only', () => {
    // Source: list_amazoncloudwatch.html (PutMetricData: no resource type, condition key cloudwatch:namespace) and
    // iam-cw-condition-keys-namespace.html (StringEquals on cloudwatch:namespace limits publishing to one namespace).
    const statements = Object.values(templates.cluster.findResources('AWS::IAM::Policy')).flatMap(
      (p: Json) => p.Properties.PolicyDocument.Statement as Json[],
    );
    const put = statements.filter((s) => [s.Action].flat().some((a: string) => a.startsWith('cloudwatch:')));
    expect(put).toEqual([
      {
        Sid: 'PutClickHouseVolumeMetric',
        Effect: 'Allow',
        Action: 'cloudwatch:PutMetricData',
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': CLICKHOUSE_VOLUME_METRIC.namespace } },
      },
    ]);
    const role = Object.entries(templates.cluster.findResources('AWS::IAM::Policy')).find(([, p]: [string, Json]) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('PutClickHouseVolumeMetric'),
    )![1] as Json;
    expect(JSON.stringify(role.Properties.Roles)).toMatch(/ClickhouseMetricsServiceAccount/);
  });

  test('a custom metric lives outside the AWS/ namespaces and is read back by the namespace, name and dimension it was put with', () => {
    // Source: PutMetricData API reference (a namespace must not begin with "AWS/"); a metric is identified by
    // namespace, name and its full dimension set, so the alarm must name exactly the one dimension the job puts.
    expect(CLICKHOUSE_VOLUME_METRIC.namespace.startsWith('AWS/')).toBe(false);
    expectReads(CLICKHOUSE_VOLUME_METRIC.namespace, CLICKHOUSE_VOLUME_METRIC.metricName, [CLICKHOUSE_VOLUME_METRIC.dimension]);
    expect(JSON.stringify(templates.observability.findResources('AWS::CloudWatch::Alarm'))).toContain(
      JSON.stringify({ Name: CLICKHOUSE_VOLUME_METRIC.dimension, Value: config.name }),
    );
  });

  test('aws cloudwatch put-metric-data takes --dimensions as Name=Value pairs split on commas, so the environment name is a safe value', () => {
    // Source: awscli/customizations/putmetricdata.py (commit 037f1c8a): --metric-name, --value, --unit and
    // --dimensions fill the first MetricData entry; --dimensions splits on commas, then on '='.
    expect(PUBLISH_SCRIPT).toContain('put-metric-data --namespace "$METRIC_NAMESPACE" --metric-name "$METRIC_NAME"');
    expect(PUBLISH_SCRIPT).toContain('--dimensions "$METRIC_DIMENSION=$ENVIRONMENT"');
    expect(config.name).toMatch(/^[a-z0-9]+$/);
    expect(CLICKHOUSE_VOLUME_METRIC.unit).toBe('Percent');
  });

  test('the backup success metric: put by the backup job under the role that may write its namespace, read back by the alarm only where backups run', () => {
    // PutMetricData: a metric is its namespace, name and full dimension set; the role's cloudwatch:namespace
    // condition (above) admits exactly one namespace, so both CronJobs put into it under the same account.
    const alarms = Object.values(templates.observability.findResources('AWS::CloudWatch::Alarm')) as Json[];
    const onBackups = alarms.filter((a) => JSON.stringify(a.Properties.Metrics ?? '').includes(CLICKHOUSE_BACKUP_METRIC.metricName));
    const backupJob = allManifests(config).find((m) => m.kind === 'CronJob' && m.metadata.name === CLICKHOUSE_BACKUP.cronJob);
    if (!config.backup.enabled) {
      expect([onBackups, backupJob]).toEqual([[], undefined]);
      return;
    }
    expect(CLICKHOUSE_BACKUP_METRIC.namespace).toBe(CLICKHOUSE_VOLUME_METRIC.namespace);
    expectReads(CLICKHOUSE_BACKUP_METRIC.namespace, CLICKHOUSE_BACKUP_METRIC.metricName, [CLICKHOUSE_BACKUP_METRIC.dimension]);
    expect(onBackups).toHaveLength(1);
    const [alarm] = onBackups;
    expect(alarm.Properties.Metrics[0].MetricStat.Metric.Dimensions).toEqual([
      { Name: CLICKHOUSE_BACKUP_METRIC.dimension, Value: config.name },
    ]);
    // Within CloudWatch's limit for periods of an hour or more, and longer than a day's run plus its deadline.
    const seconds = alarm.Properties.Metrics[0].MetricStat.Period * alarm.Properties.EvaluationPeriods;
    expect(alarm.Properties.Metrics[0].MetricStat.Period).toBeGreaterThanOrEqual(3600);
    expect(seconds).toBeLessThanOrEqual(7 * 24 * 3600);
    expect(seconds).toBeGreaterThanOrEqual(24 * 3600 + CLICKHOUSE_BACKUP.deadlineSeconds);
    expect(alarm.Properties.TreatMissingData).toBe('breaching');
    const pod = backupJob!.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe(IDENTITIES.clickhouseMetrics.serviceAccount);
    const env = Object.fromEntries(pod.containers[0].env.map((e: Json) => [e.name, e.value]));
    expect([env.METRIC_NAMESPACE, env.METRIC_NAME, env.METRIC_DIMENSION, env.ENVIRONMENT]).toEqual([
      CLICKHOUSE_BACKUP_METRIC.namespace,
      CLICKHOUSE_BACKUP_METRIC.metricName,
      CLICKHOUSE_BACKUP_METRIC.dimension,
      config.name,
    ]);
  });

  test('the AWS CLI image sets no USER, so the publisher is made to run as a non-root uid', () => {
    // Source: aws/aws-cli docker/Dockerfile (Amazon Linux 2 base, ENTRYPOINT /usr/local/bin/aws, no USER line): the
    // image would run as root, which Pod Security "restricted" rejects unless the pod names a non-zero uid.
    const cronJob = find(allManifests(config), 'CronJob', VOLUME_METRICS.cronJob);
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: VOLUME_METRICS.uid });
    expect(VOLUME_METRICS.uid).toBeGreaterThan(0);
    expect(pod.containers[0].command[0]).toBe('/bin/sh');
    expect(pod.serviceAccountName).toBe(IDENTITIES.clickhouseMetrics.serviceAccount);
  });

  test('missing data: the volume alarm ignores it and a separate alarm treats it as breaching, because a failed run publishes nothing', () => {
    // Source: TreatMissingData (CDK v2 docs) and PutMetricAlarm: notBreaching counts a missing point as within the
    // threshold, breaching as over it; left out, the default `missing` would leave a stopped job unnoticed.
    const alarms = Object.values(templates.observability.findResources('AWS::CloudWatch::Alarm')) as Json[];
    const onVolume = alarms.filter((a) => JSON.stringify(a.Properties.Metrics ?? '').includes(CLICKHOUSE_VOLUME_METRIC.metricName));
    const byStat = Object.fromEntries(onVolume.map((a) => [a.Properties.Metrics[0].MetricStat.Stat, a.Properties.TreatMissingData]));
    expect(byStat).toEqual({ Maximum: 'notBreaching', SampleCount: 'breaching' });
  });

  test('the amazon-cloudwatch-observability add-on runs on EKS Auto Mode with CloudWatchAgentServerPolicy and AWSXrayWriteOnlyAccess for its cloudwatch-agent service account', () => {
    // Source: workloads-add-ons-available-eks.adoc (commit 027430e0): the add-on lists "EKS Auto Mode" among its
    // compatible compute types; its IAM section asks for those two managed policies on the role of service account
    // cloudwatch-agent in namespace amazon-cloudwatch (IRSA).
    templates.cluster.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'amazon-cloudwatch-observability' });
    const json = JSON.stringify(templates.cluster.toJSON());
    expect(json).toContain('system:serviceaccount:amazon-cloudwatch:cloudwatch-agent');
    for (const policy of ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess']) expect(json).toContain(`:iam::aws:policy/${policy}`);
  });
});
