import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GatewayLoadBalancer, type GatewayLoadBalancerProps } from '../../constructs/gateway-load-balancer';

function build(overrides: Partial<GatewayLoadBalancerProps> = {}): Stack {
  const stack = new Stack(new App(), 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  new GatewayLoadBalancer(stack, 'Gateway', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    targetPort: 4000,
    healthCheckPath: '/health',
    ui: { port: 3000, healthCheckPath: '/ui/health' },
    openToVpc: true,
    deletionProtection: false,
    clusterName: 'genai-test',
    ...overrides,
  });
  return stack;
}

describe('GatewayLoadBalancer', () => {
  test('tags each target group with the cluster name Auto Mode registers pods for', () => {
    // GIVEN a gateway load balancer with an internal UI listener
    // WHEN it is synthesized
    const template = Template.fromStack(build());
    // THEN both target groups, and only they, name the cluster
    const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(groups).toHaveLength(2);
    for (const group of groups) expect(group.Properties.Tags).toEqual([{ Key: 'eks:eks-cluster-name', Value: 'genai-test' }]);
    const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(lb!.Properties.Tags).toBeUndefined();
  });

  test('open to the VPC: admits the VPC range on the LiteLLM listener and the UI port, and the client group', () => {
    const template = Template.fromStack(build());
    const [group] = Object.values(
      template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: 'Internal gateway load balancer: HTTP from inside the VPC only' },
      }),
    );
    const ingress = group!.Properties.SecurityGroupIngress as { CidrIp?: unknown; FromPort: number }[];
    expect(ingress.filter((r) => r.CidrIp !== undefined).map((r) => r.FromPort)).toEqual([80, 3000]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 80,
      ToPort: 80,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayClientSecurityGroup'), 'GroupId'] },
    });
    expect(Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l) => l.Properties.Port)).toEqual([
      80, 3000,
    ]);
  });

  test('closed to the VPC: denies every VPC address, admitting only the client group on the LiteLLM listener; no UI', () => {
    const template = Template.fromStack(build({ openToVpc: false, ui: undefined }));
    for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      for (const rule of (group.Properties.SecurityGroupIngress ?? []) as object[]) expect(rule).not.toHaveProperty('CidrIp');
    }
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toEqual([
      expect.objectContaining({
        FromPort: 80,
        ToPort: 80,
        SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^GatewayClientSecurityGroup/), 'GroupId'] },
      }),
    ]);
    expect(Object.values(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).map((l) => l.Properties.Port)).toEqual([80]);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
  });

  test('rejects a UI listener nobody could reach (closed to the VPC), before building anything', () => {
    expect(() => build({ openToVpc: false })).toThrow(
      'ui: needs openToVpc (without it only the VPC link and the client security group connect, and neither uses the UI)',
    );
  });

  test('rejects a cluster name EKS would not accept, before building anything', () => {
    expect(() => build({ clusterName: 'genai dev' })).toThrow(
      'clusterName: "genai dev" is not an EKS cluster name (letters, digits, - and _, at most 100)',
    );
  });
});
