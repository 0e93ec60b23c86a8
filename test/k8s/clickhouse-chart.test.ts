import { Testing } from 'cdk8s';
import { XMLParser } from 'fast-xml-parser';
import { CLICKHOUSE_BACKUP } from '../../k8s/clickhouse-backup';
import { clickhouseReplicaHosts } from '../../k8s/clickhouse-chart';
import { placeholderAwsValues } from '../../k8s/platform-charts';
import { ClickHouseVolumeMetrics } from '../../k8s/clickhouse-volume-metrics';
import { IDENTITIES } from '../../k8s/identities';
import { IMAGES, imageRef } from '../../k8s/versions';
import { CLICKHOUSE_VOLUME_METRIC } from '../../lib/shared/clickhouse-volume';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from '../../k8s/renderers/checksum';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from './support/charts';

describe.each(ENVIRONMENT_NAMES)('ClickHouseChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).clickhouse) as Manifest[];
  const sts = find(manifests, 'StatefulSet', 'clickhouse');
  const container = sts.spec.template.spec.containers[0];
  const configMap = find(manifests, 'ConfigMap', 'clickhouse-config');

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('runs the configured replicas on encrypted gp3 volumes of the configured size', () => {
    expect(sts.spec.replicas).toBe(cfg.workloads.clickhouse.replicas);
    expect(sts.spec.volumeClaimTemplates[0].spec).toMatchObject({
      storageClassName: 'ebs-gp3-encrypted',
      resources: { requests: { storage: `${cfg.workloads.clickhouse.volumeSizeGi}Gi` } },
    });
  });

  test('deletes volumes with the StatefulSet only in ephemeral environments', () => {
    const policy = cfg.ephemeral ? 'Delete' : 'Retain';
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: policy, whenScaled: policy });
  });

  test('declares the S3 disk with environment credentials and points it at the ClickHouse bucket', () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(configMap.data['config.xml']);
    expect(xml.clickhouse.storage_configuration.disks.s3).toMatchObject({ type: 's3', use_environment_credentials: 1 });
    expect(envOf(container).CLICKHOUSE_S3_ENDPOINT).toBe('https://<clickhouse-bucket>.s3.us-east-1.amazonaws.com/data/$(POD_NAME)/');
    expect(envOf(container).CLICKHOUSE_PASSWORD).toBe('secret:clickhouse-credentials/CLICKHOUSE_PASSWORD');
  });

  test('rolls the pods when the XML changes', () => {
    expect(sts.spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toBe(configChecksum(configMap.data));
  });

  test('has a headless Service publishing not-ready peers and a client Service', () => {
    expect(find(manifests, 'Service', 'clickhouse-headless').spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(find(manifests, 'Service', 'clickhouse').spec.ports.map((p: Manifest) => p.port)).toEqual([8123, 9000]);
  });

  test('runs Keeper only when replicated', () => {
    const xml = new XMLParser({ ignoreAttributes: false }).parse(configMap.data['config.xml']);
    if (cfg.workloads.clickhouse.replicas > 1) {
      expect(xml.clickhouse.keeper_server.raft_configuration.server).toHaveLength(3);
      expect(container.command.join(' ')).toContain('KEEPER_SERVER_ID');
      expect(find(manifests, 'PodDisruptionBudget', 'clickhouse').spec.maxUnavailable).toBe(1);
    } else {
      expect(xml.clickhouse.keeper_server).toBeUndefined();
      expect(container.command[0]).toBe('/usr/bin/clickhouse-server');
    }
  });
});

