import { Construct } from 'constructs';
import { CLICKHOUSE_BACKUP_METRIC } from '../lib/shared/clickhouse-backup';
import { AllowPolicy, httpsAnywhere, podsIn, tcp } from './constructs/network-policy';
import { metricPublisher, publishScript } from './constructs/metric-publisher';
import { restrictedCronJob } from './constructs/restricted-cron-job';
import { plainEnv, resources, restrictedContainerSecurityContext, scratchDirs, secretEnv } from './constructs/pod-security';
import { appLabels } from './endpoints';
import { CLICKHOUSE_ENV } from './renderers/clickhouse-config';
import { IMAGES, imageRef } from './versions';

/** Names and timing of the backup job. */
export const CLICKHOUSE_BACKUP = {
  cronJob: 'clickhouse-backup',
  labels: appLabels('clickhouse', 'backup'),
  /** Daily at 02:30 UTC, away from the working day's traffic. */
  schedule: '30 2 * * *',
  /** `nobody`: neither image needs a user of its own (test/contracts/clickhouse.test.ts, volume report). */
  uid: 65534,
  /** Langfuse keeps all its tables in this database. */
  database: 'default',
  /** A run that has not finished by then fails (and the backup with it), well before the next day's run. */
  deadlineSeconds: 6 * 3600,
  /** Seconds between two looks at system.backups. */
  pollSeconds: 30,
} as const;

// Full backups only: an incremental one (`base_backup`) would break the day lifecycle expires its base.
// ASYNC, then the job watches system.backups on the same server: a synchronous BACKUP would hold one client
// connection for the whole backup, with no answer until it ends. Both statements go to one replica by its own host
// name, because system.backups lives in that server's memory only. Any status other than "in progress" or "created"
// (failed, or no row at all because the server restarted) fails the run. The password comes from CLICKHOUSE_PASSWORD
// (never an argument), and the backup's name is the UTC time of the run: one backup folder per run.
export const BACKUP_SCRIPT = `set -eu
name=$(date -u +%Y-%m-%dT%H%M%SZ)
client() { clickhouse-client --host "$CLICKHOUSE_HOST" --port "$CLICKHOUSE_PORT" --query "$1"; }
id=$(client "BACKUP DATABASE $BACKUP_DATABASE TO S3('$BACKUP_URL$name') ASYNC" | cut -f1)
case "$id" in
  ''|*[!0-9a-f-]*) echo "backup $name: no operation id from the server" >&2; exit 1 ;;
esac
echo "backup $name started: $id"
while :; do
  status=$(client "SELECT status FROM system.backups WHERE id = '$id'")
  case "$status" in
    BACKUP_CREATED) echo "backup $name created"; exit 0 ;;
    CREATING_BACKUP) sleep "$POLL_SECONDS" ;;
    *) echo "backup $name: status '$status': $(client "SELECT error FROM system.backups WHERE id = '$id'" || true)" >&2; exit 1 ;;
  esac
done`;

// Runs only after the backup container exited 0 (an init container that fails fails the pod): one data point per
// backup created, which the "backup missing" alarm counts. Nothing is put for a failed or skipped run.
export const PUBLISH_SCRIPT = publishScript({ constant: 1 });

export interface ClickHouseBackupProps {
  readonly namespace: string;
  /**
   * Service account of the run: the volume publisher's (IDENTITIES.clickhouseMetrics), whose role may only put metrics
   * into CLICKHOUSE_BACKUP_METRIC.namespace. Created by ClickHouseVolumeMetrics, not here.
   */
  readonly serviceAccount: string;
  /** Environment name, the success metric's dimension value. */
  readonly environment: string;
  readonly region: string;
  /** Host name of the replica the backup runs on (one pod behind the headless Service). */
  readonly host: string;
  /** ClickHouse native protocol port (clickhouse-client). */
  readonly nativePort: number;
  /** Pod labels of the ClickHouse servers (their ingress is opened to the job). */
  readonly serverLabels: Readonly<Record<string, string>>;
  /** The Langfuse user: an XML user without grants holds every privilege, BACKUP included (contract test). */
  readonly user: string;
  /** The synced Secret holding the user's password under CLICKHOUSE_ENV.password. */
  readonly passwordSecret: string;
  /**
   * URL of the backup folder, ending in `/` (put into SQL as is: built from a bucket name, which S3 restricts to
   * lowercase letters, digits, dots and hyphens): `https://<bucket>.s3.<region>.amazonaws.com/backups/`. Each backup is a
   * folder under it. The server's endpoint settings for this prefix give it the pod's web identity.
   */
  readonly backupUrl: string;
}

