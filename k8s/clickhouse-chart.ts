import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { httpProbes } from './constructs/probes';
import { Availability } from './constructs/availability';
import {
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDirs,
  spreadAcrossZones,
} from './constructs/pod-security';
import { roleServiceAccount } from './constructs/service-account';
import { SyncedSecret } from './constructs/synced-secret';
import { ClickHouseBackup } from './clickhouse-backup';
import { ClickHouseVolumeMetrics } from './clickhouse-volume-metrics';
import { LABELS, NAMES, serviceHost } from './endpoints';
import { IDENTITIES } from './identities';
import type { PlatformAwsValues } from './platform-props';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from './renderers/checksum';
import { CLICKHOUSE_BACKUP_PREFIX } from '../lib/shared/clickhouse-backup';
import { CLICKHOUSE_ENV, CLICKHOUSE_USER, renderClickHouseConfig } from './renderers/clickhouse-config';
import { IMAGES, imageRef } from './versions';
import { platformNodeSelector } from '../lib/shared/node-pool';

/** The clickhouse user of the official image. */
export const CLICKHOUSE_UID = 101;
const SERVER = '/usr/bin/clickhouse-server --config-file=/etc/clickhouse-server/config.xml';

/** The parts of the environment config ClickHouse reads. */
export type ClickHouseChartConfig = Pick<EnvironmentConfig, 'name' | 'ephemeral' | 'workloads'>;

export interface ClickHouseChartProps extends ChartProps {
  readonly config: ClickHouseChartConfig;
  readonly aws: PlatformAwsValues;
}

/** Host names of the StatefulSet's pods behind the headless Service, in ordinal order. */
export function clickhouseReplicaHosts(replicas: number, namespace: string = IDENTITIES.clickhouse.namespace): string[] {
  return Array.from(
    { length: replicas },
    (_, i) => `${NAMES.clickhouse.statefulSet}-${i}.${serviceHost(NAMES.clickhouse.headlessService, namespace)}`,
  );
}

/**
 * ClickHouse for Langfuse: one replica standalone, or one shard of three replicas that also run an
 * embedded ClickHouse Keeper ensemble (the switch is `workloads.clickhouse.replicas`). Data lives on an
 * encrypted EBS volume per pod and overflows to S3 through the pod's IAM role; a CronJob reports the fullest
 * volume to CloudWatch; with a backup bucket, another takes a daily full backup into it.
 */
export class ClickHouseChart extends Chart {
  constructor(scope: Construct, id: string, props: ClickHouseChartProps) {
    const namespace = IDENTITIES.clickhouse.namespace;
    super(scope, id, { ...props, namespace });
    const { config, aws } = props;
    const { replicas, volumeSizeGi } = config.workloads.clickhouse;
    const n = NAMES.clickhouse;
    const backupUrl = clickhouseBackupUrl(aws);

    const files = renderClickHouseConfig({
      replicas,
      replicaHosts: clickhouseReplicaHosts(replicas, namespace),
      ports: { http: n.httpPort, tcp: n.tcpPort, interserver: n.interserverPort, keeper: n.keeperPort, raft: n.raftPort },
      // A quarter of the volume caches objects read back from S3.
      s3CacheSize: `${Math.max(2, Math.floor(volumeSizeGi / 4))}Gi`,
      queryLogDays: 7,
      backupEndpoint: backupUrl !== undefined,
    });
    roleServiceAccount(this, 'ServiceAccount', IDENTITIES.clickhouse, aws.roleArns.clickhouse);
    // cdk8s-plus's ConfigMap adds `immutable: false`.
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: n.config }, data: { ...files } });
    const secret = new SyncedSecret(this, 'Credentials', {
      name: n.secret,
      namespace,
      sources: { password: { key: aws.secretArns.clickhousePassword, property: 'value' } },
      keys: { [CLICKHOUSE_ENV.password]: '{{ .password }}' },
    });
    const ports = serverPorts(replicas > 1);
    statefulSet(this, config, aws, { ports, secret, checksum: configChecksum({ ...files }), backupUrl });
    services(this, ports);
    new Availability(this, 'Availability', { name: n.statefulSet, namespace, selector: LABELS.clickhouse, minReplicas: replicas });
    new ClickHouseVolumeMetrics(this, 'VolumeMetrics', {
      namespace,
      serviceAccount: IDENTITIES.clickhouseMetrics.serviceAccount,
      roleArn: aws.roleArns.clickhouseMetrics,
      environment: config.name,
      region: aws.region,
      replicaHosts: clickhouseReplicaHosts(replicas, namespace),
      nativePort: n.tcpPort,
      serverLabels: LABELS.clickhouse,
      user: CLICKHOUSE_USER,
      passwordSecret: secret.secretName,
    });
    if (backupUrl) {
      new ClickHouseBackup(this, 'Backup', {
        namespace,
        // The volume publisher's account: its role may put metrics into the one namespace both jobs use.
        serviceAccount: IDENTITIES.clickhouseMetrics.serviceAccount,
        environment: config.name,
        region: aws.region,
        // One replica by name: the job asks the same server for the backup's status (system.backups is per server).
        host: clickhouseReplicaHosts(replicas, namespace)[0]!,
        nativePort: n.tcpPort,
        serverLabels: LABELS.clickhouse,
        user: CLICKHOUSE_USER,
        passwordSecret: secret.secretName,
        backupUrl,
      });
    }
  }
}

