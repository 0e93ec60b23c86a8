/**
 * Where ClickHouse's own backups go in their bucket, shared by the data stack (lifecycle, IAM) and the chart (the
 * backup URL). Dependency-free on purpose.
 */

/** Prefix every ClickHouse backup is written under, one folder per backup (k8s/clickhouse-backup.ts). */
export const CLICKHOUSE_BACKUP_PREFIX = 'backups/';
