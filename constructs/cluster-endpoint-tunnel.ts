import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** The local port the documented `aws ssm start-session` forwards to the API endpoint. */
export const TUNNEL_LOCAL_PORT = 8443;
/** Session Manager's document that forwards a local port to a host the instance can reach (not the instance itself). */
export const PORT_FORWARDING_DOCUMENT = 'AWS-StartPortForwardingSessionToRemoteHost';
const API_PORT = 443;

export interface ClusterEndpointTunnelProps {
  readonly vpc: ec2.IVpc;
  /** Private subnets that reach the Session Manager endpoints (through NAT or interface endpoints). */
  readonly subnets: ec2.SubnetSelection;
  /** The security group on the control plane's network interfaces; it gets one rule: 443 from the tunnel. */
  readonly controlPlaneSecurityGroup: ec2.ISecurityGroup;
  /** The cluster's API endpoint URL (`https://<id>.<zone>.eks.amazonaws.com`), usually a token. */
  readonly clusterEndpoint: string;
}

/**
 * A day-one path to a private cluster endpoint without a VPN: a t4g.nano instance with no inbound rule, no public
 * address and no key pair, through which Session Manager forwards a local port to the API endpoint. Session
 * Manager's agent connects outwards, so nothing listens on the instance; who may open a session is decided by
 * IAM (`ssm:StartSession` on this instance), and what they may do in the cluster by the access entries.
 */
export class ClusterEndpointTunnel extends Construct {
  readonly instance: ec2.Instance;
  readonly securityGroup: ec2.SecurityGroup;
  /** The API endpoint's host name, which kubectl must still verify the certificate against (`--tls-server-name`). */
  readonly endpointHost: string;

  constructor(scope: Construct, id: string, props: ClusterEndpointTunnelProps) {
    super(scope, id);
    this.endpointHost = Fn.select(1, Fn.split('//', props.clusterEndpoint));

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Cluster endpoint tunnel: no inbound; out on 443 to Session Manager and the API endpoint',
      allowAllOutbound: false,
    });
    // Session Manager's endpoints are public (reached through NAT) unless the VPC has interface endpoints; either way 443.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(API_PORT), 'Session Manager and the cluster API endpoint');
    new ec2.CfnSecurityGroupIngress(this, 'ToControlPlane', {
      groupId: props.controlPlaneSecurityGroup.securityGroupId,
      sourceSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: API_PORT,
      toPort: API_PORT,
      description: 'Cluster endpoint tunnel to the Kubernetes API',
    });

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      // Amazon Linux 2023 ships the Session Manager agent.
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      securityGroup: this.securityGroup,
      associatePublicIpAddress: false,
      requireImdsv2: true,
      ssmSessionPermissions: true,
      ebsOptimized: true,
      blockDevices: [
        { deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) },
      ],
    });
  }
}