/** The backup bucket's backup folder as a virtual-hosted-style URL; undefined without a backup bucket. */
export function clickhouseBackupUrl(aws: PlatformAwsValues): string | undefined {
  const bucket = aws.buckets.clickhouseBackup;
  return bucket ? `https://${bucket}.s3.${aws.region}.amazonaws.com/${CLICKHOUSE_BACKUP_PREFIX}` : undefined;
}

type ServerPort = { readonly name: string; readonly containerPort: number };

/** HTTP, native and interserver ports; Keeper's client and Raft ports only when replicated (Keeper runs then). */
function serverPorts(replicated: boolean): ServerPort[] {
  const n = NAMES.clickhouse;
  return [
    { name: 'http', containerPort: n.httpPort },
    { name: 'tcp', containerPort: n.tcpPort },
    { name: 'interserver', containerPort: n.interserverPort },
    ...(replicated
      ? [
          { name: 'keeper', containerPort: n.keeperPort },
          { name: 'raft', containerPort: n.raftPort },
        ]
      : []),
  ];
}

interface ServerProps {
  readonly ports: readonly ServerPort[];
  readonly secret: SyncedSecret;
  /** Of the rendered config files, so a changed config rolls the pods. */
  readonly checksum: string;
  /** Prefix of the backup bucket the server's endpoint settings cover; absent without backups. */
  readonly backupUrl?: string;
}

/**
 * The servers, one EBS volume each. `k8s.KubeStatefulSet`: cdk8s-plus's `StatefulSet` has no volume claim
 * templates and no PVC retention policy.
 */
function statefulSet(scope: Construct, config: ClickHouseChartConfig, aws: PlatformAwsValues, props: ServerProps): void {
  const n = NAMES.clickhouse;
  const { replicas, volumeSizeGi } = config.workloads.clickhouse;
  const scratch = scratchDirs({ tmp: '/tmp', logs: '/var/log/clickhouse-server' });
  new k8s.KubeStatefulSet(scope, 'StatefulSet', {
    metadata: { name: n.statefulSet, labels: { ...LABELS.clickhouse } },
    spec: {
      serviceName: n.headlessService,
      replicas,
      // Keeper needs a quorum before any replica is ready, so all pods start together.
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { ...LABELS.clickhouse } },
      // Ephemeral environments drop their volumes with the StatefulSet, so nothing billable is left behind.
      persistentVolumeClaimRetentionPolicy: config.ephemeral
        ? { whenDeleted: 'Delete', whenScaled: 'Delete' }
        : { whenDeleted: 'Retain', whenScaled: 'Retain' },
      template: {
        metadata: { labels: { ...LABELS.clickhouse }, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: props.checksum } },
        spec: {
          serviceAccountName: IDENTITIES.clickhouse.serviceAccount,
          automountServiceAccountToken: false,
          securityContext: restrictedPodSecurityContext(CLICKHOUSE_UID),
          terminationGracePeriodSeconds: 60,
          nodeSelector: platformNodeSelector(),
          topologySpreadConstraints: spreadAcrossZones(LABELS.clickhouse),
          volumes: [...scratch.volumes, { name: 'config', configMap: { name: n.config } }],
          containers: [serverContainer(config, aws, props, scratch.mounts)],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: { ...LABELS.clickhouse } },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: NAMES.storageClass,
            resources: { requests: { storage: k8s.Quantity.fromString(`${volumeSizeGi}Gi`) } },
          },
        },
      ],
    },
  });
}

