import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { CLICKHOUSE_LOCAL_DISK, CLICKHOUSE_VOLUME_METRIC } from '../lib/shared/clickhouse-volume';
import { AllowPolicy, httpsAnywhere, podsIn, tcp } from './constructs/network-policy';
import { metricPublisher, publishScript } from './constructs/metric-publisher';
import { restrictedCronJob } from './constructs/restricted-cron-job';
import { roleServiceAccount } from './constructs/service-account';
import { plainEnv, resources, restrictedContainerSecurityContext, scratchDirs, secretEnv } from './constructs/pod-security';
import { appLabels } from './endpoints';
import { CLICKHOUSE_ENV } from './renderers/clickhouse-config';
import { IMAGES, imageRef } from './versions';

/** Names of the publisher's objects; the ServiceAccount's comes from IDENTITIES. */
export const VOLUME_METRICS = {
  cronJob: 'clickhouse-volume-metrics',
  labels: appLabels('clickhouse', 'volume-metrics'),
  /** Every 5 minutes (CLICKHOUSE_VOLUME_METRIC.periodMinutes). */
  schedule: `*/${CLICKHOUSE_VOLUME_METRIC.periodMinutes} * * * *`,
  /** `nobody`: neither image needs its own user (the AWS CLI image has none and would run as root). */
  uid: 65534,
  /** Where the reader leaves the number for the publisher (an emptyDir shared by both containers). */
  resultDir: '/metric',
  resultFile: '/metric/used-percent',
} as const;

/**
 * Whole percent used of one replica's local disk; a disk ClickHouse reports as broken has 0 space and
 * counts as full. Columns of system.disks: test/contracts/clickhouse.test.ts.
 */
export const VOLUME_USED_QUERY =
  'SELECT toUInt8(if(total_space = 0, 100, least(100, ceil(100 * (1 - free_space / total_space))))) ' +
  `FROM system.disks WHERE name = '${CLICKHOUSE_LOCAL_DISK}'`;

// The password reaches clickhouse-client through CLICKHOUSE_PASSWORD (the client reads it when --password is
// absent), so it is in no argument and nothing here prints it. Any replica that does not answer fails the
// run: the metric is the fullest of all replicas or nothing, and nothing raises the "not reported" alarm.
export const READ_SCRIPT = `set -eu
max=-1
for host in $CLICKHOUSE_HOSTS; do
  used=$(clickhouse-client --host "$host" --port "$CLICKHOUSE_PORT" --query "$VOLUME_USED_QUERY")
  case "$used" in
    ''|*[!0-9]*) echo "$host: no usable answer from system.disks" >&2; exit 1 ;;
  esac
  echo "$host: $used% used"
  if [ "$used" -gt "$max" ]; then max=$used; fi
done
echo "$max" > "$RESULT_FILE"`;

/** Puts the number the read container wrote to RESULT_FILE. */
export const PUBLISH_SCRIPT = publishScript({ file: VOLUME_METRICS.resultFile });

export interface ClickHouseVolumeMetricsProps {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** IAM role allowed only cloudwatch:PutMetricData into CLICKHOUSE_VOLUME_METRIC.namespace. */
  readonly roleArn: string;
  /** Environment name, the metric's dimension value. */
  readonly environment: string;
  readonly region: string;
  /** Every replica's host name (each pod behind the headless Service). */
  readonly replicaHosts: readonly string[];
  /** ClickHouse native protocol port (clickhouse-client). */
  readonly nativePort: number;
  /** Pod labels of the ClickHouse servers (their ingress is opened to the publisher). */
  readonly serverLabels: Readonly<Record<string, string>>;
  /**
   * The Langfuse user. Not confirmed in the source here: that an XML-defined user without <grants> may SELECT from
   * system.disks although select_from_system_db_requires_grant defaults to true (it holds every privilege, as far as
   * the docs read go; Langfuse's own migrations need most of them). A refusal fails the run and raises the
   * "not reported" alarm.
   */
  readonly user: string;
  /** The synced Secret holding the user's password under CLICKHOUSE_ENV.password. */
  readonly passwordSecret: string;
}

/**
 * Publishes the fullest ClickHouse data volume, in percent, to CloudWatch every five minutes. Nothing managed
 * reports PersistentVolume fill on EKS Auto Mode, so a CronJob asks each replica (system.disks) with the
 * server image's own client, then the AWS CLI image publishes the number under a role that may write only
 * this metric's namespace.
 */
