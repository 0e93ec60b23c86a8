import {
  AttachVolumeCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVolumesCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMoto, type LocalMoto } from '../../support/moto';

// The production handler as Lambda loads it. Its SDK client is pointed at moto through the SDK's own
// AWS_ENDPOINT_URL_EC2 setting, so the handler carries no test hook.
const ENV_KEYS = [
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_CLOUDFORMATION',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

/**
 * moto cannot hold a stack in DELETE_IN_PROGRESS, so a loopback stand-in answers DescribeStacks the
 * way CloudFormation does during `cdk destroy` (query protocol, XML).
 */
function startCloudFormationStandIn(): Promise<Server> {
  const body = [
    '<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>',
    '<StackName>cluster</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/cluster/guid</StackId>',
    '<StackStatus>DELETE_IN_PROGRESS</StackStatus><CreationTime>2026-11-21T08:00:00Z</CreationTime>',
    '</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></DescribeStacksResponse>',
  ].join('');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(body));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let cloudFormation: Server;
let moto: LocalMoto;
let ec2: EC2Client;
let handler: (event: CloudFormationCustomResourceEvent) => Promise<unknown>;
let logLines: string[];
let vpcId: string;
let subnetId: string;
let otherSubnetId: string;

beforeAll(async () => {
  [moto, cloudFormation] = await Promise.all([startMoto(), startCloudFormationStandIn()]);
  process.env.AWS_ENDPOINT_URL_EC2 = moto.endpoint;
  process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = `http://127.0.0.1:${(cloudFormation.address() as AddressInfo).port}`;
  process.env.AWS_REGION = moto.region;
  process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
  // Loaded only now, after the environment is set, as Lambda would load it.
  ({ handler } = jest.requireActual<typeof import('../../../lambda/cluster-teardown/index')>('../../../lambda/cluster-teardown/index'));
  ec2 = new EC2Client({});
  ({ vpcId, subnetId } = await vpcWithSubnet('10.0.0.0/16'));
  ({ subnetId: otherSubnetId } = await vpcWithSubnet('10.1.0.0/16'));
});

beforeEach(() => {
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((line: string) => void logLines.push(line));
});

afterEach(() => jest.restoreAllMocks());

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  ec2?.destroy();
  await moto?.stop();
  await new Promise((resolve) => cloudFormation?.close(resolve));
});

async function vpcWithSubnet(cidr: string): Promise<{ vpcId: string; subnetId: string }> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = await ec2.send(
    new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr.replace('.0.0/16', '.1.0/24'), AvailabilityZone: 'us-east-1a' }),
  );
  return { vpcId: vpc, subnetId: subnet.Subnet!.SubnetId! };
}

function tagSpec(resourceType: 'volume' | 'network-interface', tags: Record<string, string>) {
  return [{ ResourceType: resourceType, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }];
}

async function volume(tags: Record<string, string>): Promise<string> {
  const created = await ec2.send(
    new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8, TagSpecifications: tagSpec('volume', tags) }),
  );
  return created.VolumeId!;
}

async function networkInterface(subnet: string, tags: Record<string, string>): Promise<string> {
  const created = await ec2.send(
    new CreateNetworkInterfaceCommand({ SubnetId: subnet, TagSpecifications: tagSpec('network-interface', tags) }),
  );
  return created.NetworkInterface!.NetworkInterfaceId!;
}

async function existingVolumes(): Promise<string[]> {
  return ((await ec2.send(new DescribeVolumesCommand({}))).Volumes ?? []).map((v) => v.VolumeId!);
}

