/**
 * ClickHouse server, as pinned in k8s/versions.ts, and what Langfuse expects of it: the image, the server's
 * defaults and Langfuse's requirements, checked against our rendered manifests, ClickHouse XML and data stack.
 *
 * Upstream: github.com/ClickHouse/ClickHouse (release v25.8.33.6-lts; docker/server/Dockerfile.ubuntu,
 * programs/server/config.xml, src/IO/S3/Credentials.h), github.com/ClickHouse/docker-library (server/25.8.29.51,
 * the newest 25.8 directory there on 2026-08-07), and langfuse/langfuse-docs
 * pages/self-hosting/deployment/infrastructure/clickhouse.mdx (read 2026-09). Facts restated in our own words.
 * The volume report (read 2026-11-29): src/Storages/System/StorageSystemDisks.cpp (stored version, commit 054945c9;
 * the file was not stored at the v25.8.33.6-lts commit 398617fe), the client's config step in programs/client
 * (getenv of CLICKHOUSE_USER / CLICKHOUSE_PASSWORD, found by text search in the stored source, commit not shown),
 * PR #48440 (options override those variables; merged 2023, long before 25.8), and clickhouse.com/docs
 * system.storage_policies (move_factor).
 * Backups (read 2026-12-06, stored versions; the search tools showed no commit or tag for them, so the 25.8 text itself was
 * not pinned): docs/en/operations/backup.md (slug /operations/backup: command summary, `TO S3('<endpoint>/<path>')`,
 * ASYNC, system.backups statuses CREATING_BACKUP / BACKUP_CREATED / BACKUP_FAILED, incremental backups depend on their
 * base); docs/en/engines/table-engines/integrations/s3.md "Endpoint-based settings" (matched by URL prefix;
 * `use_environment_credentials` per endpoint, default false); src/Access/UsersConfigAccessStorage.cpp (a config-defined
 * user with no `grants`, `allow_databases` or `allow_dictionaries` is granted ALL). Not confirmed at 25.8: the
 * server-wide fallback `s3.use_environment_credentials` when no endpoint entry matches (false in older sources, true in
 * newer backup code): so our config sets the endpoint entry explicitly.
 */
import { XMLParser } from 'fast-xml-parser';
import { BACKUP_SCRIPT, CLICKHOUSE_BACKUP } from '../../k8s/clickhouse-backup';
import { VOLUME_METRICS, VOLUME_USED_QUERY } from '../../k8s/clickhouse-volume-metrics';
import { IMAGES, imageRef } from '../../k8s/versions';
import { CLICKHOUSE_CLUSTER_NAME, CLICKHOUSE_USER } from '../../k8s/renderers/clickhouse-config';
import { CLICKHOUSE_LOCAL_DISK } from '../../lib/shared/clickhouse-volume';
import { synthEnvironment } from '../support/app';
import { ENVIRONMENT_NAMES, allManifests, config, envOf, find, type Manifest } from '../k8s/support/charts';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/** Ports the server listens on by default (programs/server/config.xml; the image EXPOSEs 9000 8123 9009). */
const DEFAULT_PORTS = { http: 8123, tcp: 9000, interserver: 9009 } as const;

