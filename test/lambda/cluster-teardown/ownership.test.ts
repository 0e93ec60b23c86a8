import { matchOwnership, ownershipTags, provenanceTags } from '../../../lambda/cluster-teardown/ownership';

describe('matchOwnership', () => {
  test.each([
    ['eks:eks-cluster-name', { 'eks:eks-cluster-name': 'dev' }],
    ['kubernetes.io/cluster/<name> = owned', { 'kubernetes.io/cluster/dev': 'owned' }],
    ['KubernetesCluster', { KubernetesCluster: 'dev' }],
    ['ebs.csi.aws.com/cluster-name', { 'ebs.csi.aws.com/cluster-name': 'dev' }],
  ])('a volume belongs to the cluster through %s', (_tag, tags) => {
    expect(matchOwnership({ ...tags, Name: 'x' }, 'dev', 'volume')).toEqual(tags);
  });

  test('returns every tag that names the cluster', () => {
    const tags = { 'eks:eks-cluster-name': 'dev', 'kubernetes.io/cluster/dev': 'owned', CSIVolumeName: 'pvc-1' };
    expect(matchOwnership(tags, 'dev', 'volume')).toEqual({ 'eks:eks-cluster-name': 'dev', 'kubernetes.io/cluster/dev': 'owned' });
  });

  test('a network interface belongs to the cluster through eks:eks-cluster-name or kubernetes.io/cluster/<name> = owned only', () => {
    expect(matchOwnership({ 'eks:eks-cluster-name': 'dev' }, 'dev', 'network-interface')).toEqual({ 'eks:eks-cluster-name': 'dev' });
    expect(matchOwnership({ 'kubernetes.io/cluster/dev': 'owned' }, 'dev', 'network-interface')).toEqual({
      'kubernetes.io/cluster/dev': 'owned',
    });
    // Volume-only tags do not make an interface the cluster's.
    expect(matchOwnership({ KubernetesCluster: 'dev', 'ebs.csi.aws.com/cluster-name': 'dev' }, 'dev', 'network-interface')).toEqual({});
  });

  test.each([
    ['another cluster', { 'eks:eks-cluster-name': 'prod' }],
    ['a cluster whose name starts with this one', { 'eks:eks-cluster-name': 'dev-2', 'kubernetes.io/cluster/dev-2': 'owned' }],
    ['a different letter case', { 'eks:eks-cluster-name': 'DEV' }],
    ['a resource the cluster only shares', { 'kubernetes.io/cluster/dev': 'shared' }],
    ['a CSI marker that names no cluster', { 'ebs.csi.eks.amazonaws.com/cluster': 'true', 'ebs.csi.aws.com/cluster': 'true' }],
    ['provenance tags only', { CSIVolumeName: 'pvc-1', 'eks:kubernetes-cni-node-name': 'i-1' }],
    ['no tags', {}],
  ])('does not claim a resource of %s', (_case, tags) => {
    expect(matchOwnership(tags, 'dev', 'volume')).toEqual({});
    expect(matchOwnership(tags, 'dev', 'network-interface')).toEqual({});
  });
});

describe('ownershipTags', () => {
  test('names the tag keys to narrow Describe calls by', () => {
    expect(ownershipTags('dev', 'volume').map((tag) => tag.key)).toEqual([
      'eks:eks-cluster-name',
      'kubernetes.io/cluster/dev',
      'KubernetesCluster',
      'ebs.csi.aws.com/cluster-name',
    ]);
    expect(ownershipTags('dev', 'network-interface').map((tag) => tag.key)).toEqual(['eks:eks-cluster-name', 'kubernetes.io/cluster/dev']);
  });
});

describe('provenanceTags', () => {
  test('picks the tags that say where a resource came from', () => {
    expect(
      provenanceTags({
        'ebs.csi.eks.amazonaws.com/cluster': 'true',
        CSIVolumeName: 'pvc-1',
        'kubernetes.io/created-for/pvc/name': 'data-clickhouse-0',
        'eks:eks-cluster-name': 'dev',
        Team: 'platform',
      }),
    ).toEqual({
      'ebs.csi.eks.amazonaws.com/cluster': 'true',
      CSIVolumeName: 'pvc-1',
      'kubernetes.io/created-for/pvc/name': 'data-clickhouse-0',
    });
  });
});
