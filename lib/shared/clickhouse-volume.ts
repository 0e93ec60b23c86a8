/**
 * The custom CloudWatch metric of ClickHouse volume use. The ClickHouse chart's CronJob publishes it, the
 * observability stack graphs and alarms on it, and the publisher's IAM role may write to this namespace only.
 * Dependency-free on purpose: every folder imports it.
 */
export const CLICKHOUSE_VOLUME_METRIC = {
  /** Custom namespace (never `AWS/...`); also the value of the role's `cloudwatch:namespace` condition. */
  namespace: 'GenAIPlatform/ClickHouse',
  /** Used space of the fullest replica's data volume, in percent (whole numbers, rounded up). */
  metricName: 'VolumeUsedPercent',
  /** The only dimension; its value is the environment name, so environments sharing an account stay apart. */
  dimension: 'Environment',
  unit: 'Percent',
  /** The CronJob runs this often; the alarm and the graph read the metric at the same period. */
  periodMinutes: 5,
} as const;

/** The ClickHouse disk on the pod's EBS volume (the storage policy's hot volume; data path /var/lib/clickhouse). */
export const CLICKHOUSE_LOCAL_DISK = 'default';
