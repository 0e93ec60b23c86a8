import {
  AttachNetworkInterfaceCommand,
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
import { DeleteFailedError, ec2Resources } from '../../../lambda/cluster-teardown/ec2-resources';
import { startMoto, type LocalMoto } from '../../support/moto';

let moto: LocalMoto;
let client: EC2Client;
let vpcId: string;
let subnetId: string;
let otherSubnetId: string;
let instanceId: string;

beforeAll(async () => {
  moto = await startMoto();
  client = new EC2Client({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  ({ vpcId, subnetId } = await vpcWithSubnet('10.0.0.0/16'));
  ({ subnetId: otherSubnetId } = await vpcWithSubnet('10.1.0.0/16'));
  const run = await client.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId }));
  instanceId = run.Instances![0]!.InstanceId!;
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

async function vpcWithSubnet(cidr: string): Promise<{ vpcId: string; subnetId: string }> {
  const vpc = (await client.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  const subnet = await client.send(
    new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr.replace('.0.0/16', '.1.0/24'), AvailabilityZone: 'us-east-1a' }),
  );
  return { vpcId: vpc, subnetId: subnet.Subnet!.SubnetId! };
}

async function volume(tags: Record<string, string>): Promise<string> {
  const created = await client.send(
    new CreateVolumeCommand({
      AvailabilityZone: 'us-east-1a',
      Size: 1,
      TagSpecifications: [{ ResourceType: 'volume', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    }),
  );
  return created.VolumeId!;
}

async function networkInterface(subnet: string, tags: Record<string, string>): Promise<string> {
  const created = await client.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnet,
      TagSpecifications: [{ ResourceType: 'network-interface', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    }),
  );
  return created.NetworkInterface!.NetworkInterfaceId!;
}

describe('ec2Resources against the EC2 API (moto)', () => {
  test('lists the volumes carrying the tag with that exact value, with state, tags and attachments', async () => {
    // GIVEN
    const detached = await volume({ 'eks:eks-cluster-name': 'list-vol', CSIVolumeName: 'pvc-1' });
    const attached = await volume({ 'eks:eks-cluster-name': 'list-vol' });
    await client.send(new AttachVolumeCommand({ VolumeId: attached, InstanceId: instanceId, Device: '/dev/sdf' }));
    // AND volumes with the key but another value, or the value under another key
    await volume({ 'eks:eks-cluster-name': 'list-vol-2' });
    await volume({ KubernetesCluster: 'list-vol' });

    // WHEN
    const volumes = await ec2Resources(client).listVolumes({ key: 'eks:eks-cluster-name', value: 'list-vol' });

    // THEN
    expect(volumes.map((v) => v.id).sort()).toEqual([detached, attached].sort());
    expect(volumes.find((v) => v.id === detached)).toEqual({
      id: detached,
      state: 'available',
      tags: { 'eks:eks-cluster-name': 'list-vol', CSIVolumeName: 'pvc-1' },
      attachedTo: [],
    });
    expect(volumes.find((v) => v.id === attached)).toMatchObject({ state: 'in-use', attachedTo: [instanceId] });
  });

  test('lists only the network interfaces of the VPC carrying the tag with that exact value, with their attachment', async () => {
    // GIVEN
    const free = await networkInterface(subnetId, { 'kubernetes.io/cluster/list-eni': 'owned' });
    const attached = await networkInterface(subnetId, { 'kubernetes.io/cluster/list-eni': 'owned', Name: 'node' });
    const { AttachmentId } = await client.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: attached, InstanceId: instanceId, DeviceIndex: 1 }),
    );
    await networkInterface(otherSubnetId, { 'kubernetes.io/cluster/list-eni': 'owned' });
    await networkInterface(subnetId, { 'kubernetes.io/cluster/list-eni': 'shared' });
    await networkInterface(subnetId, { Name: 'list-eni' });

    // WHEN
    const interfaces = await ec2Resources(client).listNetworkInterfaces(vpcId, { key: 'kubernetes.io/cluster/list-eni', value: 'owned' });

    // THEN
    expect(interfaces.map((eni) => eni.id).sort()).toEqual([free, attached].sort());
    expect(interfaces.find((eni) => eni.id === free)).toEqual({
      id: free,
      status: 'available',
      vpcId,
      tags: { 'kubernetes.io/cluster/list-eni': 'owned' },
      requesterManaged: false,
    });
    expect(interfaces.find((eni) => eni.id === attached)).toMatchObject({
      status: 'in-use',
      attachment: { id: AttachmentId, instanceId },
    });
  });

  test('deletes a detached volume; reports one already gone as gone and an attached one as busy', async () => {
    const resources = ec2Resources(client);
    const detached = await volume({ 'eks:eks-cluster-name': 'delete-vol' });
    const attached = await volume({ 'eks:eks-cluster-name': 'delete-vol' });
    await client.send(new AttachVolumeCommand({ VolumeId: attached, InstanceId: instanceId, Device: '/dev/sdg' }));

    await expect(resources.deleteVolume(detached)).resolves.toEqual({ result: 'deleted' });
    await expect(resources.deleteVolume(detached)).resolves.toEqual({ result: 'gone' });
    await expect(resources.deleteVolume(attached)).resolves.toEqual({
      result: 'busy',
      reason: expect.stringMatching(/^VolumeInUse: /),
    });
    const left = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'tag:eks:eks-cluster-name', Values: ['delete-vol'] }] }));
    expect(left.Volumes!.map((v) => v.VolumeId)).toEqual([attached]);
  });

  test('deletes a network interface; reports one already gone as gone', async () => {
    const resources = ec2Resources(client);
    const eni = await networkInterface(subnetId, { 'eks:eks-cluster-name': 'delete-eni' });

    await expect(resources.deleteNetworkInterface(eni)).resolves.toEqual({ result: 'deleted' });
    await expect(resources.deleteNetworkInterface(eni)).resolves.toEqual({ result: 'gone' });
  });
});

