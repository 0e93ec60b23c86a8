/**
 * Which tags make an EBS volume or a network interface belong to an EKS cluster.
 *
 * Only tags whose value names the cluster count: a marker such as `ebs.csi.eks.amazonaws.com/cluster`
 * says "made by a CSI driver" but not for which cluster, so it can never select a resource for deletion.
 * Sources: the managed policies of the Auto Mode cluster role only let EKS create volumes and network
 * interfaces carrying `eks:eks-cluster-name` = the cluster (AmazonEKSBlockStoragePolicy,
 * AmazonEKSNetworkingPolicy, AmazonEKSComputePolicy), and allow these further keys on volumes:
 * `kubernetes.io/cluster/*`, `KubernetesCluster`, `CSIVolumeName`, `ebs.csi.eks.amazonaws.com/cluster`,
 * `kubernetes.io/created-for/*`, `Name`; instances (and so their root volumes and primary interfaces) may
 * carry `kubernetes.io/cluster/*`. The EBS CSI driver's cluster-scoped policy keys on
 * `ebs.csi.aws.com/cluster-name` = the cluster.
 */

export type ResourceKind = 'volume' | 'network-interface';

/** One tag that, with exactly this value, makes a resource the cluster's. */
export interface OwnershipTag {
  readonly key: string;
  readonly value: string;
}

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

/** The tags that make a resource of this kind belong to the cluster; any one of them is enough. */
export function ownershipTags(clusterName: string, kind: ResourceKind): OwnershipTag[] {
  const common: OwnershipTag[] = [
    { key: 'eks:eks-cluster-name', value: clusterName },
    // `shared` marks things the cluster uses but does not own (subnets, say): never ours to delete.
    { key: `kubernetes.io/cluster/${clusterName}`, value: 'owned' },
  ];
  if (kind === 'network-interface') return common;
  return [...common, { key: 'KubernetesCluster', value: clusterName }, { key: 'ebs.csi.aws.com/cluster-name', value: clusterName }];
}

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