async function existingInterfaces(): Promise<string[]> {
  return ((await ec2.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces ?? []).map((eni) => eni.NetworkInterfaceId!);
}

function deleteEvent(properties: Record<string, string>): CloudFormationCustomResourceEvent {
  return {
    RequestType: 'Delete',
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/cluster/guid',
    RequestId: 'request-1',
    LogicalResourceId: 'ClusterTeardown',
    ResourceType: 'Custom::ClusterTeardown',
    PhysicalResourceId: `teardown-${properties.ClusterName}-${properties.Mode}`,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', ...properties },
  };
}

describe('handler (real SDK against moto_server)', () => {
  test('mode "network": deletes exactly the detached interfaces and volumes of this cluster in this VPC, then returns', async () => {
    // GIVEN the cluster's leftovers, named by each tag Auto Mode uses
    const ours = [
      await networkInterface(subnetId, { 'eks:eks-cluster-name': 'net', 'eks:kubernetes-cni-node-name': 'i-0abc' }),
      await networkInterface(subnetId, { 'kubernetes.io/cluster/net': 'owned' }),
    ];
    const ourVolumes = [
      await volume({ 'eks:eks-cluster-name': 'net', 'ebs.csi.eks.amazonaws.com/cluster': 'true', CSIVolumeName: 'pvc-1' }),
      await volume({ KubernetesCluster: 'net' }),
    ];
    // AND decoys: this cluster's tag in another VPC, other clusters, shared, marker-only, untagged
    const decoyInterfaces = [
      await networkInterface(otherSubnetId, { 'eks:eks-cluster-name': 'net' }),
      await networkInterface(subnetId, { 'eks:eks-cluster-name': 'net-2' }),
      await networkInterface(subnetId, { 'kubernetes.io/cluster/net': 'shared' }),
      await networkInterface(subnetId, { Name: 'net' }),
    ];
    const decoyVolumes = [
      await volume({ 'eks:eks-cluster-name': 'prod' }),
      await volume({ 'ebs.csi.eks.amazonaws.com/cluster': 'true' }),
      await volume({ 'kubernetes.io/cluster/net': 'shared' }),
    ];

    // WHEN
    const response = await handler(
      deleteEvent({ ClusterName: 'net', VpcId: vpcId, Mode: 'network', DeleteOrphans: 'true', TimeoutSeconds: '20' }),
    );

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'teardown-net-network' });
    const interfaces = await existingInterfaces();
    const volumes = await existingVolumes();
    expect(interfaces).toEqual(expect.arrayContaining(decoyInterfaces));
    expect(volumes).toEqual(expect.arrayContaining(decoyVolumes));
    for (const id of [...ours, ...ourVolumes]) expect([...interfaces, ...volumes]).not.toContain(id);
    // AND each deletion was logged as a JSON line naming the tags that matched
    const entries = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((e) => e.event === 'deleted').map((e) => e.id)).toEqual(expect.arrayContaining([...ours, ...ourVolumes]));
    expect(entries.filter((e) => e.event === 'deleted')).toHaveLength(4);
    expect(entries.at(-1)).toMatchObject({ event: 'teardown-complete', cluster: 'net' });
  });

  test('mode "volumes": deletes the detached volumes of this cluster only, and leaves interfaces alone', async () => {
    const orphan = await volume({ 'eks:eks-cluster-name': 'vols', 'kubernetes.io/cluster/vols': 'owned' });
    const otherCluster = await volume({ 'eks:eks-cluster-name': 'vols-2' });
    const eni = await networkInterface(subnetId, { 'eks:eks-cluster-name': 'vols' });

    await handler(deleteEvent({ ClusterName: 'vols', VpcId: vpcId, Mode: 'volumes', DeleteOrphans: 'true', TimeoutSeconds: '20' }));

    const volumes = await existingVolumes();
    expect(volumes).not.toContain(orphan);
    expect(volumes).toContain(otherCluster);
    expect(await existingInterfaces()).toContain(eni);
  });

  test('times out quickly with the listing when a volume of the cluster stays attached', async () => {
    // GIVEN a volume of the cluster attached to an instance that is not going away
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId }));
    const instanceId = run.Instances![0]!.InstanceId!;
    const stuck = await volume({ 'eks:eks-cluster-name': 'stuck', CSIVolumeName: 'pvc-7' });
    await ec2.send(new AttachVolumeCommand({ VolumeId: stuck, InstanceId: instanceId, Device: '/dev/sdf' }));
    const started = Date.now();

    // WHEN
    const result = handler(
      deleteEvent({ ClusterName: 'stuck', VpcId: vpcId, Mode: 'volumes', DeleteOrphans: 'true', TimeoutSeconds: '1' }),
    );

    // THEN
    await expect(result).rejects.toThrow(
      `volume ${stuck}: in-use; attached to ${instanceId}; matched eks:eks-cluster-name=stuck; also tagged CSIVolumeName=pvc-7; never deleted while attached`,
    );
    await expect(result).rejects.toThrow(`aws ec2 detach-volume --volume-id ${stuck} --region us-east-1`);
    await expect(result).rejects.toThrow('then retry cdk destroy.');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await existingVolumes()).toContain(stuck);
  });

  test('rejects invalid properties before calling EC2', async () => {
    const send = jest.spyOn(EC2Client.prototype, 'send');

    await expect(
      handler(deleteEvent({ ClusterName: 'net', VpcId: 'not-a-vpc', Mode: 'network', DeleteOrphans: 'true', TimeoutSeconds: '20' })),
    ).rejects.toThrow('VpcId: must be a VPC id like "vpc-0123456789abcdef0"');
    expect(send).not.toHaveBeenCalled();
  });
});
