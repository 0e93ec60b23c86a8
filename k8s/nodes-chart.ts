import { Chart, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import { nodeTags } from '../lib/shared/cost-tags';
import { PLATFORM_NODE_CLASS, PLATFORM_NODE_POOL } from '../lib/shared/node-pool';
import { NodeClass, NodePool, type NodeRequirement } from './imports/eks-auto-mode';

export interface NodesChartProps extends ChartProps {
  /** Environment name: the value of the cost tag every node carries. */
  readonly environment: string;
  /**
   * Name (not ARN) of the node IAM role. The cluster's own Auto Mode node role: EKS made its access entry when the
   * cluster was created, so nodes of this class join without one of ours.
   */
  readonly nodeRoleName: string;
  /** Private subnets the nodes are placed in (the workloads subnets). */
  readonly subnetIds: readonly string[];
  /** Security groups of the nodes: the cluster security group, which the data stores admit. */
  readonly securityGroupIds: readonly string[];
  /** Most vCPUs and GiB of memory all nodes of the pool may add up to. @default no limit */
  readonly limits?: { readonly cpu: number; readonly memoryGi: number };
}

/**
 * The instance choice of the built-in general-purpose pool (EKS user guide, set-builtin-node-pools: on-demand only,
 * amd64, C/M/R families, generation 5 or newer), which the platform ran on before this pool replaced it.
 */
const GENERAL_PURPOSE_REQUIREMENTS: readonly NodeRequirement[] = [
  { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
  { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
  { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
  { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['4'] },
];

/**
 * The Auto Mode NodeClass and NodePool every platform pod is pinned to (`platformNodeSelector`): the built-in pools
 * take no tags, so only nodes of our class carry the environment's cost tag. Applied by the cluster stack before any
 * workload, and deleted after all of them.
 */
export class NodesChart extends Chart {
  constructor(scope: Construct, id: string, props: NodesChartProps) {
    super(scope, id, props);
    if (props.nodeRoleName.length === 0) throw new Error('nodeRoleName: is empty (give the name of the node IAM role)');
    if (props.subnetIds.length === 0) throw new Error('subnetIds: is empty (give the private subnets the nodes go in)');
    if (props.securityGroupIds.length === 0) throw new Error('securityGroupIds: is empty (give the cluster security group)');
    const { limits } = props;
    if (limits && !(Number.isInteger(limits.cpu) && limits.cpu > 0 && Number.isInteger(limits.memoryGi) && limits.memoryGi > 0))
      throw new Error(`limits: ${JSON.stringify(limits)} must be whole numbers above 0 (vCPUs and GiB)`);

    new NodeClass(this, 'NodeClass', {
      metadata: { name: PLATFORM_NODE_CLASS },
      spec: {
        role: props.nodeRoleName,
        subnetSelectorTerms: props.subnetIds.map((id) => ({ id })),
        securityGroupSelectorTerms: props.securityGroupIds.map((id) => ({ id })),
        tags: nodeTags(props.environment),
      },
    });
    new NodePool(this, 'NodePool', {
      metadata: { name: PLATFORM_NODE_POOL },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: PLATFORM_NODE_CLASS },
            requirements: GENERAL_PURPOSE_REQUIREMENTS,
          },
        },
        ...(limits ? { limits: { cpu: String(limits.cpu), memory: `${limits.memoryGi}Gi` } } : {}),
      },
    });
  }
}