describe('ec2Resources paging and errors', () => {
  test('follows NextToken through every page of volumes and network interfaces, with the page size asked for', async () => {
    // GIVEN a client whose Describe answers come in two pages
    const paged = new EC2Client({ region: 'us-east-1', credentials: moto.credentials });
    const inputs: { command: string; input: Record<string, unknown> }[] = [];
    // send() is overloaded with callback forms; the test only needs the promise one.
    const send = jest.spyOn(paged, 'send') as unknown as jest.Mock<Promise<unknown>, [unknown]>;
    send.mockImplementation(async (command: unknown) => {
      const { input } = command as { input: Record<string, unknown> };
      // The paginator reuses its input object: keep a copy of each request.
      inputs.push({ command: (command as object).constructor.name, input: { ...input } });
      const second = input.NextToken === 'page-2';
      if (command instanceof DescribeVolumesCommand) {
        return second
          ? { Volumes: [{ VolumeId: 'vol-2', State: 'available' }] }
          : { Volumes: [{ VolumeId: 'vol-1', State: 'in-use' }], NextToken: 'page-2' };
      }
      if (command instanceof DescribeNetworkInterfacesCommand) {
        return second
          ? { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2', VpcId: 'vpc-1' }] }
          : { NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', VpcId: 'vpc-1' }], NextToken: 'page-2' };
      }
      throw new Error('unexpected command');
    });
    const resources = ec2Resources(paged, { pageSize: 5 });

    // WHEN
    const tag = { key: 'eks:eks-cluster-name', value: 'dev' };
    const volumes = await resources.listVolumes(tag);
    const interfaces = await resources.listNetworkInterfaces('vpc-1', tag);

    // THEN
    expect(volumes.map((v) => v.id)).toEqual(['vol-1', 'vol-2']);
    expect(interfaces.map((eni) => eni.id)).toEqual(['eni-1', 'eni-2']);
    expect(inputs.map(({ input }) => [input.MaxResults, input.NextToken])).toEqual([
      [5, undefined],
      [5, 'page-2'],
      [5, undefined],
      [5, 'page-2'],
    ]);
    expect(inputs[0]!.input.Filters).toEqual([{ Name: 'tag:eks:eks-cluster-name', Values: ['dev'] }]);
    expect(inputs[2]!.input.Filters).toEqual([
      { Name: 'vpc-id', Values: ['vpc-1'] },
      { Name: 'tag:eks:eks-cluster-name', Values: ['dev'] },
    ]);
  });

  test('raises DeleteFailedError for a refusal that waiting cannot fix', async () => {
    const denied = new EC2Client({ region: 'us-east-1', credentials: moto.credentials });
    const send = jest.spyOn(denied, 'send') as unknown as jest.Mock<Promise<unknown>, []>;
    send.mockImplementation(async () => {
      throw Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation' });
    });

    const result = ec2Resources(denied).deleteVolume('vol-1');

    await expect(result).rejects.toThrow(DeleteFailedError);
    await expect(result).rejects.toThrow('UnauthorizedOperation: You are not authorized to perform this operation.');
  });
});