describe.each(ENVIRONMENT_NAMES)('ClickHouse (%s)', (env) => {
  const cfg = config(env);
  const replicated = cfg.workloads.clickhouse.replicas > 1;
  const manifests = allManifests(cfg);
  const sts = find(manifests, 'StatefulSet', 'clickhouse');
  const pod = sts.spec.template.spec;
  const container = pod.containers[0];
  const files = find(manifests, 'ConfigMap', 'clickhouse-config').data as { 'config.xml': string; 'users.xml': string };
  const server = xml.parse(files['config.xml']).clickhouse;
  const users = xml.parse(files['users.xml']).clickhouse.users;
  const mounted = (path: string) =>
    container.volumeMounts.some((m: Manifest) => !m.readOnly && (path === m.mountPath || path.startsWith(`${m.mountPath}/`)));

  test('the pinned image is a ClickHouse release Langfuse supports (24.3 or newer)', () => {
    // Sources: ClickHouse/ClickHouse docs/changelogs/v25.8.33.6-lts.md (the release exists); Langfuse docs,
    // clickhouse.mdx ("supports ClickHouse versions >= 24.3").
    expect(IMAGES.clickhouse.tag).toBe('25.8.33.6');
    const [major, minor] = IMAGES.clickhouse.tag.split('.').map(Number) as [number, number];
    expect(major * 100 + minor).toBeGreaterThanOrEqual(24 * 100 + 3);
  });

  test('the server runs as the image user clickhouse, uid and gid 101, which owns the data volume', () => {
    // Source: docker/server/Dockerfile.ubuntu (ClickHouse repo and docker-library server/25.8.29.51): user and
    // group `clickhouse` created with fixed uid/gid 101 for rootless containers. fsGroup makes the volume writable.
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 101, runAsGroup: 101, fsGroup: 101 });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('every path the server writes is on a writable volume, and nothing logs to a file', () => {
    // Source: programs/server/config.xml: data, tmp, user files, format schemas and access storage all live
    // under /var/lib/clickhouse/ (the image's VOLUME); file logs go to /var/log/clickhouse-server/ unless the
    // logger's `log` and `errorlog` are removed. Our overrides put disk metadata, cache and Keeper under the data path.
    expect(mounted('/var/lib/clickhouse')).toBe(true);
    expect(sts.spec.volumeClaimTemplates.map((t: Manifest) => t.metadata.name)).toContain(
      container.volumeMounts.find((m: Manifest) => m.mountPath === '/var/lib/clickhouse').name,
    );
    expect(mounted('/tmp')).toBe(true);
    expect(server.logger).toMatchObject({ console: 1, log: { '@_remove': '1' }, errorlog: { '@_remove': '1' } });
    const paths = [
      server.storage_configuration.disks.s3.metadata_path,
      server.storage_configuration.disks.s3_cache.path,
      ...(replicated ? [server.keeper_server.log_storage_path, server.keeper_server.snapshot_storage_path] : []),
    ];
    for (const path of paths) expect([path, mounted(path)]).toEqual([path, true]);
  });

  test('the server listens on its default ports, and the pod, Services and Keeper agree on every port', () => {
    // Source: programs/server/config.xml (http 8123, native 9000, interserver 9009). Keeper has no usable default
    // (its client port defaults to 2181), so its client and raft ports are set explicitly and must match.
    expect(server).toMatchObject({
      http_port: DEFAULT_PORTS.http,
      tcp_port: DEFAULT_PORTS.tcp,
      interserver_http_port: DEFAULT_PORTS.interserver,
    });
    const ports = Object.fromEntries(container.ports.map((p: Manifest) => [p.name, p.containerPort]));
    expect(ports).toMatchObject(DEFAULT_PORTS);
    if (replicated) {
      expect(ports.keeper).toBe(server.keeper_server.tcp_port);
      for (const node of server.zookeeper.node) expect(node.port).toBe(server.keeper_server.tcp_port);
      for (const peer of server.keeper_server.raft_configuration.server) expect(peer.port).toBe(ports.raft);
    }
    const client = find(manifests, 'Service', 'clickhouse').spec.ports.map((p: Manifest) => p.port);
    expect(client).toEqual([DEFAULT_PORTS.http, DEFAULT_PORTS.tcp]);
  });

  test('Langfuse talks to ClickHouse over HTTP on 8123 and migrates it over the native protocol on 9000', () => {
    // Source: Langfuse docs, clickhouse.mdx (CLICKHOUSE_URL http(s)://host:8123, CLICKHOUSE_MIGRATION_URL
    // clickhouse://host:9000); the migration runs in the web container (langfuse v3.194.1 web/entrypoint.sh).
    const web = envOf(find(manifests, 'Deployment', 'langfuse-web').spec.template.spec.containers[0]);
    expect(web.CLICKHOUSE_URL).toMatch(new RegExp(`^http://[^:/]+:${DEFAULT_PORTS.http}$`));
    expect(web.CLICKHOUSE_MIGRATION_URL).toMatch(new RegExp(`^clickhouse://[^:/]+:${DEFAULT_PORTS.tcp}$`));
  });

  test('Langfuse runs ON CLUSTER only against a replicated server: false on one node, cluster "default" on three', () => {
    // Source: Langfuse docs, clickhouse.mdx: CLICKHOUSE_CLUSTER_ENABLED defaults to true and must be false for a
    // single container; clustered mode uses the cluster named `default`, one shard only; langfuse v3.194.1
    // packages/shared/clickhouse/migrations/clustered/*.sql run `ON CLUSTER default` with Replicated engines.
    for (const name of ['langfuse-web', 'langfuse-worker']) {
      const e = envOf(find(manifests, 'Deployment', name).spec.template.spec.containers[0]);
      expect([name, e.CLICKHOUSE_CLUSTER_ENABLED]).toEqual([name, replicated ? 'true' : 'false']);
    }
    if (replicated) {
      expect(CLICKHOUSE_CLUSTER_NAME).toBe('default');
      const shards = [server.remote_servers.default.shard].flat();
      expect(shards).toHaveLength(1);
      expect(shards[0].replica).toHaveLength(cfg.workloads.clickhouse.replicas);
      expect(server.zookeeper.node).toHaveLength(cfg.workloads.clickhouse.replicas);
      expect(Object.keys(server.macros).sort()).toEqual(['replica', 'shard']);
    } else {
      expect(server.remote_servers).toBeUndefined();
    }
  });

  test('every from_env substitution in the XML names a variable the container sets', () => {
    // Source: ClickHouse docs, "Configuration files", substitutions: an element with a `from_env` attribute takes
    // its value from that environment variable when the server reads its configuration.
    const names = [...`${files['config.xml']}${files['users.xml']}`.matchAll(/from_env="([A-Z_]+)"/g)].map((m) => String(m[1]));
    const set = envOf(container);
    const exported = replicated ? ['KEEPER_SERVER_ID'] : []; // exported by the container command
    for (const name of new Set(names)) expect([name, name in set || exported.includes(name)]).toEqual([name, true]);
  });

  test('the S3 disk authenticates with the pod web identity, no keys in the config', () => {
    // Source: src/IO/S3/Credentials.h (the credentials chain used with use_environment_credentials includes
    // AssumeRoleWithWebIdentity from AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, which EKS injects for IRSA).
    const disk = server.storage_configuration.disks.s3;
    expect(disk.use_environment_credentials).toBe(1);
    expect(Object.keys(disk).filter((k) => /access_key|secret/.test(k))).toEqual([]);
    const sa = find(manifests, 'ServiceAccount', pod.serviceAccountName);
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBeTruthy();
    expect(users.langfuse.password['@_from_env']).toBe('CLICKHOUSE_PASSWORD');
  });
});

