import { EKS_CLUSTER_NAME_TAG, ownershipTags } from '../../../lib/shared/cluster-ownership';

describe('ownershipTags', () => {
  test('network interfaces belong to the cluster by its name tag or the owned kubernetes.io tag', () => {
    expect(ownershipTags('genai-dev', 'network-interface')).toEqual([
      { key: EKS_CLUSTER_NAME_TAG, value: 'genai-dev' },
      { key: 'kubernetes.io/cluster/genai-dev', value: 'owned' },
    ]);
  });

  test('volumes may also carry the EBS CSI driver tags, each naming the cluster', () => {
    expect(ownershipTags('genai-dev', 'volume').map(({ key }) => key)).toEqual([
      EKS_CLUSTER_NAME_TAG,
      'kubernetes.io/cluster/genai-dev',
      'KubernetesCluster',
      'ebs.csi.aws.com/cluster-name',
    ]);
  });

  test('never treats a shared marker as ownership', () => {
    for (const kind of ['volume', 'network-interface'] as const) {
      expect(ownershipTags('genai-dev', kind).map(({ value }) => value)).not.toContain('shared');
    }
  });
});
