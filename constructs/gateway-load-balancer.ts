import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';

export interface GatewayLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Port the LiteLLM pods listen on. */
  readonly targetPort: number;
  /** Health check path served by the target. */
  readonly healthCheckPath: string;
  /** A second listener for an internal web UI (Langfuse), on the UI's own port. */
  readonly ui?: { readonly port: number; readonly healthCheckPath: string };
  readonly deletionProtection: boolean;
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
  /** Port clients inside the VPC (and the VPC link) connect to. */
  readonly listenerPort = 80;

  constructor(scope: Construct, id: string, props: GatewayLoadBalancerProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internal gateway load balancer: HTTP from inside the VPC only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(
      ec2.Peer.ipv4(props.vpc.vpcCidrBlock),
      ec2.Port.tcp(this.listenerPort),
      'Platform team and VPC clients',
    );
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
      this.loadBalancer.addListener('Ui', { port, protocol: elbv2.Protocol.TCP, defaultTargetGroups: [this.uiTargetGroup] });
    }
  }
}