describe.each(ENVIRONMENT_NAMES)('ClickHouse volume metrics (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).clickhouse) as Manifest[];
  const cronJob = find(manifests, 'CronJob', 'clickhouse-volume-metrics');
  const job = cronJob.spec.jobTemplate.spec;
  const pod = job.template.spec;
  const [reader] = pod.initContainers;
  const [publisher] = pod.containers;
  const podLabels = job.template.metadata.labels;
  const selects = (policy: Manifest, labels: Manifest) =>
    Object.entries(policy.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

  test('runs every 5 minutes, never two at once, keeps little history and ends before the next run', () => {
    expect(cronJob.spec).toMatchObject({
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 3,
    });
    expect(job.activeDeadlineSeconds).toBeLessThan(CLICKHOUSE_VOLUME_METRIC.periodMinutes * 60);
    expect(pod.restartPolicy).toBe('Never');
  });

  test('asks every replica with the pinned server image and publishes with the pinned AWS CLI image', () => {
    expect(reader.image).toBe(imageRef(IMAGES.clickhouse));
    expect(envOf(reader).CLICKHOUSE_HOSTS?.split(' ')).toEqual(clickhouseReplicaHosts(cfg.workloads.clickhouse.replicas));
    expect(envOf(reader).CLICKHOUSE_PORT).toBe('9000');
    expect(publisher.image).toBe(imageRef(IMAGES.awsCli));
    expect(envOf(publisher)).toMatchObject({
      METRIC_NAMESPACE: CLICKHOUSE_VOLUME_METRIC.namespace,
      METRIC_NAME: CLICKHOUSE_VOLUME_METRIC.metricName,
      METRIC_DIMENSION: CLICKHOUSE_VOLUME_METRIC.dimension,
      METRIC_UNIT: 'Percent',
      ENVIRONMENT: cfg.name,
      AWS_REGION: 'us-east-1',
    });
  });

  test('takes the password from the synced ClickHouse secret, never from an argument', () => {
    expect(envOf(reader).CLICKHOUSE_PASSWORD).toBe('secret:clickhouse-credentials/CLICKHOUSE_PASSWORD');
    expect(envOf(publisher).CLICKHOUSE_PASSWORD).toBeUndefined();
    for (const c of [reader, publisher]) {
      expect(c.command.join(' ')).not.toMatch(/--password|CLICKHOUSE_PASSWORD/);
      expect(c.command.join(' ')).not.toMatch(/set -x/);
    }
  });

  test('runs as a non-root user with the restricted security context, limits and a writable /tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [reader, publisher]) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const kind of ['requests', 'limits']) expect(c.resources[kind]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      const tmp = c.volumeMounts.find((m: Manifest) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: Manifest) => v.name === tmp.name).emptyDir).toBeDefined();
    }
  });

  test('runs under its own service account, bound to the metrics role', () => {
    expect(pod.serviceAccountName).toBe(IDENTITIES.clickhouseMetrics.serviceAccount);
    const sa = find(manifests, 'ServiceAccount', IDENTITIES.clickhouseMetrics.serviceAccount);
    expect(sa.metadata.namespace).toBe(IDENTITIES.clickhouseMetrics.namespace);
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('<clickhouse-metrics-role-arn>');
    expect(cronJob.metadata.namespace).toBe(IDENTITIES.clickhouseMetrics.namespace);
  });

  test('may reach the ClickHouse native port and HTTPS only, and the servers accept it on the native port', () => {
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const egress = policies.filter((p) => selects(p, podLabels)).flatMap((p) => p.spec.egress ?? []);
    expect(egress.flatMap((r: Manifest) => r.ports.map((p: Manifest) => p.port)).sort()).toEqual([443, 9000]);
    const server = sts(manifests).spec.template.metadata.labels;
    const ingress = policies.filter((p) => selects(p, server)).flatMap((p) => p.spec.ingress ?? []);
    const fromPublisher = ingress.filter((r: Manifest) =>
      r.from.some(
        (f: Manifest) => f.podSelector?.matchLabels?.['app.kubernetes.io/component'] === podLabels['app.kubernetes.io/component'],
      ),
    );
    expect(fromPublisher.flatMap((r: Manifest) => r.ports.map((p: Manifest) => p.port))).toEqual([9000]);
  });
});

