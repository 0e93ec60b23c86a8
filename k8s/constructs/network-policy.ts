import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';

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

/** Traffic to or from the VPC on the given ports (Aurora, ElastiCache, load balancer nodes, control-plane ENIs). */
export function vpcPeer(vpcCidr: string): k8s.NetworkPolicyPeer {
  return { ipBlock: { cidr: vpcCidr } };
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
