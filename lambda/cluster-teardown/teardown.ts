import { DeleteFailedError, type DeleteOutcome, type Ec2Resources } from './ec2-resources';
import { matchOwnership, ownershipTags, provenanceTags, type OwnershipTag, type ResourceKind } from './ownership';
import type { TeardownProperties } from './properties';
import { describeLeftover, timeoutMessage, type Leftover } from './report';

/** Time, injected so tests run a 14-minute wait in microseconds. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Receives one structured entry per thing done or waited for; the handler writes them as JSON lines. */
export type Log = (entry: Record<string, unknown>) => void;

export interface TeardownDependencies {
  readonly ec2: Ec2Resources;
  readonly clock: Clock;
  readonly log: Log;
  /** Between passes that changed nothing. */
  readonly pollIntervalMs: number;
  /** After a pass that deleted something: deletions mostly show at once, so look again soon. */
  readonly recheckAfterDeleteMs: number;
  /** Put into the commands a timeout message suggests. */
  readonly region?: string;
}

export interface TeardownResult {
  readonly passes: number;
  /** What this run deleted. */
  readonly deleted: readonly { readonly kind: ResourceKind; readonly id: string }[];
}

/** The wait ran out with resources of the cluster left; the message lists them and what to do. */
export class TeardownTimeoutError extends Error {
  constructor(
    message: string,
    readonly leftovers: readonly Leftover[],
  ) {
    super(message);
    this.name = 'TeardownTimeoutError';
  }
}

/**
 * Waits until the cluster's resources are gone, deleting the ones that may be deleted, within
 * `timeoutSeconds`.
 * - `volumes`: every EBS volume of the cluster must go (the CSI driver deletes them as the
 *   PersistentVolumeClaims go); with `deleteOrphans`, detached (`available`) ones are deleted here.
 * - `network`: every network interface of the cluster in the VPC must go; detached ones are deleted
 *   here. With `deleteOrphans`, the cluster's volumes must go too, detached ones deleted here.
 * Nothing attached is ever deleted, and nothing without a tag naming this cluster is touched.
 */
export async function teardown(props: TeardownProperties, deps: TeardownDependencies): Promise<TeardownResult> {
  const { clock, log } = deps;
  const started = clock.now();
  const deadline = started + props.timeoutSeconds * 1000;
  const deleted: { kind: ResourceKind; id: string }[] = [];
  log({ event: 'teardown-started', ...summary(props) });

  for (let pass = 1; ; pass++) {
    const { leftovers, deletedInPass } = await runPass(props, deps, deleted);
    const elapsedSeconds = Math.round((clock.now() - started) / 1000);
    if (leftovers.length === 0) {
      log({ event: 'teardown-complete', ...summary(props), passes: pass, deleted, elapsedSeconds });
      return { passes: pass, deleted };
    }
    const remainingMs = deadline - clock.now();
    if (remainingMs <= 0) {
      log({ event: 'teardown-timed-out', ...summary(props), passes: pass, elapsedSeconds, leftovers: leftovers.map(toLogEntry) });
      throw new TeardownTimeoutError(timeoutMessage(props, leftovers, deps.region), leftovers);
    }
    const waitMs = Math.min(deletedInPass > 0 ? deps.recheckAfterDeleteMs : deps.pollIntervalMs, remainingMs);
    log({
      event: 'waiting',
      cluster: props.clusterName,
      mode: props.mode,
      pass,
      waitingFor: leftovers.map(toLogEntry),
      nextCheckInSeconds: waitMs / 1000,
      secondsLeft: Math.round(remainingMs / 1000),
    });
    await clock.sleep(waitMs);
  }
}

