/**
 * The read-only AWS calls of `npm run restore-plan`: the data stack's outputs (CloudFormation SDK), and the recovery
 * points and cluster snapshots through the AWS CLI's list and describe commands (the project ships no Backup or RDS
 * SDK client). Each is a list or describe call; nothing is created, changed or deleted.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { spawn } from 'node:child_process';
import type { ClusterSnapshot, RecoveryPoint } from './restore-plan-build';

/** What the restore plan reads, so tests pass a fake. */
export interface RestoreReader {
  stackOutputs(region: string, stackName: string): Promise<Record<string, string>>;
  recoveryPoints(region: string, vault: string): Promise<RecoveryPoint[]>;
  clusterSnapshots(region: string, clusterId: string): Promise<ClusterSnapshot[]>;
}

/** Runs `aws <args> --output json` (an argv, never a shell line) and parses what it prints. */
export type AwsCli = (args: readonly string[]) => Promise<unknown>;

export const awsCli: AwsCli = (args) =>
  new Promise((resolve, reject) => {
    const child = spawn('aws', [...args, '--output', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`could not run the AWS CLI (aws): ${e.message}`)));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out || '{}')) : reject(new Error(`aws ${args.slice(0, 2).join(' ')}: ${err.trim()}`)),
    );
  });

/** The only AWS calls the restore plan makes, all of them reads. */
export const READ_ONLY_CALLS = [
  'cloudformation:DescribeStacks',
  'backup list-recovery-points-by-backup-vault',
  'rds describe-db-cluster-snapshots',
] as const;

export function awsRestoreReader(
  cli: AwsCli = awsCli,
  cloudFormation = (region: string) => new CloudFormationClient({ region }),
): RestoreReader {
  return {
    async stackOutputs(region, stackName) {
      const out = await cloudFormation(region).send(new DescribeStacksCommand({ StackName: stackName }));
      return Object.fromEntries(
        (out.Stacks?.[0]?.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])),
      );
    },
    async recoveryPoints(region, vault) {
      const out = (await cli(['backup', 'list-recovery-points-by-backup-vault', '--backup-vault-name', vault, '--region', region])) as {
        RecoveryPoints?: {
          RecoveryPointArn?: string;
          ResourceArn?: string;
          ResourceType?: string;
          CreationDate?: string;
          Status?: string;
        }[];
      };
      return (out.RecoveryPoints ?? []).map((p) => ({
        arn: p.RecoveryPointArn ?? '',
        resourceArn: p.ResourceArn ?? '',
        resourceType: p.ResourceType ?? '',
        created: String(p.CreationDate ?? ''),
        status: p.Status ?? '',
      }));
    },
    async clusterSnapshots(region, clusterId) {
      const out = (await cli(['rds', 'describe-db-cluster-snapshots', '--db-cluster-identifier', clusterId, '--region', region])) as {
        DBClusterSnapshots?: {
          DBClusterSnapshotIdentifier?: string;
          SnapshotCreateTime?: string;
          SnapshotType?: string;
          Status?: string;
        }[];
      };
      return (out.DBClusterSnapshots ?? []).map((s) => ({
        id: s.DBClusterSnapshotIdentifier ?? '',
        created: String(s.SnapshotCreateTime ?? ''),
        type: s.SnapshotType ?? '',
        status: s.Status ?? '',
      }));
    },
  };
}