describe.each(ENVIRONMENT_NAMES)('ClickHouse volume report (%s)', (env) => {
  const cfg = config(env);
  const manifests = allManifests(cfg);
  const files = find(manifests, 'ConfigMap', 'clickhouse-config').data as { 'config.xml': string };
  const server = xml.parse(files['config.xml']).clickhouse;
  const job = find(manifests, 'CronJob', VOLUME_METRICS.cronJob).spec.jobTemplate.spec.template.spec;
  const reader = job.initContainers[0];

  test('system.disks has name, free_space and total_space (bytes) per disk; the report reads the local disk of the hot volume', () => {
    // Source: StorageSystemDisks.cpp: columns name, path, free_space, total_space (UInt64 bytes), unreserved_space,
    // keep_free_space, type, ... is_broken; a disk without a size (object storage) reports the UInt64 maximum, so
    // only the local disk gives a meaningful share. Our tiered policy keeps recent parts on disk `default`.
    for (const column of ['free_space', 'total_space', 'name']) expect(VOLUME_USED_QUERY).toContain(column);
    expect(VOLUME_USED_QUERY).toContain(`FROM system.disks WHERE name = '${CLICKHOUSE_LOCAL_DISK}'`);
    expect(server.storage_configuration.policies.tiered.volumes.hot.disk).toBe(CLICKHOUSE_LOCAL_DISK);
  });

  test('a broken disk reports 0 space, which the report counts as full rather than dividing by zero', () => {
    // Source: StorageSystemDisks.cpp, is_broken: "Broken disks will have 0 space and cannot be used".
    expect(VOLUME_USED_QUERY).toContain('if(total_space = 0, 100,');
  });

  test('clickhouse-client takes the user and password from CLICKHOUSE_USER and CLICKHOUSE_PASSWORD when no option names them', () => {
    // Source: programs/client/Client.cpp (getenv of both, used only when the config has no user/password) and PR
    // #48440 (command-line options override the variables). So the password is in no argument.
    expect(reader.image).toBe(imageRef(IMAGES.clickhouse));
    expect(envOf(reader)).toMatchObject({ CLICKHOUSE_USER, CLICKHOUSE_PASSWORD: 'secret:clickhouse-credentials/CLICKHOUSE_PASSWORD' });
    expect(reader.command.join(' ')).not.toMatch(/--user|--password/);
  });

  test('the server image ships clickhouse-client and lets any uid run it, so the reader needs no clickhouse user', () => {
    // Source: docker/server/Dockerfile.ubuntu: PACKAGES installs clickhouse-client with the server, and the post-install
    // step opens the ClickHouse directories to "others" because containers may run with an arbitrary uid.
    expect(job.securityContext.runAsUser).toBe(VOLUME_METRICS.uid);
    expect(reader.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(reader.command[2]).toContain('clickhouse-client --host');
  });

  test('the volume alarm fires above the fill at which ClickHouse starts moving parts to S3 (1 - move_factor)', () => {
    // Source: system.storage_policies docs: move_factor is the share of free space below which parts start moving
    // to the next volume. The hot volume therefore settles near that fill by design; alarming there would page daily.
    const tiering = 100 * (1 - Number(server.storage_configuration.policies.tiered.move_factor));
    expect(cfg.observability.alarms.clickhouseVolumePercent).toBeGreaterThan(tiering);
  });
});

describe.each(['dev', 'prod'])('ClickHouse disk bucket (%s)', (env) => {
  test('has no versioning and no rule that expires or archives objects', () => {
    // Source: Langfuse docs, clickhouse.mdx, "Blob Storage as Disk": do not enable bucket versioning or deletion
    // lifecycle policies (ClickHouse rewrites and deletes its own objects; either breaks or bloats the disk).
    // The same page recommends a rule aborting incomplete multipart uploads, which is allowed here.
    const buckets = synthEnvironment(env).templates.data.findResources('AWS::S3::Bucket');
    const [id, bucket] = Object.entries(buckets).find(([logicalId]) => logicalId.startsWith('BucketsClickHouse'))!;
    expect([id, bucket.Properties.VersioningConfiguration?.Status ?? 'Off']).toEqual([id, 'Off']);
    for (const rule of bucket.Properties.LifecycleConfiguration?.Rules ?? []) {
      expect(Object.keys(rule).filter((k) => /Expiration|Transition/.test(k))).toEqual([]);
    }
  });

  test('aborts only multipart uploads that never completed, which S3 bills while they linger (Control Tower CT.S3.PR.6)', () => {
    // Source: the same Langfuse page recommends the abort rule; S3 user guide, "Configuring a bucket lifecycle
    // configuration to delete incomplete multipart uploads" (mpu-abort-incomplete-mpu-lifecycle-config.html, read
    // 2026-12-06): the action applies to uploads still in progress after the given days, never to stored objects.
    const buckets = synthEnvironment(env).templates.data.findResources('AWS::S3::Bucket');
    const [, bucket] = Object.entries(buckets).find(([logicalId]) => logicalId.startsWith('BucketsClickHouse'))!;
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 }, Status: 'Enabled' },
    ]);
  });
});

