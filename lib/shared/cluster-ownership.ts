/**
 * Which tags, with exactly these values, make an EBS volume or a network interface belong to an EKS
 * cluster. The teardown construct (IAM conditions) and its Lambda (what it may delete) both use this.
 *
 * Only tags whose value names the cluster count: a marker such as `ebs.csi.eks.amazonaws.com/cluster`
 * says "made by a CSI driver" but not for which cluster. Sources: the Auto Mode cluster role's managed
 * policies let EKS create volumes and interfaces only with `eks:eks-cluster-name` = the cluster
 * (AmazonEKSBlockStoragePolicy, AmazonEKSNetworkingPolicy, AmazonEKSComputePolicy); the EBS CSI driver's
 * cluster-scoped policy keys on `ebs.csi.aws.com/cluster-name`.
 */

export type ResourceKind = 'volume' | 'network-interface';

export interface OwnershipTag {
  readonly key: string;
  readonly value: string;
}

/** The tag Auto Mode puts on everything it creates, and requires on what it changes. */
export const EKS_CLUSTER_NAME_TAG = 'eks:eks-cluster-name';

/** The tags that make a resource of this kind the cluster's; any one of them is enough. */
export function ownershipTags(clusterName: string, kind: ResourceKind): OwnershipTag[] {
  const common: OwnershipTag[] = [
    { key: EKS_CLUSTER_NAME_TAG, value: clusterName },
    // `shared` marks things the cluster uses but does not own (subnets, say): never ours to delete.
    { key: `kubernetes.io/cluster/${clusterName}`, value: 'owned' },
  ];
  if (kind === 'network-interface') return common;
  return [...common, { key: 'KubernetesCluster', value: clusterName }, { key: 'ebs.csi.aws.com/cluster-name', value: clusterName }];
}
