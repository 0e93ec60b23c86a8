/**
 * Matching a resource's tags against the cluster's ownership tags (lib/shared/cluster-ownership.ts,
 * which the teardown construct's IAM conditions use too).
 */
import { ownershipTags, type ResourceKind } from '../../lib/shared/cluster-ownership';

export { ownershipTags, type OwnershipTag, type ResourceKind } from '../../lib/shared/cluster-ownership';

/** Tags worth showing in a report because they say where a resource came from; they select nothing. */
export const PROVENANCE_TAG_KEYS: readonly string[] = [
  'ebs.csi.eks.amazonaws.com/cluster',
  'ebs.csi.aws.com/cluster',
  'CSIVolumeName',
  'kubernetes.io/created-for/pvc/namespace',
  'kubernetes.io/created-for/pvc/name',
  'eks:kubernetes-cni-node-name',
  'eks:kubernetes-node-pool-name',
  'eks:kubernetes-node-class-name',
];

/** The resource's tags that make it the cluster's; empty when it is not. */
export function matchOwnership(tags: Readonly<Record<string, string>>, clusterName: string, kind: ResourceKind): Record<string, string> {
  const matched: Record<string, string> = {};
  for (const { key, value } of ownershipTags(clusterName, kind)) {
    if (tags[key] === value) matched[key] = value;
  }
  return matched;
}

/** The provenance tags a resource carries, for a report. */
export function provenanceTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const found: Record<string, string> = {};
  for (const key of PROVENANCE_TAG_KEYS) {
    const value = tags[key];
    if (value !== undefined) found[key] = value;
  }
  return found;
}
