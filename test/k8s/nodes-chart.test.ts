import { Testing } from 'cdk8s';
import { nodeClassSchema, nodePoolSchema } from '../../k8s/imports/eks-auto-mode';
import { NodesChart, type NodesChartProps } from '../../k8s/nodes-chart';
import { ENVIRONMENT_TAG } from '../../lib/shared/cost-tags';
import { PLATFORM_NODE_CLASS, PLATFORM_NODE_POOL } from '../../lib/shared/node-pool';
import type { Manifest } from './support/charts';

const PROPS: NodesChartProps = {
  environment: 'prod',
  nodeRoleName: 'node-role',
  subnetIds: ['subnet-a', 'subnet-b'],
  securityGroupIds: ['sg-cluster'],
};

function render(props: Partial<NodesChartProps> = {}): Manifest[] {
  return Testing.synth(new NodesChart(Testing.app(), 'nodes', { ...PROPS, ...props })) as Manifest[];
}

describe('NodesChart', () => {
  const [nodeClass, nodePool] = render();

  test('matches the snapshot', () => {
    expect([nodeClass, nodePool]).toMatchSnapshot();
  });

  test('renders a NodeClass and a NodePool that pass their schemas', () => {
    expect(nodeClassSchema.parse(nodeClass).metadata.name).toBe(PLATFORM_NODE_CLASS);
    expect(nodePoolSchema.parse(nodePool).metadata.name).toBe(PLATFORM_NODE_POOL);
  });

  test('tags every node with the environment, on the node role, subnets and security group it is given', () => {
    expect(nodeClass!.spec).toEqual({
      role: 'node-role',
      subnetSelectorTerms: [{ id: 'subnet-a' }, { id: 'subnet-b' }],
      securityGroupSelectorTerms: [{ id: 'sg-cluster' }],
      tags: { [ENVIRONMENT_TAG]: 'prod' },
    });
  });

  test('selects subnets and security groups by id only, so a subnet tagged like ours elsewhere (a public one) is never picked', () => {
    for (const term of [...nodeClass!.spec.subnetSelectorTerms, ...nodeClass!.spec.securityGroupSelectorTerms])
      expect(Object.keys(term)).toEqual(['id']);
  });

  test('launches what the built-in general-purpose pool did: on-demand amd64 C, M or R instances of generation 5 or newer', () => {
    expect(nodePool!.spec.template.spec.nodeClassRef).toEqual({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: PLATFORM_NODE_CLASS });
    expect(nodePool!.spec.template.spec.requirements).toEqual([
      { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
      { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
      { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
      { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['4'] },
    ]);
  });

  test('sets no limit unless given one, then caps the vCPUs and memory all its nodes add up to', () => {
    expect(nodePool!.spec.limits).toBeUndefined();
    const [, limited] = render({ limits: { cpu: 64, memoryGi: 256 } });
    expect(limited!.spec.limits).toEqual({ cpu: '64', memory: '256Gi' });
    expect(nodePoolSchema.safeParse(limited).success).toBe(true);
  });

  test("never tags one environment's nodes with another's name", () => {
    const [devClass] = render({ environment: 'dev' });
    expect(devClass!.spec.tags).toEqual({ [ENVIRONMENT_TAG]: 'dev' });
  });

  test.each([
    [{ nodeRoleName: '' }, 'nodeRoleName: is empty (give the name of the node IAM role)'],
    [{ subnetIds: [] }, 'subnetIds: is empty (give the private subnets the nodes go in)'],
    [{ securityGroupIds: [] }, 'securityGroupIds: is empty (give the cluster security group)'],
    [{ limits: { cpu: 0, memoryGi: 8 } }, 'limits: {"cpu":0,"memoryGi":8} must be whole numbers above 0 (vCPUs and GiB)'],
    [{ limits: { cpu: 4, memoryGi: 2.5 } }, 'limits: {"cpu":4,"memoryGi":2.5} must be whole numbers above 0 (vCPUs and GiB)'],
  ])('rejects %j, building nothing', (props, message) => {
    const app = Testing.app();
    expect(() => new NodesChart(app, 'nodes', { ...PROPS, ...props })).toThrow(message);
  });
});
