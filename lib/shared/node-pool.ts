/**
 * The Auto Mode NodeClass and NodePool every platform pod runs on (k8s/nodes-chart.ts), and how a pod asks for it.
 * Dependency-free on purpose: the cluster stack (the cluster role's tag grant names them), the charts and the tests
 * import it.
 */

/** Our NodeClass; not `default`, the built-in pools' class (EKS user guide, create-node-class). */
export const PLATFORM_NODE_CLASS = 'genai-platform';

/** Our NodePool, which names PLATFORM_NODE_CLASS. */
export const PLATFORM_NODE_POOL = 'genai-platform';

/** The label Auto Mode (Karpenter) puts on each node with the name of the pool that launched it. */
export const NODE_POOL_LABEL = 'karpenter.sh/nodepool';

/** A pod spec's `nodeSelector` that keeps it on our pool's nodes, which carry the environment tag. */
export function platformNodeSelector(): Record<string, string> {
  return { [NODE_POOL_LABEL]: PLATFORM_NODE_POOL };
}
