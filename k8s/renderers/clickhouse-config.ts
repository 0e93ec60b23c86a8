/**
 * Renders ClickHouse's config overrides (`config.d/`, `users.d/`). Pure: no CDK, no I/O.
 *
 * Deploy-time values (bucket endpoint, region, password, per-pod identity) are read by ClickHouse from
 * environment variables through `from_env` attributes, so the XML is the same with CloudFormation tokens
 * or review placeholders, and so is its checksum.
 */
import { XMLBuilder } from 'fast-xml-parser';

/** Environment variables the XML refers to; the chart must set every one of them. */
export const CLICKHOUSE_ENV = {
  password: 'CLICKHOUSE_PASSWORD',
  s3Endpoint: 'CLICKHOUSE_S3_ENDPOINT',
  region: 'AWS_REGION',
  podName: 'POD_NAME',
  podFqdn: 'POD_FQDN',
  keeperServerId: 'KEEPER_SERVER_ID',
  /** URL prefix of the backup bucket's `backups/` folder; set only when backups run. */
  backupEndpoint: 'CLICKHOUSE_BACKUP_ENDPOINT',
} as const;

/** Name of the endpoint-settings entry under `<s3>` that gives BACKUP/RESTORE to the backup bucket its credentials. */
export const CLICKHOUSE_BACKUP_ENDPOINT_SETTINGS = 'backup_bucket';

export const CLICKHOUSE_USER = 'langfuse';
/** Langfuse runs `ON CLUSTER` statements against this cluster name by default. */
export const CLICKHOUSE_CLUSTER_NAME = 'default';
export const CLICKHOUSE_STORAGE_POLICY = 'tiered';
export const CLICKHOUSE_S3_DISK = 's3';

/** System log tables that grow fast and nobody here reads; removed from the server config. */
export const TRIMMED_SYSTEM_LOGS = [
  'trace_log',
  'text_log',
  'metric_log',
  'asynchronous_metric_log',
  'query_thread_log',
  'query_views_log',
  'query_metric_log',
  'part_log',
  'processors_profile_log',
  'latency_log',
  'opentelemetry_span_log',
  'asynchronous_insert_log',
  'blob_storage_log',
] as const;

export interface ClickHouseConfigInput {
  /** 1: standalone. 3: one shard of three replicas, each also running an embedded Keeper node. */
  readonly replicas: 1 | 3;
  /** Host names of the replicas, in ordinal order (pod DNS names behind the headless Service). */
  readonly replicaHosts: readonly string[];
  readonly ports: {
    readonly http: number;
    readonly tcp: number;
    readonly interserver: number;
    readonly keeper: number;
    readonly raft: number;
  };
  /** Local disk space for caching S3 reads, e.g. `8Gi`. */
  readonly s3CacheSize: string;
  /** Days the query log is kept. */
  readonly queryLogDays: number;
  /**
   * Adds endpoint settings for the backup bucket (URL prefix from CLICKHOUSE_ENV.backupEndpoint): the pod's web
   * identity, as for the disk.
   * @default false
   */
  readonly backupEndpoint?: boolean;
}

