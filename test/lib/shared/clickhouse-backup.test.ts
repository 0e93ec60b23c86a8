import { CLICKHOUSE_BACKUP_METRIC, CLICKHOUSE_BACKUP_PREFIX } from '../../../lib/shared/clickhouse-backup';
import { CLICKHOUSE_VOLUME_METRIC } from '../../../lib/shared/clickhouse-volume';

describe('ClickHouse backup facts', () => {
  test("puts its success metric into the volume metric's namespace, the only one the publishing role may write to", () => {
    expect(CLICKHOUSE_BACKUP_METRIC.namespace).toBe(CLICKHOUSE_VOLUME_METRIC.namespace);
    expect(CLICKHOUSE_BACKUP_METRIC.namespace).not.toMatch(/^AWS\//);
  });

  test('names the metric apart from the volume metric, with the same one Environment dimension', () => {
    expect(CLICKHOUSE_BACKUP_METRIC.metricName).not.toBe(CLICKHOUSE_VOLUME_METRIC.metricName);
    expect(CLICKHOUSE_BACKUP_METRIC.dimension).toBe(CLICKHOUSE_VOLUME_METRIC.dimension);
  });

  test('writes backups under one folder prefix', () => {
    expect(CLICKHOUSE_BACKUP_PREFIX).toBe('backups/');
  });
});