/**
 * A daily full `BACKUP DATABASE default TO S3(...)` of Langfuse's tables into the backup bucket. The server writes
 * to S3 with its own role; the job only asks it to, over the native port, then puts one data point of
 * CLICKHOUSE_BACKUP_METRIC when the backup was created.
 */
export class ClickHouseBackup extends Construct {
  constructor(scope: Construct, id: string, props: ClickHouseBackupProps) {
    super(scope, id);
    if (!/^https:\/\/[^/]+\/(.+\/)?$/.test(props.backupUrl)) {
      throw new Error(`backupUrl: ${props.backupUrl} must be an https URL ending in / (the folder backups are written under)`);
    }
    cronJob(this, props);
    networkPolicies(this, props);
  }
}

/** The daily backup; never two at once, and a missed day is not made up hours later, into the working day. */
function cronJob(scope: Construct, props: ClickHouseBackupProps): void {
  const tmp = scratchDirs({ tmp: '/tmp' }, '16Mi');
  restrictedCronJob(scope, 'CronJob', {
    name: CLICKHOUSE_BACKUP.cronJob,
    labels: CLICKHOUSE_BACKUP.labels,
    schedule: CLICKHOUSE_BACKUP.schedule,
    startingDeadlineSeconds: 3600,
    successfulJobsHistoryLimit: 3,
    // A retry would start a second full backup under a new name; the next day's run is the retry.
    backoffLimit: 0,
    activeDeadlineSeconds: CLICKHOUSE_BACKUP.deadlineSeconds,
    serviceAccount: props.serviceAccount,
    uid: CLICKHOUSE_BACKUP.uid,
    volumes: tmp.volumes,
    initContainers: [
      {
        name: 'backup',
        image: imageRef(IMAGES.clickhouse),
        imagePullPolicy: 'IfNotPresent',
        command: ['/bin/sh', '-c', BACKUP_SCRIPT],
        env: [
          ...plainEnv({
            HOME: '/tmp',
            CLICKHOUSE_HOST: props.host,
            CLICKHOUSE_PORT: String(props.nativePort),
            CLICKHOUSE_USER: props.user,
            BACKUP_DATABASE: CLICKHOUSE_BACKUP.database,
            BACKUP_URL: props.backupUrl,
            POLL_SECONDS: String(CLICKHOUSE_BACKUP.pollSeconds),
          }),
          secretEnv(CLICKHOUSE_ENV.password, props.passwordSecret),
        ],
        securityContext: restrictedContainerSecurityContext(),
        resources: resources({ cpuRequest: '50m', memoryRequest: '256Mi', cpuLimit: '500m' }),
        volumeMounts: [...tmp.mounts],
      },
    ],
    containers: [
      metricPublisher({
        metric: CLICKHOUSE_BACKUP_METRIC,
        value: { constant: 1 },
        region: props.region,
        environment: props.environment,
        resources: resources({ cpuRequest: '50m', memoryRequest: '256Mi', cpuLimit: '500m' }),
        volumeMounts: tmp.mounts,
      }),
    ],
  });
}

/** The job reaches the servers' native port and HTTPS out (STS, CloudWatch); DNS comes from the namespace's own policy. */
function networkPolicies(scope: Construct, props: ClickHouseBackupProps): void {
  const labels = CLICKHOUSE_BACKUP.labels;
  new AllowPolicy(scope, 'Egress', {
    name: `${CLICKHOUSE_BACKUP.cronJob}-egress`,
    namespace: props.namespace,
    podLabels: labels,
    egress: [{ to: [podsIn(props.namespace, props.serverLabels)], ports: [tcp(props.nativePort)] }, httpsAnywhere()],
  });
  // Added to the servers' own ingress policy (policies are additive): the native port, from the job only.
  new AllowPolicy(scope, 'ServerIngress', {
    name: `clickhouse-from-${CLICKHOUSE_BACKUP.cronJob}`,
    namespace: props.namespace,
    podLabels: props.serverLabels,
    ingress: [{ from: [podsIn(props.namespace, labels)], ports: [tcp(props.nativePort)] }],
  });
}
