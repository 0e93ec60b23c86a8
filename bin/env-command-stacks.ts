/** The one AWS call of env-command: which of an environment's stacks still exist after a failed destroy. */
import { CloudFormationClient, ListStacksCommand, StackStatus, type ListStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import type { ListStacks, RemainingStack } from './env-command-run';

/** The slice of CloudFormationClient used here, so tests pass a fake. */
export interface ListStacksClient {
  send(command: ListStacksCommand): Promise<ListStacksCommandOutput>;
}

// ListStacks keeps deleted stacks for 90 days; ask for every other status.
const LIVE_STATUSES = Object.values(StackStatus).filter((s) => s !== StackStatus.DELETE_COMPLETE);

/** Lists an environment's stacks that still exist, sorted by name. */
export function cloudFormationStackLister(
  clientFor: (region: string) => ListStacksClient = (region) => new CloudFormationClient({ region }),
): ListStacks {
  return async (region, prefix) => {
    const client = clientFor(region);
    const stacks: RemainingStack[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListStacksCommand({ StackStatusFilter: LIVE_STATUSES, NextToken: nextToken }));
      for (const s of page.StackSummaries ?? []) {
        if (!s.StackName?.startsWith(prefix) || s.StackStatus === 'DELETE_COMPLETE') continue;
        stacks.push({ name: s.StackName, status: String(s.StackStatus), ...(s.StackStatusReason ? { reason: s.StackStatusReason } : {}) });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return stacks.sort((a, b) => a.name.localeCompare(b.name));
  };
}
