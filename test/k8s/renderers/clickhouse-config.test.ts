import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  CLICKHOUSE_ENV,
  CLICKHOUSE_USER,
  TRIMMED_SYSTEM_LOGS,
  renderClickHouseConfig,
  type ClickHouseConfigInput,
} from '../../../k8s/renderers/clickhouse-config';

const ports = { http: 8123, tcp: 9000, interserver: 9009, keeper: 9181, raft: 9234 };
const input = (replicas: 1 | 3): ClickHouseConfigInput => ({
  replicas,
  replicaHosts: Array.from({ length: replicas }, (_, i) => `ch-${i}.svc`),
  ports,
  s3CacheSize: '8Gi',
  queryLogDays: 7,
});
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['replica', 'node', 'server', 'ip'].includes(name),
});
const parse = (xml: string) => parser.parse(xml).clickhouse;

describe('renderClickHouseConfig', () => {
  test('produces well-formed XML', () => {
    for (const replicas of [1, 3] as const) {
      const files = renderClickHouseConfig(input(replicas));
      expect(XMLValidator.validate(files['config.xml'])).toBe(true);
      expect(XMLValidator.validate(files['users.xml'])).toBe(true);
    }
  });

  test('declares an S3 disk using environment credentials and a tiered default policy', () => {
    const config = parse(renderClickHouseConfig(input(1))['config.xml']);
    expect(config.storage_configuration.disks.s3).toEqual({
      type: 's3',
      endpoint: { '@_from_env': CLICKHOUSE_ENV.s3Endpoint },
      region: { '@_from_env': CLICKHOUSE_ENV.region },
      use_environment_credentials: 1,
      metadata_path: '/var/lib/clickhouse/disks/s3/',
    });
    expect(config.storage_configuration.disks.s3_cache).toMatchObject({ type: 'cache', disk: 's3', max_size: '8Gi' });
    expect(config.storage_configuration.policies.tiered.volumes).toEqual({ hot: { disk: 'default' }, cold: { disk: 's3_cache' } });
    expect(config.merge_tree.storage_policy).toBe('tiered');
  });

  test('trims noisy system logs and bounds the query log', () => {
    const config = parse(renderClickHouseConfig(input(1))['config.xml']);
    for (const table of TRIMMED_SYSTEM_LOGS) expect(config[table]).toEqual({ '@_remove': '1' });
    expect(config.query_log.ttl).toBe('event_date + INTERVAL 7 DAY DELETE');
  });

  test('standalone: no Keeper, no cluster definition', () => {
    const config = parse(renderClickHouseConfig(input(1))['config.xml']);
    expect(config.keeper_server).toBeUndefined();
    expect(config.zookeeper).toBeUndefined();
    expect(config.remote_servers).toBeUndefined();
  });

  test('three replicas: one shard, a three-node Keeper ensemble and ZooKeeper client config', () => {
    const config = parse(renderClickHouseConfig(input(3))['config.xml']);
    expect(config.remote_servers['@_replace']).toBe('replace');
    expect(config.remote_servers.default.shard.replica.map((r: { host: string }) => r.host)).toEqual(['ch-0.svc', 'ch-1.svc', 'ch-2.svc']);
    expect(config.zookeeper.node).toHaveLength(3);
    expect(config.keeper_server.server_id).toEqual({ '@_from_env': CLICKHOUSE_ENV.keeperServerId });
    expect(config.keeper_server.raft_configuration.server).toEqual([
      { id: 1, hostname: 'ch-0.svc', port: 9234 },
      { id: 2, hostname: 'ch-1.svc', port: 9234 },
      { id: 3, hostname: 'ch-2.svc', port: 9234 },
    ]);
  });

  test('reads the application password from the environment and keeps the default user local', () => {
    const users = parse(renderClickHouseConfig(input(1))['users.xml']).users;
    expect(users[CLICKHOUSE_USER].password).toEqual({ '@_from_env': CLICKHOUSE_ENV.password });
    expect(users.default.networks.ip).toEqual(['::1', '127.0.0.1']);
  });

  test('rejects a host list that does not match the replica count', () => {
    expect(() => renderClickHouseConfig({ ...input(3), replicaHosts: ['a'] })).toThrow(
      'replicaHosts: has 1 hosts for 3 replicas (give one host per replica)',
    );
  });
});

describe('renderClickHouseConfig backup endpoint', () => {
  test('adds endpoint settings for the backup folder with environment credentials, no keys', () => {
    const server = parse(renderClickHouseConfig({ ...input(1), backupEndpoint: true })['config.xml']);
    expect(server.s3).toEqual({
      backup_bucket: {
        endpoint: { '@_from_env': CLICKHOUSE_ENV.backupEndpoint },
        region: { '@_from_env': CLICKHOUSE_ENV.region },
        use_environment_credentials: 1,
      },
    });
  });

  test('adds none without backups', () => {
    expect(parse(renderClickHouseConfig(input(3))['config.xml']).s3).toBeUndefined();
  });
});