export class ClickHouseVolumeMetrics extends Construct {
  constructor(scope: Construct, id: string, props: ClickHouseVolumeMetricsProps) {
    super(scope, id);
    if (props.replicaHosts.length === 0) {
      throw new Error('replicaHosts: is empty (give the host name of every ClickHouse replica)');
    }
    roleServiceAccount(this, 'ServiceAccount', { namespace: props.namespace, serviceAccount: props.serviceAccount }, props.roleArn);
    cronJob(this, props);
    networkPolicies(this, props);
  }
}

const RESULT_MOUNT = { name: 'result', mountPath: VOLUME_METRICS.resultDir };
const SMALL = resources({ cpuRequest: '50m', memoryRequest: '256Mi', cpuLimit: '500m' });

/** The CronJob: one container reads, the next publishes, through a file on a shared emptyDir. */
function cronJob(scope: Construct, props: ClickHouseVolumeMetricsProps): void {
  const tmp = scratchDirs({ tmp: '/tmp' }, '16Mi');
  // A run that hangs is not joined by the next; a missed run is skipped, not made up later.
  restrictedCronJob(scope, 'CronJob', {
    name: VOLUME_METRICS.cronJob,
    labels: VOLUME_METRICS.labels,
    schedule: VOLUME_METRICS.schedule,
    startingDeadlineSeconds: 120,
    successfulJobsHistoryLimit: 1,
    backoffLimit: 1,
    // Well inside the 5-minute period, so a stuck run ends before the next is due.
    activeDeadlineSeconds: 180,
    serviceAccount: props.serviceAccount,
    uid: VOLUME_METRICS.uid,
    volumes: [...tmp.volumes, { name: RESULT_MOUNT.name, emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } }],
    initContainers: [readDisks(props, tmp.mounts)],
    containers: [publish(props, tmp.mounts)],
  });
}

/** Asks every replica for its disks' use with the server image's client and writes the highest to the result file. */
function readDisks(props: ClickHouseVolumeMetricsProps, tmpMounts: readonly k8s.VolumeMount[]): k8s.Container {
  return {
    name: 'read-disks',
    image: imageRef(IMAGES.clickhouse),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', READ_SCRIPT],
    env: [
      ...plainEnv({
        HOME: '/tmp',
        CLICKHOUSE_HOSTS: props.replicaHosts.join(' '),
        CLICKHOUSE_PORT: String(props.nativePort),
        CLICKHOUSE_USER: props.user,
        VOLUME_USED_QUERY,
        RESULT_FILE: VOLUME_METRICS.resultFile,
      }),
      secretEnv(CLICKHOUSE_ENV.password, props.passwordSecret),
    ],
    securityContext: restrictedContainerSecurityContext(),
    resources: SMALL,
    volumeMounts: [...tmpMounts, RESULT_MOUNT],
  };
}

/** Publishes the result file to CloudWatch with the AWS CLI image. */
function publish(props: ClickHouseVolumeMetricsProps, tmpMounts: readonly k8s.VolumeMount[]): k8s.Container {
  return metricPublisher({
    metric: CLICKHOUSE_VOLUME_METRIC,
    value: { file: VOLUME_METRICS.resultFile },
    region: props.region,
    environment: props.environment,
    resources: SMALL,
    volumeMounts: [...tmpMounts, { ...RESULT_MOUNT, readOnly: true }],
  });
}

/** The job's own flows: to the servers' native port and HTTPS out; and, on the servers, that port from the job only. */
function networkPolicies(scope: Construct, props: ClickHouseVolumeMetricsProps): void {
  const labels = VOLUME_METRICS.labels;
  new AllowPolicy(scope, 'Egress', {
    name: `${VOLUME_METRICS.cronJob}-egress`,
    namespace: props.namespace,
    podLabels: labels,
    egress: [
      { to: [podsIn(props.namespace, props.serverLabels)], ports: [tcp(props.nativePort)] },
      // STS for the web identity token, CloudWatch for the metric.
      httpsAnywhere(),
    ],
  });
  // Added to the servers' own ingress policy (policies are additive): the native port, from the publisher only.
  new AllowPolicy(scope, 'ServerIngress', {
    name: `clickhouse-from-${VOLUME_METRICS.cronJob}`,
    namespace: props.namespace,
    podLabels: props.serverLabels,
    ingress: [{ from: [podsIn(props.namespace, labels)], ports: [tcp(props.nativePort)] }],
  });
}