export interface ClickHouseConfigFiles {
  /** Mounted as `config.d/platform.xml`. */
  readonly 'config.xml': string;
  /** Mounted as `users.d/platform.xml`. */
  readonly 'users.xml': string;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

function toXml(root: Record<string, unknown>): string {
  return `<?xml version="1.0"?>\n${builder.build({ clickhouse: root })}`;
}

const fromEnv = (name: string) => ({ '@_from_env': name });

export function renderClickHouseConfig(input: ClickHouseConfigInput): ClickHouseConfigFiles {
  if (input.replicaHosts.length !== input.replicas) {
    throw new Error(`replicaHosts: has ${input.replicaHosts.length} hosts for ${input.replicas} replicas (give one host per replica)`);
  }
  const replicated = input.replicas > 1;
  const config: Record<string, unknown> = {
    // The image's docker_related_config.xml may also listen on 0.0.0.0; it sets listen_try, so a duplicate only warns.
    listen_host: '0.0.0.0',
    http_port: input.ports.http,
    tcp_port: input.ports.tcp,
    interserver_http_port: input.ports.interserver,
    // Replicas fetch parts from each other by this name; the pod's DNS name behind the headless Service.
    interserver_http_host: fromEnv(CLICKHOUSE_ENV.podFqdn),
    // Logs go to stdout only (the root filesystem is read-only and log files would need a volume).
    logger: { level: 'warning', console: 1, log: { '@_remove': '1' }, errorlog: { '@_remove': '1' } },
    macros: { shard: 1, replica: fromEnv(CLICKHOUSE_ENV.podName) },
    storage_configuration: {
      disks: {
        [CLICKHOUSE_S3_DISK]: {
          type: 's3',
          // Per-replica prefix: replicas do not share objects (no zero-copy replication).
          endpoint: fromEnv(CLICKHOUSE_ENV.s3Endpoint),
          region: fromEnv(CLICKHOUSE_ENV.region),
          // No keys in config: the AWS SDK chain picks up the web identity token EKS mounts for the pod's IAM role.
          use_environment_credentials: 1,
          metadata_path: `/var/lib/clickhouse/disks/${CLICKHOUSE_S3_DISK}/`,
        },
        s3_cache: { type: 'cache', disk: CLICKHOUSE_S3_DISK, path: '/var/lib/clickhouse/disks/s3_cache/', max_size: input.s3CacheSize },
      },
      policies: {
        // Recent parts stay on the EBS volume; parts move to S3 once the volume is 80% full.
        [CLICKHOUSE_STORAGE_POLICY]: {
          volumes: { hot: { disk: 'default' }, cold: { disk: 's3_cache' } },
          move_factor: 0.2,
        },
      },
    },
    // New MergeTree tables (Langfuse creates its own) use the tiered policy unless they name another.
    merge_tree: { storage_policy: CLICKHOUSE_STORAGE_POLICY },
    // BACKUP/RESTORE TO|FROM S3(url) without keys: settings of the endpoint whose prefix the url starts with.
    // Explicit rather than the server-wide default (`s3.use_environment_credentials`), which was not confirmed at 25.8.
    ...(input.backupEndpoint
      ? {
          s3: {
            [CLICKHOUSE_BACKUP_ENDPOINT_SETTINGS]: {
              endpoint: fromEnv(CLICKHOUSE_ENV.backupEndpoint),
              region: fromEnv(CLICKHOUSE_ENV.region),
              use_environment_credentials: 1,
            },
          },
        }
      : {}),
    query_log: { ttl: `event_date + INTERVAL ${input.queryLogDays} DAY DELETE` },
    ...Object.fromEntries(TRIMMED_SYSTEM_LOGS.map((table) => [table, { '@_remove': '1' }])),
  };
  if (replicated) {
    Object.assign(config, {
      remote_servers: {
        '@_replace': 'replace',
        [CLICKHOUSE_CLUSTER_NAME]: {
          shard: {
            internal_replication: 'true',
            replica: input.replicaHosts.map((host) => ({ host, port: input.ports.tcp })),
          },
        },
      },
      zookeeper: { node: input.replicaHosts.map((host) => ({ host, port: input.ports.keeper })) },
      distributed_ddl: { path: '/clickhouse/task_queue/ddl' },
      keeper_server: {
        tcp_port: input.ports.keeper,
        // 1-based ordinal, exported by the container command from the pod's host name.
        server_id: fromEnv(CLICKHOUSE_ENV.keeperServerId),
        log_storage_path: '/var/lib/clickhouse/coordination/log',
        snapshot_storage_path: '/var/lib/clickhouse/coordination/snapshots',
        coordination_settings: { operation_timeout_ms: 10000, session_timeout_ms: 30000, raft_logs_level: 'warning' },
        raft_configuration: {
          server: input.replicaHosts.map((hostname, i) => ({ id: i + 1, hostname, port: input.ports.raft })),
        },
      },
    });
  }
  const users = {
    users: {
      // The image's passwordless default user stays, but only for local use (probes, kubectl exec).
      default: { networks: { '@_replace': 'replace', ip: ['::1', '127.0.0.1'] } },
      [CLICKHOUSE_USER]: {
        password: fromEnv(CLICKHOUSE_ENV.password),
        // Who may connect is decided by the NetworkPolicy; the password decides who may log in.
        networks: { ip: '::/0' },
        profile: 'default',
        quota: 'default',
        access_management: 0,
      },
    },
  };
  return { 'config.xml': toXml(config), 'users.xml': toXml(users) };
}