async function runPass(
  props: TeardownProperties,
  deps: TeardownDependencies,
  deleted: { kind: ResourceKind; id: string }[],
): Promise<{ leftovers: Leftover[]; deletedInPass: number }> {
  const leftovers: Leftover[] = [];
  let deletedInPass = 0;

  const remove = async (leftover: Leftover, call: () => Promise<DeleteOutcome>): Promise<void> => {
    let outcome: DeleteOutcome;
    try {
      outcome = await call();
    } catch (err) {
      if (!(err instanceof DeleteFailedError)) throw err;
      // Waiting will not grant a permission: fail now, naming the resource.
      deps.log({ event: 'delete-failed', ...toLogEntry(leftover), error: err.message });
      throw new Error(
        `Could not delete ${describeLeftover(leftover)}: ${err.message}. ` +
          `Check that the teardown function may delete this cluster's ${leftover.kind === 'volume' ? 'volumes' : 'network interfaces'} ` +
          `(ec2:${leftover.kind === 'volume' ? 'DeleteVolume' : 'DeleteNetworkInterface'}), or delete it in the EC2 console; then retry cdk destroy.`,
        { cause: err },
      );
    }
    if (outcome.result === 'gone') {
      deps.log({ event: 'already-gone', kind: leftover.kind, id: leftover.id });
      return;
    }
    if (outcome.result === 'busy') {
      deps.log({ event: 'delete-deferred', ...toLogEntry(leftover), reason: outcome.reason });
      leftovers.push({ ...leftover, reason: `delete refused for now: ${outcome.reason}` });
      return;
    }
    deps.log({ event: 'deleted', ...toLogEntry(leftover) });
    deleted.push({ kind: leftover.kind, id: leftover.id });
    deletedInPass++;
    // Counted as left until a Describe no longer shows it: that is the only proof it is gone.
    leftovers.push({ ...leftover, state: 'deleting' });
  };

  if (props.mode === 'volumes' || props.deleteOrphans) {
    const volumes = await listEach(ownershipTags(props.clusterName, 'volume'), (tag) => deps.ec2.listVolumes(tag));
    for (const volume of volumes) {
      const matchedTags = matchOwnership(volume.tags, props.clusterName, 'volume');
      if (Object.keys(matchedTags).length === 0 || volume.state === 'deleted') continue;
      const leftover: Leftover = {
        kind: 'volume',
        id: volume.id,
        state: volume.state,
        matchedTags,
        provenanceTags: provenanceTags(volume.tags),
        attachedTo: volume.attachedTo,
      };
      if (volume.state !== 'available') {
        leftovers.push(volume.state === 'in-use' ? { ...leftover, reason: 'never deleted while attached' } : leftover);
      } else if (!props.deleteOrphans) {
        leftovers.push({ ...leftover, reason: 'detached but not deleted: DeleteOrphans is "false"' });
      } else {
        await remove(leftover, () => deps.ec2.deleteVolume(volume.id));
      }
    }
  }

  if (props.mode === 'network') {
    const interfaces = await listEach(ownershipTags(props.clusterName, 'network-interface'), (tag) =>
      deps.ec2.listNetworkInterfaces(props.vpcId, tag),
    );
    for (const eni of interfaces) {
      const matchedTags = matchOwnership(eni.tags, props.clusterName, 'network-interface');
      // The VPC is checked here too, not only trusted to the server-side filter.
      if (Object.keys(matchedTags).length === 0 || eni.vpcId !== props.vpcId) continue;
      const leftover: Leftover = {
        kind: 'network-interface',
        id: eni.id,
        state: eni.status,
        matchedTags,
        provenanceTags: provenanceTags(eni.tags),
        attachedTo: eni.attachment?.instanceId === undefined ? [] : [eni.attachment.instanceId],
        ...(eni.attachment?.id === undefined ? {} : { attachmentId: eni.attachment.id }),
        requesterManaged: eni.requesterManaged,
      };
      if (eni.requesterManaged) {
        leftovers.push({ ...leftover, reason: 'managed by an AWS service (requester-managed): only that service can delete it' });
      } else if (eni.status !== 'available') {
        leftovers.push(eni.status === 'in-use' ? { ...leftover, reason: 'never deleted while attached' } : leftover);
      } else {
        await remove(leftover, () => deps.ec2.deleteNetworkInterface(eni.id));
      }
    }
  }

  return { leftovers, deletedInPass };
}

/** One listing per ownership tag, merged: a resource with several of the tags appears once. */
async function listEach<T extends { readonly id: string }>(
  tags: readonly OwnershipTag[],
  list: (tag: OwnershipTag) => Promise<T[]>,
): Promise<T[]> {
  const byId = new Map<string, T>();
  for (const tag of tags) {
    for (const item of await list(tag)) if (!byId.has(item.id)) byId.set(item.id, item);
  }
  return [...byId.values()];
}

function summary(props: TeardownProperties): Record<string, unknown> {
  return {
    cluster: props.clusterName,
    vpcId: props.vpcId,
    mode: props.mode,
    deleteOrphans: props.deleteOrphans,
    timeoutSeconds: props.timeoutSeconds,
  };
}

function toLogEntry(leftover: Leftover): Record<string, unknown> {
  return {
    kind: leftover.kind,
    id: leftover.id,
    state: leftover.state,
    matchedTags: leftover.matchedTags,
    ...(Object.keys(leftover.provenanceTags).length > 0 ? { provenanceTags: leftover.provenanceTags } : {}),
    ...(leftover.attachedTo.length > 0 ? { attachedTo: leftover.attachedTo } : {}),
    ...(leftover.reason === undefined ? {} : { reason: leftover.reason }),
  };
}
