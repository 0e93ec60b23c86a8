import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { TEARDOWN_STACK_STATUSES, stackStatusReader } from '../../../lambda/cluster-teardown/stack-status';

function clientAnswering(answer: unknown): { client: CloudFormationClient; sent: unknown[] } {
  const client = new CloudFormationClient({ region: 'us-east-1' });
  const sent: unknown[] = [];
  jest.spyOn(client, 'send').mockImplementation((command: unknown) => {
    sent.push(command);
    return Promise.resolve(answer) as never;
  });
  return { client, sent };
}

describe('stackStatusReader', () => {
  test('reads the status of the stack by id', async () => {
    const { client, sent } = clientAnswering({ Stacks: [{ StackName: 'genai-dev-cluster', StackStatus: 'DELETE_IN_PROGRESS' }] });
    await expect(stackStatusReader(client)('arn:aws:cloudformation:us-east-1:1:stack/genai-dev-cluster/x')).resolves.toBe(
      'DELETE_IN_PROGRESS',
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(DescribeStacksCommand);
    expect((sent[0] as DescribeStacksCommand).input).toEqual({ StackName: 'arn:aws:cloudformation:us-east-1:1:stack/genai-dev-cluster/x' });
  });

  test('refuses to guess when the stack has no status', async () => {
    const { client } = clientAnswering({ Stacks: [] });
    await expect(stackStatusReader(client)('stack-id')).rejects.toThrow('Stack stack-id has no status; refusing to tear anything down');
  });

  test('tears down only while the stack is being deleted or a failed create rolls back', () => {
    expect([...TEARDOWN_STACK_STATUSES].sort()).toEqual(['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS']);
  });
});
