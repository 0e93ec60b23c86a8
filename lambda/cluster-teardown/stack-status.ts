import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** Reads a stack's current status. */
export type StackStatusReader = (stackId: string) => Promise<string>;

/**
 * Statuses in which a Delete means the cluster itself is going away. CloudFormation also sends
 * Delete when an update is rolled back or the resource is replaced; the cluster lives on then, and
 * waiting for its volumes to vanish (or deleting its detached ones) would be wrong.
 */
export const TEARDOWN_STACK_STATUSES: ReadonlySet<string> = new Set(['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS']);

export function stackStatusReader(client: CloudFormationClient): StackStatusReader {
  return async (stackId) => {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    const status = Stacks?.[0]?.StackStatus;
    if (!status) throw new Error(`Stack ${stackId} has no status; refusing to tear anything down`);
    return status;
  };
}
