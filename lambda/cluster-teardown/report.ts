import type { ResourceKind } from './ownership';
import type { TeardownProperties } from './properties';

/** A resource of the cluster still there after a pass, and why it was not deleted. */
export interface Leftover {
  readonly kind: ResourceKind;
  readonly id: string;
  /** Volume state or network interface status. */
  readonly state: string;
  /** The tags that made it the cluster's. */
  readonly matchedTags: Readonly<Record<string, string>>;
  /** Tags that say where it came from (CSI volume name, node name, ...). */
  readonly provenanceTags: Readonly<Record<string, string>>;
  readonly attachedTo: readonly string[];
  /** Network interfaces only: needed to detach it by hand. */
  readonly attachmentId?: string;
  readonly requesterManaged?: boolean;
  /** Why the teardown left it, when it did not just ask for its deletion. */
  readonly reason?: string;
}

/** How many leftovers a message lists; the log holds all of them. CloudFormation truncates long reasons. */
export const MAX_LISTED = 15;

const KIND_LABEL: Record<ResourceKind, string> = { volume: 'volume', 'network-interface': 'network interface' };

/** The error message for a teardown that ran out of time: what is left, and what to do about it. */
export function timeoutMessage(props: TeardownProperties, leftovers: readonly Leftover[], region?: string): string {
  const where = props.mode === 'network' ? ` in VPC ${props.vpcId}` : '';
  const listed = leftovers.slice(0, MAX_LISTED);
  const lines = [
    `Cluster teardown (mode "${props.mode}") timed out after ${props.timeoutSeconds} s: ` +
      `${leftovers.length} resource(s) of EKS cluster "${props.clusterName}" are still there${where}:`,
    ...listed.map((leftover) => `  - ${describeLeftover(leftover)}`),
    ...(leftovers.length > listed.length ? [`  ... and ${leftovers.length - listed.length} more (see this function's log)`] : []),
    `What to do: ${precondition(props)}, then delete them in the EC2 console or run:`,
    ...listed.flatMap((leftover) => commands(leftover, region)).map((command) => `  ${command}`),
    'then retry cdk destroy.',
  ];
  return lines.join('\n');
}

/** One line per leftover, for logs and messages. */
export function describeLeftover(leftover: Leftover): string {
  const details = [leftover.state];
  if (leftover.attachedTo.length > 0) details.push(`attached to ${leftover.attachedTo.join(', ')}`);
  details.push(`matched ${formatTags(leftover.matchedTags)}`);
  if (Object.keys(leftover.provenanceTags).length > 0) details.push(`also tagged ${formatTags(leftover.provenanceTags)}`);
  if (leftover.reason !== undefined) details.push(leftover.reason);
  return `${KIND_LABEL[leftover.kind]} ${leftover.id}: ${details.join('; ')}`;
}

function precondition(props: TeardownProperties): string {
  return props.mode === 'volumes'
    ? `check that the workloads' PersistentVolumeClaims are gone and no instance of the cluster still mounts these volumes`
    : `check that the cluster's instances have terminated (EC2 console, instances tagged eks:eks-cluster-name=${props.clusterName})`;
}

function commands(leftover: Leftover, region: string | undefined): string[] {
  const suffix = region === undefined ? '' : ` --region ${region}`;
  if (leftover.state === 'deleting') return [];
  if (leftover.kind === 'volume') {
    return [
      ...(leftover.attachedTo.length > 0 ? [`aws ec2 detach-volume --volume-id ${leftover.id}${suffix}`] : []),
      `aws ec2 delete-volume --volume-id ${leftover.id}${suffix}`,
    ];
  }
  // Only the AWS service that made a requester-managed interface can delete it.
  if (leftover.requesterManaged) return [];
  return [
    ...(leftover.attachmentId !== undefined ? [`aws ec2 detach-network-interface --attachment-id ${leftover.attachmentId}${suffix}`] : []),
    `aws ec2 delete-network-interface --network-interface-id ${leftover.id}${suffix}`,
  ];
}

function formatTags(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}
