import { buildRestorePlan, type RestorePlanInput } from '../../bin/restore-plan-build';
import { DATA_OUTPUTS } from '../../lib/shared/data-outputs';

const outputs = {
  [DATA_OUTPUTS.auroraCluster]: 'genai-prod-postgres',
  [DATA_OUTPUTS.backupVault]: 'genai-prod-backups-abc',
  [DATA_OUTPUTS.backupRole]: 'arn:aws:iam::123456789012:role/backup',
  [DATA_OUTPUTS.langfuseBucket]: 'prod-langfuse',
  [DATA_OUTPUTS.clickhouseBucket]: 'prod-clickhouse',
  [DATA_OUTPUTS.clickhouseBackupBucket]: 'prod-clickhouse-backups',
  [DATA_OUTPUTS.openWebUiBucket]: 'prod-openwebui',
};
const point = (arn: string, type: string, created: string, resourceArn = 'arn:aws:rds:us-east-1:1:cluster:genai-prod-postgres') => ({
  arn,
  resourceArn,
  resourceType: type,
  created,
  status: 'COMPLETED',
});
const input: RestorePlanInput = {
  environment: 'prod',
  region: 'us-east-1',
  outputs,
  recoveryPoints: [
    point('rp-old', 'Aurora', '2026-12-01T03:10:00Z'),
    point('rp-new', 'Aurora', '2026-12-05T03:10:00Z'),
    point('rp-vol', 'EBS', '2026-12-05T03:20:00Z', 'arn:aws:ec2:us-east-1:1:volume/vol-1'),
  ],
  clusterSnapshots: [{ id: 'rds:genai-prod-postgres-2026-12-05', created: '2026-12-05T04:00:00Z', type: 'automated', status: 'available' }],
};

describe('buildRestorePlan', () => {
  const text = buildRestorePlan(input).join('\n');

  test('says up front that nothing was run', () => {
    expect(buildRestorePlan(input)[0]).toBe('Restore plan for prod (us-east-1). Read-only: nothing below has been run.');
  });

  test('lists the Aurora recovery points newest first and restores the newest through AWS Backup with the stack role', () => {
    expect(text.indexOf('rp-new')).toBeLessThan(text.indexOf('rp-old'));
    expect(text).toContain(
      'aws backup get-recovery-point-restore-metadata --backup-vault-name genai-prod-backups-abc --recovery-point-arn rp-new --region us-east-1 > metadata.json',
    );
    expect(text).toContain(
      'aws backup start-restore-job --recovery-point-arn rp-new --iam-role-arn arn:aws:iam::123456789012:role/backup --metadata file://metadata.json --region us-east-1',
    );
  });

  test('restores Aurora into a new cluster, never over the live one', () => {
    expect(text).toContain('--db-cluster-identifier genai-prod-postgres-restored');
    expect(text).not.toMatch(/--db-cluster-identifier genai-prod-postgres(?!-restored)/);
    expect(text).not.toMatch(/delete-|modify-db-cluster|put-object/);
  });

  test('lists the ClickHouse volume recovery points per volume', () => {
    expect(text).toContain('1 recovery point(s) of 1 volume(s) tagged genai:backup=prod');
    expect(text).toContain('arn:aws:ec2:us-east-1:1:volume/vol-1');
  });

  test("lists ClickHouse's own backups and restores one under a new database name, never over default", () => {
    expect(text).toContain('aws s3 ls s3://prod-clickhouse-backups/backups/ --region us-east-1');
    expect(text).toContain(
      "kubectl -n langfuse exec clickhouse-0 -- clickhouse-client --query 'RESTORE DATABASE default AS default_restored FROM S3('\\''https://prod-clickhouse-backups.s3.us-east-1.amazonaws.com/backups/<name>'\\'')'",
    );
    expect(text).not.toMatch(/RESTORE DATABASE default FROM/);
  });

  test('without a ClickHouse backup bucket, says no ClickHouse BACKUP runs there', () => {
    const { [DATA_OUTPUTS.clickhouseBackupBucket]: _b, ...rest } = outputs;
    const plain = buildRestorePlan({ ...input, outputs: rest }).join('\n');
    expect(plain).toContain('no ClickHouse BACKUP runs in this environment');
    expect(plain).not.toContain('RESTORE DATABASE');
  });

  test('recovers a deleted upload from the versioned buckets by copying a noncurrent version back', () => {
    expect(text).toContain('aws s3api list-object-versions --bucket prod-openwebui');
    expect(text).toContain("--copy-source 'prod-openwebui/<key>?versionId=<version id>'");
  });

  test('without a vault (backup off), says so and still offers the RDS snapshots and point in time', () => {
    const { [DATA_OUTPUTS.backupVault]: _v, [DATA_OUTPUTS.backupRole]: _r, ...rest } = outputs;
    const plain = buildRestorePlan({ ...input, outputs: rest, recoveryPoints: undefined }).join('\n');
    expect(plain).toContain('No AWS Backup vault (backup.enabled is false in this environment).');
    expect(plain).toContain('aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier genai-prod-postgres');
    expect(plain).not.toContain('start-restore-job');
  });
});
