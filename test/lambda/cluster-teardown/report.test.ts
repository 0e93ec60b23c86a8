import type { TeardownProperties } from '../../../lambda/cluster-teardown/properties';
import { describeLeftover, MAX_LISTED, timeoutMessage, type Leftover } from '../../../lambda/cluster-teardown/report';

const PROPS: TeardownProperties = {
  clusterName: 'dev',
  vpcId: 'vpc-0aaaaaaaaaaaaaaaa',
  mode: 'network',
  deleteOrphans: true,
  timeoutSeconds: 840,
};

function volume(id: string, overrides: Partial<Leftover> = {}): Leftover {
  return {
    kind: 'volume',
    id,
    state: 'available',
    matchedTags: { 'eks:eks-cluster-name': 'dev' },
    provenanceTags: {},
    attachedTo: [],
    ...overrides,
  };
}

describe('describeLeftover', () => {
  test('names the resource, its state, attachments, the tags that matched, where it came from and why it was left', () => {
    expect(
      describeLeftover(
        volume('vol-1', {
          state: 'in-use',
          attachedTo: ['i-1'],
          matchedTags: { 'eks:eks-cluster-name': 'dev', 'kubernetes.io/cluster/dev': 'owned' },
          provenanceTags: { CSIVolumeName: 'pvc-1' },
          reason: 'never deleted while attached',
        }),
      ),
    ).toBe(
      'volume vol-1: in-use; attached to i-1; matched eks:eks-cluster-name=dev, kubernetes.io/cluster/dev=owned; ' +
        'also tagged CSIVolumeName=pvc-1; never deleted while attached',
    );
  });
});

describe('timeoutMessage', () => {
  test('suggests no command for a resource whose deletion is already under way', () => {
    const message = timeoutMessage(PROPS, [volume('vol-1', { state: 'deleting' })], 'us-east-1');
    expect(message).toContain('  - volume vol-1: deleting; matched eks:eks-cluster-name=dev');
    expect(message).not.toContain('aws ec2');
  });

  test('gives commands in the order they must run, with the region when known', () => {
    const message = timeoutMessage(
      PROPS,
      [
        {
          kind: 'network-interface',
          id: 'eni-1',
          state: 'in-use',
          matchedTags: { 'eks:eks-cluster-name': 'dev' },
          provenanceTags: {},
          attachedTo: ['i-1'],
          attachmentId: 'eni-attach-1',
          requesterManaged: false,
        },
        volume('vol-1', { state: 'in-use', attachedTo: ['i-1'] }),
      ],
      'us-east-1',
    );
    expect(message.split('\n').filter((line) => line.startsWith('  aws '))).toEqual([
      '  aws ec2 detach-network-interface --attachment-id eni-attach-1 --region us-east-1',
      '  aws ec2 delete-network-interface --network-interface-id eni-1 --region us-east-1',
      '  aws ec2 detach-volume --volume-id vol-1 --region us-east-1',
      '  aws ec2 delete-volume --volume-id vol-1 --region us-east-1',
    ]);
    expect(message.split('\n').at(-1)).toBe('then retry cdk destroy.');
  });

  test(`lists at most ${MAX_LISTED} leftovers, and says how many more the log holds`, () => {
    const leftovers = Array.from({ length: 20 }, (_, i) => volume(`vol-${i}`));
    const message = timeoutMessage(PROPS, leftovers);
    expect(message).toContain('20 resource(s) of EKS cluster "dev" are still there in VPC vpc-0aaaaaaaaaaaaaaaa:');
    expect(message).toContain("  ... and 5 more (see this function's log)");
    expect(message).toContain('vol-14');
    expect(message).not.toContain('vol-15');
  });
});
