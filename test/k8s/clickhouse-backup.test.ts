import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import {
  BACKUP_SCRIPT,
  CLICKHOUSE_BACKUP,
  ClickHouseBackup,
  PUBLISH_SCRIPT,
  type ClickHouseBackupProps,
} from '../../k8s/clickhouse-backup';
import { IMAGES, imageRef } from '../../k8s/versions';
import { CLICKHOUSE_BACKUP_METRIC } from '../../lib/shared/clickhouse-backup';
import { find, type Manifest } from './support/charts';

const props: ClickHouseBackupProps = {
  namespace: 'langfuse',
  serviceAccount: 'clickhouse-metrics',
  environment: 'prod',
  region: 'eu-west-1',
  host: 'clickhouse-0.clickhouse-headless.langfuse.svc.cluster.local',
  nativePort: 9000,
  serverLabels: { 'app.kubernetes.io/name': 'clickhouse' },
  user: 'langfuse',
  passwordSecret: 'clickhouse-credentials',
  backupUrl: 'https://backups.s3.eu-west-1.amazonaws.com/backups/',
};

function synth(overrides: Partial<ClickHouseBackupProps> = {}): Manifest[] {
  const chart = new Chart(Testing.app(), 'test');
  new ClickHouseBackup(chart, 'Backup', { ...props, ...overrides });
  return Testing.synth(chart) as Manifest[];
}

describe('ClickHouseBackup', () => {
  const manifests = synth();
  const cronJob = find(manifests, 'CronJob', CLICKHOUSE_BACKUP.cronJob);
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const container = pod.initContainers[0];
  const publish = pod.containers[0];

  test('runs daily at 02:30 UTC, never two at once, and gives up before the next day', () => {
    expect(cronJob.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 6 * 3600 });
  });

  test("runs under the restricted Pod Security Standard, as nobody, without an API token, as the metric publisher's account", () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [container, publish])
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('clickhouse-metrics');
    // The account (and its role) belong to the volume publisher: nothing here creates or annotates one.
    expect(manifests.filter((m) => m.kind === 'ServiceAccount')).toEqual([]);
  });

  test('puts one data point of the success metric only after the backup container exited 0, without the password', () => {
    // Init containers run to completion, in order, before any app container; one that fails fails a pod whose
    // restartPolicy is Never (Kubernetes docs, "Init Containers"). So a failed backup puts nothing.
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.initContainers.map((c: Manifest) => c.name)).toEqual(['backup']);
    expect(publish.image).toBe(imageRef(IMAGES.awsCli));
    expect(publish.command).toEqual(['/bin/sh', '-c', PUBLISH_SCRIPT]);
    const env = Object.fromEntries(publish.env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toEqual({
      HOME: '/tmp',
      AWS_REGION: 'eu-west-1',
      AWS_PAGER: '',
      METRIC_NAMESPACE: CLICKHOUSE_BACKUP_METRIC.namespace,
      METRIC_NAME: CLICKHOUSE_BACKUP_METRIC.metricName,
      METRIC_DIMENSION: CLICKHOUSE_BACKUP_METRIC.dimension,
      METRIC_UNIT: 'Count',
      ENVIRONMENT: 'prod',
    });
  });

  test('asks one named replica for a full ASYNC backup of the default database into the backup folder, with the password from the secret', () => {
    expect(container.command).toEqual(['/bin/sh', '-c', BACKUP_SCRIPT]);
    expect(BACKUP_SCRIPT).toContain(`"BACKUP DATABASE $BACKUP_DATABASE TO S3('$BACKUP_URL$name') ASYNC"`);
    expect(BACKUP_SCRIPT).not.toMatch(/base_backup|--password/);
    const env = Object.fromEntries(container.env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));
    expect(env).toMatchObject({
      CLICKHOUSE_HOST: props.host,
      CLICKHOUSE_PORT: '9000',
      CLICKHOUSE_USER: 'langfuse',
      BACKUP_DATABASE: 'default',
      BACKUP_URL: props.backupUrl,
      CLICKHOUSE_PASSWORD: { secretKeyRef: { name: 'clickhouse-credentials', key: 'CLICKHOUSE_PASSWORD' } },
    });
  });

  test('may reach only the ClickHouse servers native port and HTTPS outside the node; the servers admit the job on that port only', () => {
    const egress = find(manifests, 'NetworkPolicy', 'clickhouse-backup-egress').spec;
    expect(egress.podSelector.matchLabels).toEqual(CLICKHOUSE_BACKUP.labels);
    expect(egress.policyTypes).toEqual(['Egress']);
    expect(egress.egress).toEqual([
      {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'langfuse' } },
            podSelector: { matchLabels: props.serverLabels },
          },
        ],
        ports: [{ protocol: 'TCP', port: 9000 }],
      },
      // STS (web identity) and CloudWatch for the success metric; never the instance metadata endpoints.
      {
        to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32', '169.254.170.23/32'] } }],
        ports: [{ protocol: 'TCP', port: 443 }],
      },
    ]);
    const ingress = find(manifests, 'NetworkPolicy', 'clickhouse-from-clickhouse-backup').spec;
    expect(ingress.podSelector.matchLabels).toEqual(props.serverLabels);
    expect(ingress.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'langfuse' } },
            podSelector: { matchLabels: CLICKHOUSE_BACKUP.labels },
          },
        ],
        ports: [{ protocol: 'TCP', port: 9000 }],
      },
    ]);
  });

  test('denies a backup URL that is not an https folder', () => {
    expect(() => synth({ backupUrl: 'http://b.s3.amazonaws.com/backups/' })).toThrow(
      'backupUrl: http://b.s3.amazonaws.com/backups/ must be an https URL ending in / (the folder backups are written under)',
    );
    expect(() => synth({ backupUrl: 'https://b.s3.amazonaws.com/backups' })).toThrow(
      'backupUrl: https://b.s3.amazonaws.com/backups must be an https URL ending in / (the folder backups are written under)',
    );
  });
});

