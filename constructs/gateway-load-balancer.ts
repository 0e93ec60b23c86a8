import { Duration, Tags, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { EKS_CLUSTER_NAME_TAG } from '../lib/shared/cluster-ownership';

export interface GatewayLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Port the LiteLLM pods listen on. */
  readonly targetPort: number;
  /** Health check path served by the target. */
  readonly healthCheckPath: string;
  /**
   * A second listener for an internal web UI (Langfuse), on the UI's own port. Needs `openToVpc`: the VPC link and
   * the client security group never use it.
   * @default - no UI listener
   */
  readonly ui?: { readonly port: number; readonly healthCheckPath: string };
  /**
   * Whether anything in the VPC may connect (the platform team's way to LiteLLM's UI and Langfuse when there is no
   * public entrance). Otherwise only the VPC link (PrivateLink traffic, which the security group does not filter) and
   * members of `clientSecurityGroup` reach the listener.
   */
  readonly openToVpc: boolean;
  readonly deletionProtection: boolean;
  /**
   * Name of the EKS Auto Mode cluster whose pods register in the target groups (TargetGroupBinding).
   * Both target groups are tagged `eks:eks-cluster-name` with it: see `targetGroupOwnerTag` below.
   */
  readonly clusterName: string;
}

/**
 * The internal Network Load Balancer the API Gateway VPC link points at. CDK owns it (no
 * Service- or Ingress-created load balancer), so `cdk destroy` removes it; the pods join its IP
 * target group through a TargetGroupBinding.
 */
export class GatewayLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly targetGroup: elbv2.NetworkTargetGroup;
  /** Target group of the internal UI listener, when one is configured. */
  readonly uiTargetGroup?: elbv2.NetworkTargetGroup;
  readonly securityGroup: ec2.SecurityGroup;
  /**
   * Members may connect to the LiteLLM listener whatever `openToVpc` says: for the platform's own functions that call
   * LiteLLM's admin API (tenants reconciler, key rotation). It opens nothing itself; its members bring their own egress.
   */
  readonly clientSecurityGroup: ec2.SecurityGroup;
  /** Port clients inside the VPC (and the VPC link) connect to. */
  readonly listenerPort = 80;

  constructor(scope: Construct, id: string, props: GatewayLoadBalancerProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.clusterName) && !/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(props.clusterName)) {
      throw new Error(`clusterName: "${props.clusterName}" is not an EKS cluster name (letters, digits, - and _, at most 100)`);
    }
    if (props.ui && !props.openToVpc) {
      throw new Error('ui: needs openToVpc (without it only the VPC link and the client security group connect, and neither uses the UI)');
    }
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: props.openToVpc
        ? 'Internal gateway load balancer: HTTP from inside the VPC only'
        : 'Internal gateway load balancer: the API VPC link and the platform admin functions only',
      allowAllOutbound: false,
    });
    this.clientSecurityGroup = new ec2.SecurityGroup(this, 'ClientSecurityGroup', {
      vpc: props.vpc,
      description: 'Members may call LiteLLM through the internal gateway load balancer (the platform admin functions)',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(this.clientSecurityGroup, ec2.Port.tcp(this.listenerPort), 'Platform admin functions');
    if (props.openToVpc) {
      this.securityGroup.addIngressRule(
        ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
        ec2.Port.tcp(this.listenerPort),
        'Platform team and VPC clients',
      );
    }
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(props.targetPort), 'LiteLLM pods');

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      crossZoneEnabled: true,
      securityGroups: [this.securityGroup],
      // API Gateway reaches it through PrivateLink, whose traffic carries no source the group could match.
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
      deletionProtection: props.deletionProtection,
    });

    this.targetGroup = new elbv2.NetworkTargetGroup(this, 'LiteLLM', {
      vpc: props.vpc,
      port: props.targetPort,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      // Long enough for a streamed completion to finish on a pod that is being replaced.
      deregistrationDelay: Duration.seconds(120),
      healthCheck: {
        protocol: elbv2.Protocol.HTTP,
        path: props.healthCheckPath,
        port: String(props.targetPort),
        interval: Duration.seconds(10),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });

    targetGroupOwnerTag(this.targetGroup, props.clusterName);

    this.loadBalancer.addListener('Http', {
      port: this.listenerPort,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.targetGroup],
    });

    if (props.ui) {
      const { port, healthCheckPath } = props.ui;
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(port), 'Platform team to the internal UI');
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(port), 'Internal UI pods');
      this.uiTargetGroup = new elbv2.NetworkTargetGroup(this, 'Ui', {
        vpc: props.vpc,
        port,
        protocol: elbv2.Protocol.TCP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(30),
        healthCheck: { protocol: elbv2.Protocol.HTTP, path: healthCheckPath, port: String(port), interval: Duration.seconds(10) },
      });
      targetGroupOwnerTag(this.uiTargetGroup, props.clusterName);
      this.loadBalancer.addListener('Ui', { port, protocol: elbv2.Protocol.TCP, defaultTargetGroups: [this.uiTargetGroup] });
    }
  }
}

/**
 * Marks a target group as one the cluster's pods may be registered in. AmazonEKSLoadBalancingPolicy up to
 * v4 (2026-02-12) let the Auto Mode cluster role call RegisterTargets only on target groups whose
 * `eks:eks-cluster-name` tag equals the cluster's name, and AmazonEKSServiceRolePolicy up to v23 allowed
 * DeregisterTargets only on target groups carrying that tag. The current versions (v10, v27, read
 * 2026-11-29) no longer ask for it, but a copy of the older text (a custom cluster role, a permission
 * boundary) still would, and the tag costs nothing. Only the target groups get it: the service-linked role
 * may delete load balancers, listeners and security groups that carry it.
 */
export function targetGroupOwnerTag(targetGroup: elbv2.ITargetGroup, clusterName: string): void {
  Tags.of(targetGroup).add(EKS_CLUSTER_NAME_TAG, clusterName);
}
