import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { awsRestoreReader, type AwsCli } from '../../bin/restore-plan-aws';

describe('awsRestoreReader', () => {
  const seen: string[][] = [];
  const cli: AwsCli = async (args) => {
    seen.push([...args]);
    if (args[0] === 'backup')
      return {
        RecoveryPoints: [
          {
            RecoveryPointArn: 'rp',
            ResourceArn: 'arn:vol',
            ResourceType: 'EBS',
            CreationDate: '2026-12-05T03:00:00Z',
            Status: 'COMPLETED',
          },
        ],
      };
    return {
      DBClusterSnapshots: [
        { DBClusterSnapshotIdentifier: 'snap', SnapshotCreateTime: '2026-12-05', SnapshotType: 'automated', Status: 'available' },
      ],
    };
  };
  const sent: unknown[] = [];
  const cloudFormation = () => ({
    send: async (command: DescribeStacksCommand) => {
      sent.push(command.input);
      return {
        Stacks: [{ Outputs: [{ OutputKey: 'AuroraClusterIdentifier', OutputValue: 'genai-prod-postgres' }, { OutputKey: 'Empty' }] }],
      };
    },
  });
  const reader = awsRestoreReader(cli, cloudFormation as never);

  test('reads stack outputs by key, skipping empty ones', async () => {
    await expect(reader.stackOutputs('us-east-1', 'genai-prod-data')).resolves.toEqual({ AuroraClusterIdentifier: 'genai-prod-postgres' });
    expect(sent).toEqual([{ StackName: 'genai-prod-data' }]);
  });

  test('maps recovery points and cluster snapshots from the CLI answers', async () => {
    await expect(reader.recoveryPoints('us-east-1', 'vault')).resolves.toEqual([
      { arn: 'rp', resourceArn: 'arn:vol', resourceType: 'EBS', created: '2026-12-05T03:00:00Z', status: 'COMPLETED' },
    ]);
    await expect(reader.clusterSnapshots('us-east-1', 'genai-prod-postgres')).resolves.toEqual([
      { id: 'snap', created: '2026-12-05', type: 'automated', status: 'available' },
    ]);
  });

  test('calls only list and describe commands: a restore plan never writes', () => {
    for (const args of seen) expect(args[1]).toMatch(/^(list|describe)-/);
    expect(seen.map((a) => a.slice(0, 2).join(' '))).toEqual([
      'backup list-recovery-points-by-backup-vault',
      'rds describe-db-cluster-snapshots',
    ]);
  });
});
