import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import type { SubnetCidrs } from '../platform-props';

/**
 * Instance metadata (IMDS) and the EKS Pod Identity agent: pods authenticate with IRSA tokens and must
 * never fall back to the node's own role, so both link-local endpoints are carved out of "anywhere".
 */
export const METADATA_CIDRS = ['169.254.169.254/32', '169.254.170.23/32'] as const;

export const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/** HTTPS to any address except the metadata endpoints: AWS APIs (STS, S3, Bedrock, Secrets Manager), Azure, Gemini. */
export function httpsAnywhere(): k8s.NetworkPolicyEgressRule {
  return { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...METADATA_CIDRS] } }], ports: [tcp(443)] };
}

/**
 * Traffic to or from exact subnets (the load balancers' nodes, the control plane's network interfaces, Aurora and
 * ElastiCache): one peer per subnet, never the VPC's whole range. An empty list is refused: a rule with no peer
 * would admit every source.
 */
export function subnetPeers(what: string, cidrs: readonly string[]): k8s.NetworkPolicyPeer[] {
  if (cidrs.length === 0) throw new Error(`${what}: has no subnet CIDRs (pass the subnets this flow comes from or goes to)`);
  return cidrs.map((cidr) => ({ ipBlock: { cidr } }));
}

/** Aurora PostgreSQL and ElastiCache (Valkey), in the VPC's data subnets. */
export const DATA_STORE_PORTS = { postgres: 5432, valkey: 6379 } as const;

/**
 * Where each load balancer's traffic comes from: its nodes' own addresses in the subnets it lives in. Both forward to
 * ip targets without the client's address (the ALB always; the NLB's ip target groups keep client IP preservation
 * off unless told otherwise), and health checks come from the same nodes (test/contracts/application-load-balancer.test.ts).
 * The internal load balancer lives in the workload subnets, the web load balancer in the public ones.
 */
export function loadBalancerPeers(
  subnets: SubnetCidrs,
  bindings: { readonly internal: boolean; readonly web: boolean },
): k8s.NetworkPolicyPeer[] {
  return [
    ...(bindings.internal ? subnetPeers('aws.subnetCidrs.workloads', subnets.workloads) : []),
    ...(bindings.web ? subnetPeers('aws.subnetCidrs.public', subnets.public) : []),
  ];
}

/** Aurora and ElastiCache, in the data subnets. */
export function dataStores(subnets: SubnetCidrs): k8s.NetworkPolicyEgressRule {
  return { to: subnetPeers('aws.subnetCidrs.data', subnets.data), ports: [tcp(DATA_STORE_PORTS.postgres), tcp(DATA_STORE_PORTS.valkey)] };
}

/** Pods with the given labels in a namespace (by its immutable name label). */
export function podsIn(namespace: string, labels: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { ...labels } },
  };
}

export interface NamespaceIsolationProps {
  readonly namespace: string;
}

/**
 * Default deny for a namespace (nothing in, nothing out) plus DNS, which every pod needs.
 * DNS is allowed to any address on port 53: on EKS Auto Mode the resolver runs on the node, not as
 * CoreDNS pods a selector could match.
 */
export class NamespaceIsolation extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceIsolationProps) {
    super(scope, id);
    new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', namespace: props.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: props.namespace },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] }],
      },
    });
  }
}

export interface AllowPolicyProps {
  readonly name: string;
  readonly namespace: string;
  /** Pods the policy applies to; all pods of the namespace when empty. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly ingress?: k8s.NetworkPolicyIngressRule[];
  readonly egress?: k8s.NetworkPolicyEgressRule[];
}

/**
 * One explicit allow on top of the default deny; each names the flow it exists for. `k8s.KubeNetworkPolicy`, not
 * cdk8s-plus's `NetworkPolicy`: that one renders an all-pods selector as `{}` where ours is `{ matchLabels: {} }`.
 */
export class AllowPolicy extends Construct {
  constructor(scope: Construct, id: string, props: AllowPolicyProps) {
    super(scope, id);
    if (!props.ingress?.length && !props.egress?.length) {
      throw new Error(`${props.name}: has neither ingress nor egress rules (give at least one flow to allow)`);
    }
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        podSelector: { matchLabels: { ...props.podLabels } },
        policyTypes: [...(props.ingress?.length ? ['Ingress'] : []), ...(props.egress?.length ? ['Egress'] : [])],
        ...(props.ingress?.length ? { ingress: props.ingress } : {}),
        ...(props.egress?.length ? { egress: props.egress } : {}),
      },
    });
  }
}