describe('ClickHouse backups (prod)', () => {
  const cfg = config('prod');
  const manifests = allManifests(cfg);
  const sts = find(manifests, 'StatefulSet', 'clickhouse');
  const server = xml.parse(find(manifests, 'ConfigMap', 'clickhouse-config').data['config.xml']).clickhouse;
  const users = xml.parse(find(manifests, 'ConfigMap', 'clickhouse-config').data['users.xml']).clickhouse.users;
  const serverEnv = envOf(sts.spec.template.spec.containers[0]);
  const job = find(manifests, 'CronJob', CLICKHOUSE_BACKUP.cronJob).spec.jobTemplate.spec.template.spec.initContainers[0];

  test('prod backs up (the job exists only where backups are enabled)', () => {
    expect(cfg.backup.enabled).toBe(true);
  });

  test('BACKUP DATABASE <db> TO S3(<url>) with no keys: the endpoint entry whose prefix the url starts with gives the pod identity', () => {
    // Sources: backup.md command summary (S3 destination, keys optional); s3.md endpoint-based settings: the entry
    // applies to URLs starting with its `endpoint`, and `use_environment_credentials` defaults to false there, so it is
    // set. The pod's identity is the IRSA web identity the S3 disk already uses (Credentials.h, above).
    expect(BACKUP_SCRIPT).toContain("TO S3('$BACKUP_URL$name')");
    const entry = server.s3.backup_bucket;
    expect(entry.use_environment_credentials).toBe(1);
    expect(Object.keys(entry).filter((k) => /access_key|secret/.test(k))).toEqual([]);
    const url = envOf(job).BACKUP_URL;
    expect(serverEnv[entry.endpoint['@_from_env']]).toBe(url);
    expect(`${url}2026-12-06T023000Z`.startsWith(String(serverEnv[entry.endpoint['@_from_env']]))).toBe(true);
  });

  test('full backups only: no base_backup, since an incremental backup needs its base, which the lifecycle expires', () => {
    // Source: backup.md, "Incremental backups depend on the base backup", which must be kept to restore.
    expect(BACKUP_SCRIPT).not.toContain('base_backup');
  });

  test('ASYNC returns id and status; system.backups reports CREATING_BACKUP, then BACKUP_CREATED or BACKUP_FAILED', () => {
    // Source: backup.md, "Check the status of backups" (ASYNC answers id and CREATING_BACKUP; system.backups has
    // id, status and error per operation on the server that runs it).
    expect(BACKUP_SCRIPT).toMatch(/ASYNC" \| cut -f1\)/);
    for (const status of ['CREATING_BACKUP', 'BACKUP_CREATED']) expect(BACKUP_SCRIPT).toContain(status);
    expect(BACKUP_SCRIPT).toContain('SELECT error FROM system.backups');
  });

  test('the Langfuse user may BACKUP: a config-defined user without grants or database limits holds ALL', () => {
    // Source: UsersConfigAccessStorage.cpp: no `grants` -> grantWithGrantOption(ALL); `allow_databases` would narrow it.
    expect(envOf(job).CLICKHOUSE_USER).toBe(CLICKHOUSE_USER);
    for (const key of ['grants', 'allow_databases', 'allow_dictionaries']) expect(users[CLICKHOUSE_USER][key]).toBeUndefined();
  });
});
