import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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

  test('rejects a cluster name EKS would not accept, before building anything', () => {
    expect(() => build({ clusterName: 'genai dev' })).toThrow(
      'clusterName: "genai dev" is not an EKS cluster name (letters, digits, - and _, at most 100)',
    );
  });
});