/** The server container: started directly, its identity and S3 prefix from the pod's name, config files mounted read-only. */
function serverContainer(
  config: ClickHouseChartConfig,
  aws: PlatformAwsValues,
  props: ServerProps,
  scratchMounts: readonly k8s.VolumeMount[],
): k8s.Container {
  const n = NAMES.clickhouse;
  const headless = serviceHost(n.headlessService, IDENTITIES.clickhouse.namespace);
  return {
    name: 'clickhouse',
    image: imageRef(IMAGES.clickhouse),
    imagePullPolicy: 'IfNotPresent',
    // The server starts directly (not through the image's root entrypoint). With Keeper, each pod
    // derives its 1-based Keeper id from its ordinal (clickhouse-2 -> 3).
    command:
      config.workloads.clickhouse.replicas > 1
        ? ['/bin/sh', '-c', `export ${CLICKHOUSE_ENV.keeperServerId}=$(( \${HOSTNAME##*-} + 1 )) && exec ${SERVER}`]
        : SERVER.split(' '),
    ports: props.ports.map((p) => ({ ...p, protocol: 'TCP' })),
    env: [
      { name: CLICKHOUSE_ENV.podName, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: CLICKHOUSE_ENV.podFqdn, value: `$(${CLICKHOUSE_ENV.podName}).${headless}` },
      { name: CLICKHOUSE_ENV.region, value: aws.region },
      // Each replica writes under its own prefix of the ClickHouse bucket.
      {
        name: CLICKHOUSE_ENV.s3Endpoint,
        value: `https://${aws.buckets.clickhouse}.s3.${aws.region}.amazonaws.com/data/$(${CLICKHOUSE_ENV.podName})/`,
      },
      ...(props.backupUrl ? [{ name: CLICKHOUSE_ENV.backupEndpoint, value: props.backupUrl }] : []),
      ...props.secret.env(CLICKHOUSE_ENV.password),
    ],
    securityContext: restrictedContainerSecurityContext(),
    resources: config.ephemeral
      ? resources({ cpuRequest: '500m', memoryRequest: '4Gi', cpuLimit: '2' })
      : resources({ cpuRequest: '2', memoryRequest: '8Gi', cpuLimit: '4' }),
    volumeMounts: [
      { name: 'data', mountPath: '/var/lib/clickhouse' },
      ...scratchMounts,
      { name: 'config', mountPath: '/etc/clickhouse-server/config.d/platform.xml', subPath: 'config.xml', readOnly: true },
      { name: 'config', mountPath: '/etc/clickhouse-server/users.d/platform.xml', subPath: 'users.xml', readOnly: true },
    ],
    ...httpProbes({ live: '/ping', startupPeriodSeconds: 5, startupFailureThreshold: 60 }),
  };
}

/** The headless Service the pods find each other by, and the client Service Langfuse connects to (HTTP and native). */
function services(scope: Construct, ports: readonly ServerPort[]): void {
  const n = NAMES.clickhouse;
  new k8s.KubeService(scope, 'HeadlessService', {
    metadata: { name: n.headlessService, labels: { ...LABELS.clickhouse } },
    spec: {
      clusterIp: 'None',
      // Keeper peers must find each other before any of them is ready.
      publishNotReadyAddresses: true,
      selector: { ...LABELS.clickhouse },
      ports: ports.map((p) => ({ name: p.name, port: p.containerPort, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })),
    },
  });
  new k8s.KubeService(scope, 'Service', {
    metadata: { name: n.service, labels: { ...LABELS.clickhouse } },
    spec: {
      type: 'ClusterIP',
      selector: { ...LABELS.clickhouse },
      ports: [
        { name: 'http', port: n.httpPort, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' },
        { name: 'tcp', port: n.tcpPort, targetPort: k8s.IntOrString.fromString('tcp'), protocol: 'TCP' },
      ],
    },
  });
}
