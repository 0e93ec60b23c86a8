/**
 * Where ClickHouse's own backups go in their bucket, shared by the data stack (lifecycle, IAM) and the chart (the
 * backup URL). Dependency-free on purpose.
 */

/** Prefix every ClickHouse backup is written under, one folder per backup (k8s/clickhouse-backup.ts). */
export const CLICKHOUSE_BACKUP_PREFIX = 'backups/';

/**
 * The custom CloudWatch metric a successful ClickHouse backup run puts (value 1), which the "backup missing" alarm
 * reads. Same namespace as the volume metric (lib/shared/clickhouse-volume.ts), because the publishing role may write
 * to that one namespace only; a test keeps the two equal.
 */
export const CLICKHOUSE_BACKUP_METRIC = {
  namespace: 'GenAIPlatform/ClickHouse',
  metricName: 'BackupsCreated',
  /** The only dimension; its value is the environment name. */
  dimension: 'Environment',
  unit: 'Count',
} as const;