describe('ClickHouseVolumeMetrics', () => {
  test('refuses to run without a replica to ask', () => {
    expect(
      () =>
        new ClickHouseVolumeMetrics(Testing.chart(), 'Metrics', {
          namespace: 'langfuse',
          serviceAccount: 'clickhouse-metrics',
          roleArn: 'arn',
          environment: 'dev',
          region: 'us-east-1',
          replicaHosts: [],
          nativePort: 9000,
          serverLabels: { app: 'clickhouse' },
          user: 'langfuse',
          passwordSecret: 'clickhouse-credentials',
        }),
    ).toThrow('replicaHosts: is empty (give the host name of every ClickHouse replica)');
  });
});

function sts(manifests: Manifest[]): Manifest {
  return find(manifests, 'StatefulSet', 'clickhouse');
}

describe('clickhouseReplicaHosts', () => {
  test('names each pod behind the headless Service', () => {
    expect(clickhouseReplicaHosts(3)).toEqual([
      'clickhouse-0.clickhouse-headless.langfuse.svc.cluster.local',
      'clickhouse-1.clickhouse-headless.langfuse.svc.cluster.local',
      'clickhouse-2.clickhouse-headless.langfuse.svc.cluster.local',
    ]);
  });
});

describe.each(ENVIRONMENT_NAMES)('ClickHouseChart backups (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).clickhouse) as Manifest[];
  const container = find(manifests, 'StatefulSet', 'clickhouse').spec.template.spec.containers[0];
  const server = new XMLParser({ ignoreAttributes: false }).parse(
    find(manifests, 'ConfigMap', 'clickhouse-config').data['config.xml'],
  ).clickhouse;
  const url = 'https://<clickhouse-backup-bucket>.s3.us-east-1.amazonaws.com/backups/';

  if (cfg.backup.enabled) {
    test('backs up daily into the backup folder of the backup bucket, from the first replica', () => {
      const job = find(manifests, 'CronJob', CLICKHOUSE_BACKUP.cronJob);
      expect(job.spec.schedule).toBe(CLICKHOUSE_BACKUP.schedule);
      const pod = job.spec.jobTemplate.spec.template.spec;
      const backup = envOf(pod.initContainers[0]);
      expect(backup).toMatchObject({ BACKUP_URL: url, CLICKHOUSE_HOST: clickhouseReplicaHosts(cfg.workloads.clickhouse.replicas)[0] });
      // Then the success point, for this environment, under the volume publisher's account (and its role).
      expect(envOf(pod.containers[0])).toMatchObject({ ENVIRONMENT: cfg.name });
      expect(pod.serviceAccountName).toBe(IDENTITIES.clickhouseMetrics.serviceAccount);
    });

    test('gives the server the pod web identity for exactly that folder (endpoint settings), no keys', () => {
      expect(envOf(container).CLICKHOUSE_BACKUP_ENDPOINT).toBe(url);
      expect(server.s3.backup_bucket).toEqual({
        endpoint: { '@_from_env': 'CLICKHOUSE_BACKUP_ENDPOINT' },
        region: { '@_from_env': 'AWS_REGION' },
        use_environment_credentials: 1,
      });
    });
  } else {
    test('denies backups without a backup bucket: no job, no endpoint settings', () => {
      expect(manifests.filter((m) => m.kind === 'CronJob' && m.metadata.name === CLICKHOUSE_BACKUP.cronJob)).toEqual([]);
      expect(envOf(container).CLICKHOUSE_BACKUP_ENDPOINT).toBeUndefined();
      expect(server.s3).toBeUndefined();
    });
  }

  test('the backup job follows the backup bucket prop, not the environment name', () => {
    const aws = placeholderAwsValues(cfg);
    const withBucket = { ...aws, buckets: { ...aws.buckets, clickhouseBackup: 'b' } };
    const { clickhouseBackup: _omitted, ...withoutBucket } = aws.buckets;
    const jobs = (a: typeof aws) =>
      (Testing.synth(charts(cfg, a).clickhouse) as Manifest[]).filter(
        (m) => m.kind === 'CronJob' && m.metadata.name === CLICKHOUSE_BACKUP.cronJob,
      );
    expect(jobs(withBucket)).toHaveLength(1);
    expect(jobs({ ...aws, buckets: withoutBucket })).toHaveLength(0);
  });
});