/**
 * The script under /bin/sh with a clickhouse-client stand-in that behaves like the contract: ASYNC answers
 * "<id>\tCREATING_BACKUP", system.backups answers the status (or nothing once the server forgot the operation),
 * the password comes from CLICKHOUSE_PASSWORD.
 */
function run(statuses: string[], asyncAnswer = '7678b0b3-f519-4e6e-811f-5a0781a4eb52\tCREATING_BACKUP') {
  const dir = mkdtempSync(path.join(tmpdir(), 'ch-backup-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(dir, 'statuses'), statuses.join('\n') + '\n');
  writeFileSync(
    path.join(bin, 'clickhouse-client'),
    `#!/bin/sh
case "$*" in *--password*) echo "password on the command line" >&2; exit 99 ;; esac
[ -n "$CLICKHOUSE_PASSWORD" ] || { echo "Authentication failed" >&2; exit 194; }
echo "$*" >> "${dir}/calls"
case "$*" in
  *"BACKUP DATABASE"*) printf '%s\\n' "${asyncAnswer}" ;;
  *"SELECT status"*) head -n1 "${dir}/statuses"; sed -i 1d "${dir}/statuses" ;;
  *"SELECT error"*) echo "Code: 499. DB::Exception: Access Denied (S3_ERROR)" ;;
esac
`,
  );
  chmodSync(path.join(bin, 'clickhouse-client'), 0o755);
  const result = spawnSync('/bin/sh', ['-c', BACKUP_SCRIPT], {
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      CLICKHOUSE_HOST: 'ch-0',
      CLICKHOUSE_PORT: '9000',
      CLICKHOUSE_USER: 'langfuse',
      CLICKHOUSE_PASSWORD: 'not-printed',
      BACKUP_DATABASE: 'default',
      BACKUP_URL: 'https://b.s3.eu-west-1.amazonaws.com/backups/',
      POLL_SECONDS: '0',
    },
    encoding: 'utf8',
  });
  const calls = readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n');
  return { ...result, calls };
}

describe('ClickHouse backup script', () => {
  test('names the backup after the UTC time, waits while it is created and succeeds once created', () => {
    const r = run(['CREATING_BACKUP', 'CREATING_BACKUP', 'BACKUP_CREATED']);
    expect(r.status).toBe(0);
    expect(r.calls[0]).toMatch(
      /^--host ch-0 --port 9000 --query BACKUP DATABASE default TO S3\('https:\/\/b\.s3\.eu-west-1\.amazonaws\.com\/backups\/\d{4}-\d\d-\d\dT\d{6}Z'\) ASYNC$/,
    );
    expect(
      r.calls.filter((c) => c.includes("SELECT status FROM system.backups WHERE id = '7678b0b3-f519-4e6e-811f-5a0781a4eb52'")),
    ).toHaveLength(3);
    expect(r.stdout).not.toContain('not-printed');
  });

  test('fails with the server error when the backup fails', () => {
    const r = run(['CREATING_BACKUP', 'BACKUP_FAILED']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("status 'BACKUP_FAILED': Code: 499. DB::Exception: Access Denied (S3_ERROR)");
  });

  test('fails when the server no longer knows the operation (it restarted)', () => {
    const r = run(['']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("status ''");
  });

  test('fails when the server gives no operation id', () => {
    const r = run([], '');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no operation id from the server');
    expect(r.calls).toHaveLength(1);
  });
});

describe('ClickHouse backup success metric', () => {
  function publishWith(env: Record<string, string>) {
    const dir = mkdtempSync(path.join(tmpdir(), 'ch-backup-publish-'));
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'aws'), `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "${dir}/aws-args"\n`);
    chmodSync(path.join(bin, 'aws'), 0o755);
    const result = spawnSync('/bin/sh', ['-c', PUBLISH_SCRIPT], { env: { PATH: `${bin}:/usr/bin:/bin`, ...env }, encoding: 'utf8' });
    return { ...result, args: result.status === 0 ? readFileSync(path.join(dir, 'aws-args'), 'utf8').trim().split('\n') : [] };
  }
  const env = {
    METRIC_NAMESPACE: CLICKHOUSE_BACKUP_METRIC.namespace,
    METRIC_NAME: CLICKHOUSE_BACKUP_METRIC.metricName,
    METRIC_DIMENSION: CLICKHOUSE_BACKUP_METRIC.dimension,
    METRIC_UNIT: CLICKHOUSE_BACKUP_METRIC.unit,
    ENVIRONMENT: 'prod',
  };

  test('puts the value 1 under the namespace, name, unit and the one Environment dimension the alarm reads', () => {
    const r = publishWith(env);
    expect(r.status).toBe(0);
    expect(r.args).toEqual([
      'cloudwatch',
      'put-metric-data',
      '--namespace',
      'GenAIPlatform/ClickHouse',
      '--metric-name',
      'BackupsCreated',
      '--dimensions',
      'Environment=prod',
      '--unit',
      'Count',
      '--value',
      '1',
    ]);
  });

  test('fails instead of putting a point without a dimension when the environment is missing', () => {
    const { ENVIRONMENT: _omitted, ...rest } = env;
    expect(publishWith(rest).status).not.toBe(0);
  });
});
