import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ClusterEndpointTunnel } from '../../constructs/cluster-endpoint-tunnel';

describe('ClusterEndpointTunnel', () => {
  // GIVEN a VPC with private subnets and a control-plane security group
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const controlPlane = new ec2.SecurityGroup(stack, 'ControlPlane', { vpc });
  // WHEN the tunnel is added for an endpoint URL
  const tunnel = new ClusterEndpointTunnel(stack, 'Tunnel', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    controlPlaneSecurityGroup: controlPlane,
    clusterEndpoint: 'https://ABC123.gr7.us-east-1.eks.amazonaws.com',
  });
  const template = Template.fromStack(stack);

  test('names the endpoint host, which kubectl checks the certificate against', () => {
    expect(stack.resolve(tunnel.endpointHost)).toBe('ABC123.gr7.us-east-1.eks.amazonaws.com');
  });

  test("lets Session Manager's agent in through its own managed policy only", () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] }),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('denies inbound traffic from anywhere: the control plane admits the tunnel, never the reverse', () => {
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ControlPlane'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TunnelSecurityGroup'), 'GroupId'] },
      FromPort: 443,
      ToPort: 443,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Cluster endpoint tunnel'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('has no key pair and no public address', () => {
    template.hasResourceProperties('AWS::EC2::Instance', {
      KeyName: Match.absent(),
      NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: false })],
    });
  });
});
