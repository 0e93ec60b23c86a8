/**
 * Pure text of `npm run restore-plan`: from what the data stack names (its outputs) and the recovery points that
 * exist, the commands that would restore each store. Nothing here calls AWS; nothing printed is run.
 */
import { CLICKHOUSE_BACKUP_PREFIX } from '../lib/shared/clickhouse-backup';
import { DATA_OUTPUTS } from '../lib/shared/data-outputs';

/** One AWS Backup recovery point, as list-recovery-points-by-backup-vault reports it. */
export interface RecoveryPoint {
  readonly arn: string;
  readonly resourceArn: string;
  readonly resourceType: string;
  readonly created: string;
  readonly status: string;
}

/** One Aurora cluster snapshot (automated or manual), as describe-db-cluster-snapshots reports it. */
export interface ClusterSnapshot {
  readonly id: string;
  readonly created: string;
  readonly type: string;
  readonly status: string;
}

export interface RestorePlanInput {
  readonly environment: string;
  readonly region: string;
  /** The data stack's outputs, by output key. */
  readonly outputs: Readonly<Record<string, string>>;
  /** Recovery points in the environment's vault, or undefined when it has none (backup off). */
  readonly recoveryPoints?: readonly RecoveryPoint[];
  readonly clusterSnapshots: readonly ClusterSnapshot[];
  /** How many recovery points of each resource to list, newest first. @default 3 */
  readonly newest?: number;
}

const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const byNewest = <T extends { created: string }>(items: readonly T[]) => [...items].sort((a, b) => b.created.localeCompare(a.created));

/** The restore plan, one line per element; every command is read-only to list, or a restore into something new. */
export function buildRestorePlan(input: RestorePlanInput): string[] {
  const { outputs, region } = input;
  const newest = input.newest ?? 3;
  const aws = (...args: string[]) => `aws ${args.map(quote).join(' ')} --region ${region}`;
  const cluster = outputs[DATA_OUTPUTS.auroraCluster];
  const vault = outputs[DATA_OUTPUTS.backupVault];
  const role = outputs[DATA_OUTPUTS.backupRole];
  const restored = `${cluster ?? `genai-${input.environment}-postgres`}-restored`;
  const lines = [`Restore plan for ${input.environment} (${region}). Read-only: nothing below has been run.`, ''];

  lines.push(`Aurora cluster ${cluster ?? '(no output: is the data stack deployed?)'}`);
  const points = input.recoveryPoints ?? [];
  const auroraPoints = byNewest(points.filter((p) => p.resourceType === 'Aurora' || p.resourceType === 'RDS'));
  if (vault && role) {
    lines.push(`  AWS Backup vault ${vault}: ${auroraPoints.length} recovery point(s)`);
    for (const p of auroraPoints.slice(0, newest)) lines.push(`    ${p.created}  ${p.status}  ${p.arn}`);
    const arn = auroraPoints[0]?.arn ?? '<recovery-point-arn>';
    lines.push(
      '  Restore one into a new cluster (edit DBClusterIdentifier in the metadata to a new name first):',
      `    ${aws('backup', 'get-recovery-point-restore-metadata', '--backup-vault-name', vault, '--recovery-point-arn', arn)} > metadata.json`,
      `    ${aws('backup', 'start-restore-job', '--recovery-point-arn', arn, '--iam-role-arn', role, '--metadata', 'file://metadata.json')}`,
    );
  } else {
    lines.push('  No AWS Backup vault (backup.enabled is false in this environment).');
  }
  const snapshots = byNewest(input.clusterSnapshots);
  lines.push(`  RDS snapshots of the cluster: ${snapshots.length}`);
  for (const s of snapshots.slice(0, newest)) lines.push(`    ${s.created}  ${s.type}  ${s.status}  ${s.id}`);
  if (cluster) {
    lines.push(
      '  Or to a point in time within the automated backup retention (database.backupRetentionDays):',
      `    ${aws('rds', 'restore-db-cluster-to-point-in-time', '--source-db-cluster-identifier', cluster, '--db-cluster-identifier', restored, '--restore-to-time', '<UTC time, e.g. 2026-12-05T09:30:00Z>')}`,
      `    then: ${aws('rds', 'create-db-instance', '--db-cluster-identifier', restored, '--db-instance-identifier', `${restored}-writer`, '--db-instance-class', 'db.serverless', '--engine', 'aurora-postgresql')}`,
    );
  }

  lines.push('', 'ClickHouse data volumes (EBS)');
  const volumePoints = byNewest(points.filter((p) => p.resourceType === 'EBS'));
  if (vault && role) {
    const volumes = [...new Set(volumePoints.map((p) => p.resourceArn))];
    lines.push(`  ${volumePoints.length} recovery point(s) of ${volumes.length} volume(s) tagged genai:backup=${input.environment}`);
    for (const volume of volumes) {
      lines.push(`    ${volume}`);
      for (const p of volumePoints.filter((v) => v.resourceArn === volume).slice(0, newest))
        lines.push(`      ${p.created}  ${p.status}  ${p.arn}`);
    }
    if (volumes.length === 0) lines.push('    none yet: does the ClickHouse StorageClass tag its volumes (README, "Backups and restore")?');
    const arn = volumePoints[0]?.arn ?? '<recovery-point-arn>';
    lines.push(
      '  Restore one as a new volume in the replica\'s zone, then bind it (README, "Restore the ClickHouse volumes"):',
      `    ${aws('backup', 'start-restore-job', '--recovery-point-arn', arn, '--iam-role-arn', role, '--metadata', '{"availabilityZone":"<zone of the replica>","encrypted":"true","volumeType":"gp3"}')}`,
    );
  } else {
    lines.push('  No AWS Backup vault (backup.enabled is false in this environment).');
  }
  const chBackups = outputs[DATA_OUTPUTS.clickhouseBackupBucket];
  if (chBackups) {
    const url = `https://${chBackups}.s3.${region}.amazonaws.com/${CLICKHOUSE_BACKUP_PREFIX}<name>`;
    lines.push(
      '',
      `ClickHouse's own daily full backups (S3 disk parts included): ${chBackups}`,
      '  List them (one folder per run, named by its UTC time):',
      `    ${aws('s3', 'ls', `s3://${chBackups}/${CLICKHOUSE_BACKUP_PREFIX}`)}`,
      '  Restore one next to the live database, then copy rows back or EXCHANGE TABLES (README, "Backups and restore"):',
      `    kubectl -n langfuse exec clickhouse-0 -- clickhouse-client --query ${quote(`RESTORE DATABASE default AS default_restored FROM S3('${url}')`)}`,
    );
  } else {
    lines.push("  ClickHouse's S3 disk holds the older parts and is not versioned: no ClickHouse BACKUP runs in this environment.");
  }

  for (const [output, title] of [
    [DATA_OUTPUTS.langfuseBucket, 'Langfuse bucket (events, media, exports), versioned'],
    [DATA_OUTPUTS.openWebUiBucket, 'Open WebUI uploads, versioned'],
  ] as const) {
    const bucket = outputs[output];
    if (!bucket) continue;
    lines.push(
      '',
      `${title}: ${bucket}`,
      '  A deleted or overwritten object stays as a noncurrent version for a while (README): find it, then copy it back.',
      `    ${aws('s3api', 'list-object-versions', '--bucket', bucket, '--prefix', '<key prefix>')}`,
      `    ${aws('s3api', 'copy-object', '--bucket', bucket, '--key', '<key>', '--copy-source', `${bucket}/<key>?versionId=<version id>`)}`,
    );
  }
  return lines;
}
