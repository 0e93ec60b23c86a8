import { Match } from 'aws-cdk-lib/assertions';
import { snapshotOf, synthEnvironment } from '../support/app';

describe('NetworkStack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const { config, templates } = synthEnvironment(name);
    const network = templates.network;

    test('matches the snapshot', () => {
      expect(snapshotOf(network)).toMatchSnapshot();
    });

    test('spans the configured zones with public, workload and isolated data subnets', () => {
      const zones = config.network.availabilityZones.length;
      network.resourceCountIs('AWS::EC2::Subnet', zones * 3);
      network.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: config.network.cidr });
      for (const zone of config.network.availabilityZones) {
        network.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: zone });
      }
    });

    test('has one NAT gateway per configured count', () => {
      network.resourceCountIs('AWS::EC2::NatGateway', config.network.natGateways);
    });

    test('tags public subnets for internet-facing and workload subnets for internal load balancers', () => {
      const zones = config.network.availabilityZones.length;
      const tagged = (key: string) =>
        Object.values(network.findResources('AWS::EC2::Subnet', { Properties: { Tags: Match.arrayWith([{ Key: key, Value: '1' }]) } }));
      expect(tagged('kubernetes.io/role/elb')).toHaveLength(zones);
      expect(tagged('kubernetes.io/role/internal-elb')).toHaveLength(zones);
      for (const subnet of tagged('kubernetes.io/role/elb')) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
    });

    test('does not route the data subnets to the internet', () => {
      const dataSubnets = Object.keys(
        network.findResources('AWS::EC2::Subnet', {
          Properties: { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-name', Value: 'Data' }]) },
        }),
      );
      expect(dataSubnets).toHaveLength(config.network.availabilityZones.length);
      const associations = Object.values(network.findResources('AWS::EC2::SubnetRouteTableAssociation'));
      const dataTables = associations
        .filter((a) => dataSubnets.includes(a.Properties.SubnetId.Ref))
        .map((a) => a.Properties.RouteTableId.Ref);
      const routes = Object.values(network.findResources('AWS::EC2::Route'));
      expect(routes.filter((r) => dataTables.includes(r.Properties.RouteTableId.Ref))).toEqual([]);
    });

    test('logs all flows to a log group with the configured retention', () => {
      network.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
      network.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: config.network.flowLogRetentionDays });
    });

    test('has an S3 gateway endpoint', () => {
      network.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }),
      });
    });

    test('has interface endpoints only where the config asks for them', () => {
      const interfaces = network.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } });
      expect(Object.keys(interfaces)).toHaveLength(config.network.interfaceEndpoints ? 6 : 0);
    });
  });
});
