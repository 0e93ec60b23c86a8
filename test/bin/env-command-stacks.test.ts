import { ListStacksCommand, type ListStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { cloudFormationStackLister, type ListStacksClient } from '../../bin/env-command-stacks';

function fakeClient(pages: ListStacksCommandOutput[]) {
  const inputs: ListStacksCommand['input'][] = [];
  const client: ListStacksClient = {
    send: async (command) => {
      inputs.push(command.input);
      const page = pages[inputs.length - 1];
      if (!page) throw new Error('no more pages');
      return page;
    },
  };
  return { client, inputs };
}

const page = (summaries: ListStacksCommandOutput['StackSummaries'], NextToken?: string): ListStacksCommandOutput => ({
  $metadata: {},
  StackSummaries: summaries,
  ...(NextToken ? { NextToken } : {}),
});
const summary = (StackName: string, StackStatus: string, StackStatusReason?: string) =>
  ({ StackName, StackStatus, CreationTime: new Date(0), ...(StackStatusReason ? { StackStatusReason } : {}) }) as NonNullable<
    ListStacksCommandOutput['StackSummaries']
  >[number];

describe('cloudFormationStackLister', () => {
  test('lists the prefixed stacks across pages, sorted, with their status and reason', async () => {
    const { client, inputs } = fakeClient([
      page([summary('genai-dev-network', 'DELETE_FAILED', 'has dependencies'), summary('other-stack', 'CREATE_COMPLETE')], 't1'),
      page([summary('genai-dev-cluster', 'DELETE_IN_PROGRESS'), summary('genai-devx-data', 'CREATE_COMPLETE')]),
    ]);
    const regions: string[] = [];
    const list = cloudFormationStackLister((region) => {
      regions.push(region);
      return client;
    });
    await expect(list('eu-west-1', 'genai-dev-')).resolves.toEqual([
      { name: 'genai-dev-cluster', status: 'DELETE_IN_PROGRESS' },
      { name: 'genai-dev-network', status: 'DELETE_FAILED', reason: 'has dependencies' },
    ]);
    expect(regions).toEqual(['eu-west-1']);
    expect(inputs.map((i) => i.NextToken)).toEqual([undefined, 't1']);
  });

  test('asks only for stacks that are not deleted, and ignores any that slip through', async () => {
    const { client, inputs } = fakeClient([page([summary('genai-dev-data', 'DELETE_COMPLETE')])]);
    await expect(cloudFormationStackLister(() => client)('us-east-1', 'genai-dev-')).resolves.toEqual([]);
    expect(inputs[0]?.StackStatusFilter).toContain('DELETE_FAILED');
    expect(inputs[0]?.StackStatusFilter).not.toContain('DELETE_COMPLETE');
  });
});
