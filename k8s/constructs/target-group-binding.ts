import type { Construct } from 'constructs';
import { TargetGroupBinding } from '../imports/eks-auto-mode';

export interface ServiceTargetGroupProps {
  /** Target group (type ip) of a load balancer the CDK app owns; nothing is bound when absent. */
  readonly targetGroupArn?: string;
  /** Name of the binding object, unique in its namespace (a Service may back several target groups). */
  readonly name: string;
  readonly namespace: string;
  /** The Service whose pods become targets, and the port of it the target group forwards to and health-checks. */
  readonly service: { readonly name: string; readonly port: number };
}

/**
 * Registers a Service's pods in a load balancer's target group by pod IP (EKS Auto Mode's TargetGroupBinding), so the
 * load balancer stays CloudFormation's and the cluster only keeps its target list current. No `networking`: Auto Mode
 * ignores its ipBlock form and the edge opens the port on the cluster security group (test/contracts/eks-auto-mode).
 * Returns nothing when there is no target group (no load balancer in front in this environment).
 */
export function bindServiceToTargetGroup(scope: Construct, id: string, props: ServiceTargetGroupProps): TargetGroupBinding | undefined {
  if (!props.targetGroupArn) return undefined;
  return new TargetGroupBinding(scope, id, {
    metadata: { name: props.name, namespace: props.namespace },
    spec: { targetGroupARN: props.targetGroupArn, targetType: 'ip', serviceRef: { name: props.service.name, port: props.service.port } },
  });
}

/** Target groups one Service sits behind. */
export interface LoadBalancerTargetGroups {
  /** The internal load balancer's; no binding when absent. */
  readonly internal?: string;
  /** The public web load balancer's (only with a web domain); no binding when absent. */
  readonly public?: string;
}

/**
 * Binds a Service to the internal load balancer's target group and to the public one's, each when there is one. The
 * public binding's name ends in `-public`, so both live side by side in the Service's namespace.
 */
export function bindServiceToLoadBalancers(
  scope: Construct,
  namespace: string,
  service: ServiceTargetGroupProps['service'],
  targetGroups: LoadBalancerTargetGroups,
): void {
  bindServiceToTargetGroup(scope, 'TargetGroupBinding', { targetGroupArn: targetGroups.internal, name: service.name, namespace, service });
  bindServiceToTargetGroup(scope, 'PublicTargetGroupBinding', {
    targetGroupArn: targetGroups.public,
    name: `${service.name}-public`,
    namespace,
    service,
  });
}
