import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from './config/schema';
import { removalPolicyFor } from './removal';

export interface NetworkStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/** Subnet group names; the data and cluster stacks select subnets by these. */
export const SUBNETS = {
  public: 'Public',
  workloads: 'Workloads',
  data: 'Data',
} as const;

/**
 * The VPC: public subnets for NAT only, private subnets for EKS workloads (with egress) and
 * isolated subnets for Aurora and ElastiCache (no route to the internet at all).
 */
export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { network } = props.config;
    const removalPolicy = removalPolicyFor(props.config);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(network.cidr),
      availabilityZones: network.availabilityZones,
      natGateways: network.natGateways,
      subnetConfiguration: [
        { name: SUBNETS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        // Pods take VPC IPs under EKS Auto Mode: give workloads the room.
        { name: SUBNETS.workloads, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: SUBNETS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });

    for (const subnet of this.vpc.publicSubnets) Tags.of(subnet).add('kubernetes.io/role/elb', '1');
    for (const subnet of this.vpc.privateSubnets) Tags.of(subnet).add('kubernetes.io/role/internal-elb', '1');

    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: network.flowLogRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    if (network.interfaceEndpoints) this.addInterfaceEndpoints();
  }

  /** Endpoints for the AWS APIs the platform calls on every request or pod start; NAT data charges dominate otherwise. */
  private addInterfaceEndpoints(): void {
    const services: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      BedrockRuntime: ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
      Ecr: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    };
    for (const [id, service] of Object.entries(services)) {
      this.vpc.addInterfaceEndpoint(`${id}Endpoint`, {
        service,
        subnets: { subnetGroupName: SUBNETS.workloads },
        privateDnsEnabled: true,
      });
    }
  }
}
