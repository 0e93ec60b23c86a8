import { DeleteFailedError } from '../../../lambda/cluster-teardown/ec2-resources';
import type { TeardownProperties } from '../../../lambda/cluster-teardown/properties';
import { teardown, TeardownTimeoutError, type TeardownDependencies } from '../../../lambda/cluster-teardown/teardown';
import { FakeClock, FakeEc2 } from './fakes';

const VPC = 'vpc-0aaaaaaaaaaaaaaaa';
const OTHER_VPC = 'vpc-0bbbbbbbbbbbbbbbb';
const OURS = { 'eks:eks-cluster-name': 'dev' };

let ec2: FakeEc2;
let clock: FakeClock;
let logs: Record<string, unknown>[];

beforeEach(() => {
  ec2 = new FakeEc2();
  clock = new FakeClock();
  logs = [];
});

function props(overrides: Partial<TeardownProperties> = {}): TeardownProperties {
  return { clusterName: 'dev', vpcId: VPC, mode: 'volumes', deleteOrphans: true, timeoutSeconds: 600, ...overrides };
}

function deps(overrides: Partial<TeardownDependencies> = {}): TeardownDependencies {
  return {
    ec2,
    clock,
    log: (entry) => logs.push(JSON.parse(JSON.stringify(entry)) as Record<string, unknown>),
    pollIntervalMs: 15_000,
    recheckAfterDeleteMs: 2_000,
    region: 'eu-west-1',
    ...overrides,
  };
}

async function timeoutOf(run: Promise<unknown>): Promise<TeardownTimeoutError> {
  const err = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TeardownTimeoutError);
  return err as TeardownTimeoutError;
}

describe('mode "volumes"', () => {
  test('waits until the CSI driver has deleted the volumes, polling every 15 s and deleting nothing itself', async () => {
    // GIVEN two PVC volumes still attached while their pods stop
    ec2.addVolume('vol-1', 'in-use', OURS, ['i-1']).addVolume('vol-2', 'deleting', OURS);
    clock.after(20, () => ec2.volumes.delete('vol-2')).after(40, () => ec2.volumes.delete('vol-1'));

    // WHEN
    const result = await teardown(props(), deps());

    // THEN
    expect(result).toEqual({ passes: 4, deleted: [] });
    expect(ec2.deletes).toEqual([]);
    expect(clock.sleeps).toEqual([15_000, 15_000, 15_000]);
    expect(logs.at(-1)).toMatchObject({ event: 'teardown-complete', cluster: 'dev', mode: 'volumes', passes: 4 });
  });

  test('returns after one look when nothing of the cluster is left', async () => {
    ec2.addVolume('vol-other', 'available', { 'eks:eks-cluster-name': 'prod' });
    await expect(teardown(props(), deps())).resolves.toEqual({ passes: 1, deleted: [] });
    expect(clock.sleeps).toEqual([]);
    expect(ec2.calls).toEqual([
      'listVolumes eks:eks-cluster-name',
      'listVolumes kubernetes.io/cluster/dev',
      'listVolumes KubernetesCluster',
      'listVolumes ebs.csi.aws.com/cluster-name',
    ]);
  });

  test('deletes only the detached volumes of this cluster, whichever cluster tag names it', async () => {
    // GIVEN
    ec2
      .addVolume('vol-eks', 'available', { ...OURS, CSIVolumeName: 'pvc-1', 'ebs.csi.eks.amazonaws.com/cluster': 'true' })
      .addVolume('vol-k8s', 'available', { 'kubernetes.io/cluster/dev': 'owned', KubernetesCluster: 'dev' })
      .addVolume('vol-legacy', 'available', { KubernetesCluster: 'dev' })
      .addVolume('vol-csi', 'available', { 'ebs.csi.aws.com/cluster-name': 'dev' })
      .addVolume('vol-attached', 'in-use', OURS, ['i-1'])
      .addVolume('vol-prod', 'available', { 'eks:eks-cluster-name': 'prod' })
      .addVolume('vol-dev2', 'available', { 'eks:eks-cluster-name': 'dev-2', 'kubernetes.io/cluster/dev-2': 'owned' })
      .addVolume('vol-shared', 'available', { 'kubernetes.io/cluster/dev': 'shared' })
      .addVolume('vol-marker', 'available', { 'ebs.csi.eks.amazonaws.com/cluster': 'true' });
    clock.after(30, () => ec2.volumes.delete('vol-attached'));

    // WHEN
    const result = await teardown(props(), deps());

    // THEN
    expect(ec2.deletes).toEqual(['deleteVolume vol-eks', 'deleteVolume vol-k8s', 'deleteVolume vol-legacy', 'deleteVolume vol-csi']);
    expect(result.deleted.map((d) => d.id)).toEqual(['vol-eks', 'vol-k8s', 'vol-legacy', 'vol-csi']);
    expect([...ec2.volumes.keys()]).toEqual(['vol-prod', 'vol-dev2', 'vol-shared', 'vol-marker']);
    expect(logs.filter((entry) => entry.event === 'deleted')[0]).toEqual({
      event: 'deleted',
      kind: 'volume',
      id: 'vol-eks',
      state: 'available',
      matchedTags: OURS,
      provenanceTags: { 'ebs.csi.eks.amazonaws.com/cluster': 'true', CSIVolumeName: 'pvc-1' },
    });
  });

  test('looks again soon after deleting, and at the normal interval otherwise', async () => {
    ec2.addVolume('vol-1', 'available', OURS).addVolume('vol-2', 'in-use', OURS, ['i-1']);
    clock.after(10, () => ec2.volumes.delete('vol-2'));

    await teardown(props(), deps());

    expect(clock.sleeps).toEqual([2_000, 15_000]);
  });

  test('never deletes an attached volume, and times out listing it with what to do', async () => {
    // GIVEN a volume that stays attached
    ec2.addVolume('vol-stuck', 'in-use', { ...OURS, CSIVolumeName: 'pvc-9' }, ['i-0123']);

    // WHEN
    const err = await timeoutOf(teardown(props({ timeoutSeconds: 60 }), deps()));

    // THEN
    expect(ec2.deletes).toEqual([]);
    expect(err.message).toBe(
      [
        'Cluster teardown (mode "volumes") timed out after 60 s: 1 resource(s) of EKS cluster "dev" are still there:',
        '  - volume vol-stuck: in-use; attached to i-0123; matched eks:eks-cluster-name=dev; also tagged CSIVolumeName=pvc-9; never deleted while attached',
        `What to do: check that the workloads' PersistentVolumeClaims are gone and no instance of the cluster still mounts these volumes, then delete them in the EC2 console or run:`,
        '  aws ec2 detach-volume --volume-id vol-stuck --region eu-west-1',
        '  aws ec2 delete-volume --volume-id vol-stuck --region eu-west-1',
        'then retry cdk destroy.',
      ].join('\n'),
    );
    expect(err.leftovers.map((l) => l.id)).toEqual(['vol-stuck']);
    expect(logs.at(-1)).toMatchObject({ event: 'teardown-timed-out', leftovers: [{ id: 'vol-stuck', state: 'in-use' }] });
  });

  test('keeps to the deadline: the last look is at the deadline, never past it', async () => {
    ec2.addVolume('vol-stuck', 'in-use', OURS, ['i-1']);

    await timeoutOf(teardown(props({ timeoutSeconds: 40 }), deps()));

    expect(clock.sleeps).toEqual([15_000, 15_000, 10_000]);
    expect(clock.elapsedSeconds).toBe(40);
    expect(ec2.calls.filter((call) => call === 'listVolumes eks:eks-cluster-name')).toHaveLength(4);
  });

  test('leaves detached volumes alone when DeleteOrphans is "false", and says so when time runs out', async () => {
    ec2.addVolume('vol-orphan', 'available', OURS);

    const err = await timeoutOf(teardown(props({ deleteOrphans: false, timeoutSeconds: 30 }), deps()));

    expect(ec2.deletes).toEqual([]);
    expect(err.message).toContain(
      'volume vol-orphan: available; matched eks:eks-cluster-name=dev; detached but not deleted: DeleteOrphans is "false"',
    );
    expect(err.message).toContain('  aws ec2 delete-volume --volume-id vol-orphan --region eu-west-1');
    expect(err.message).not.toContain('detach-volume');
  });

  test('waits for a volume EC2 refused to delete for now, and deletes it on a later pass', async () => {
    ec2.addVolume('vol-1', 'available', OURS);
    ec2.deleteAnswers.set('vol-1', { result: 'busy', reason: 'VolumeInUse: vol-1 is attached' });

    const result = await teardown(props(), deps());

    expect(ec2.deletes).toEqual(['deleteVolume vol-1', 'deleteVolume vol-1']);
    expect(result.deleted).toEqual([{ kind: 'volume', id: 'vol-1' }]);
    expect(logs.find((entry) => entry.event === 'delete-deferred')).toMatchObject({
      id: 'vol-1',
      reason: 'VolumeInUse: vol-1 is attached',
    });
  });

  test('counts a volume that vanished before its delete as gone', async () => {
    ec2.addVolume('vol-1', 'available', OURS);
    ec2.deleteAnswers.set('vol-1', { result: 'gone' });
    clock.after(1, () => ec2.volumes.delete('vol-1'));

    const result = await teardown(props(), deps());

    expect(result.deleted).toEqual([]);
    expect(logs.find((entry) => entry.event === 'already-gone')).toEqual({ event: 'already-gone', kind: 'volume', id: 'vol-1' });
  });

  test('fails at once, naming the volume, when EC2 forbids the delete', async () => {
    ec2.addVolume('vol-1', 'available', OURS);
    ec2.deleteAnswers.set('vol-1', new DeleteFailedError('UnauthorizedOperation: You are not authorized', 'UnauthorizedOperation'));

    await expect(teardown(props(), deps())).rejects.toThrow(
      'Could not delete volume vol-1: available; matched eks:eks-cluster-name=dev: UnauthorizedOperation: You are not authorized. ' +
        "Check that the teardown function may delete this cluster's volumes (ec2:DeleteVolume), or delete it in the EC2 console; then retry cdk destroy.",
    );
    expect(clock.sleeps).toEqual([]);
  });

  test('never deletes a volume whose tag names another cluster, even when the server filters by key only', async () => {
    ec2.ignoreTagValues = true;
    ec2
      .addVolume('vol-prod', 'available', { 'eks:eks-cluster-name': 'prod', KubernetesCluster: 'prod' })
      .addVolume('vol-shared', 'available', { 'kubernetes.io/cluster/dev': 'shared' });

    await expect(teardown(props(), deps())).resolves.toEqual({ passes: 1, deleted: [] });

    expect(ec2.deletes).toEqual([]);
  });

  test('does not look at network interfaces', async () => {
    ec2.addInterface('eni-1', 'available', VPC, OURS);
    await teardown(props(), deps());
    expect(ec2.calls.some((call) => call.startsWith('listNetworkInterfaces'))).toBe(false);
    expect(ec2.interfaces.has('eni-1')).toBe(true);
  });
});

describe('mode "network"', () => {
  test('waits for the nodes to release their interfaces, then deletes the detached ones of this cluster in this VPC', async () => {
    // GIVEN an interface still attached to a terminating node, a detached one, and decoys
    ec2
      .addInterface(
        'eni-node',
        'in-use',
        VPC,
        { ...OURS, 'eks:kubernetes-cni-node-name': 'i-1' },
        { attachment: { id: 'eni-attach-1', instanceId: 'i-1' } },
      )
      .addInterface('eni-free', 'available', VPC, { 'kubernetes.io/cluster/dev': 'owned' })
      .addInterface('eni-prod', 'available', VPC, { 'eks:eks-cluster-name': 'prod' })
      .addInterface('eni-untagged', 'available', VPC, { Name: 'dev' });
    clock.after(30, () => {
      ec2.interfaces.get('eni-node')!.status = 'available';
      delete ec2.interfaces.get('eni-node')!.attachment;
    });

    // WHEN
    const result = await teardown(props({ mode: 'network', deleteOrphans: false }), deps());

    // THEN
    expect(ec2.deletes).toEqual(['deleteNetworkInterface eni-free', 'deleteNetworkInterface eni-node']);
    expect(result.deleted).toEqual([
      { kind: 'network-interface', id: 'eni-free' },
      { kind: 'network-interface', id: 'eni-node' },
    ]);
    expect([...ec2.interfaces.keys()]).toEqual(['eni-prod', 'eni-untagged']);
    // DeleteOrphans "false": volumes are not this instance's business.
    expect(ec2.calls.some((call) => call.startsWith('listVolumes'))).toBe(false);
  });

  test('never deletes an interface whose tag names another cluster, even when the server filters by key only', async () => {
    ec2.ignoreTagValues = true;
    ec2.addInterface('eni-prod', 'available', VPC, { 'eks:eks-cluster-name': 'prod', 'kubernetes.io/cluster/dev': 'shared' });

    await expect(teardown(props({ mode: 'network' }), deps())).resolves.toEqual({ passes: 1, deleted: [] });

    expect(ec2.deletes).toEqual([]);
  });

  test('never touches an interface of another VPC, even one tagged for this cluster', async () => {
    ec2.ignoreVpcFilter = true;
    ec2.addInterface('eni-elsewhere', 'available', OTHER_VPC, OURS);

    await expect(teardown(props({ mode: 'network' }), deps())).resolves.toEqual({ passes: 1, deleted: [] });

    expect(ec2.deletes).toEqual([]);
    expect(ec2.interfaces.has('eni-elsewhere')).toBe(true);
  });

  test('never deletes a requester-managed interface; times out listing it with no command to run', async () => {
    ec2.addInterface('eni-svc', 'available', VPC, OURS, { requesterManaged: true });

    const err = await timeoutOf(teardown(props({ mode: 'network', timeoutSeconds: 15 }), deps()));

    expect(ec2.deletes).toEqual([]);
    expect(err.message).toContain(
      'network interface eni-svc: available; matched eks:eks-cluster-name=dev; managed by an AWS service (requester-managed): only that service can delete it',
    );
    expect(err.message).not.toContain('delete-network-interface');
  });

  test('times out listing attached interfaces with the commands to detach and delete them', async () => {
    ec2.addInterface('eni-node', 'in-use', VPC, OURS, { attachment: { id: 'eni-attach-1', instanceId: 'i-1' } });

    const err = await timeoutOf(teardown(props({ mode: 'network', timeoutSeconds: 30 }), deps({ region: undefined })));

    expect(err.message).toBe(
      [
        `Cluster teardown (mode "network") timed out after 30 s: 1 resource(s) of EKS cluster "dev" are still there in VPC ${VPC}:`,
        '  - network interface eni-node: in-use; attached to i-1; matched eks:eks-cluster-name=dev; never deleted while attached',
        "What to do: check that the cluster's instances have terminated (EC2 console, instances tagged eks:eks-cluster-name=dev), then delete them in the EC2 console or run:",
        '  aws ec2 detach-network-interface --attachment-id eni-attach-1',
        '  aws ec2 delete-network-interface --network-interface-id eni-node',
        'then retry cdk destroy.',
      ].join('\n'),
    );
  });

  test('with DeleteOrphans, also deletes the detached volumes of this cluster left behind, and waits for attached ones', async () => {
    ec2
      .addVolume('vol-orphan', 'available', OURS)
      .addVolume('vol-root', 'in-use', OURS, ['i-1'])
      .addVolume('vol-prod', 'available', { 'eks:eks-cluster-name': 'prod' });
    clock.after(15, () => (ec2.volumes.get('vol-root')!.state = 'available'));

    const result = await teardown(props({ mode: 'network', deleteOrphans: true }), deps());

    expect(result.deleted).toEqual([
      { kind: 'volume', id: 'vol-orphan' },
      { kind: 'volume', id: 'vol-root' },
    ]);
    expect([...ec2.volumes.keys()]).toEqual(['vol-prod']);
  });

  test('fails at once, naming the interface, when EC2 forbids the delete', async () => {
    ec2.addInterface('eni-1', 'available', VPC, OURS);
    ec2.deleteAnswers.set('eni-1', new DeleteFailedError('UnauthorizedOperation: no', 'UnauthorizedOperation'));

    await expect(teardown(props({ mode: 'network' }), deps())).rejects.toThrow(
      '(ec2:DeleteNetworkInterface), or delete it in the EC2 console; then retry cdk destroy.',
    );
  });
});

describe('logging', () => {
  test('writes one entry per start, deletion, wait and end, each serialisable as a JSON line', async () => {
    ec2.addVolume('vol-1', 'available', OURS);

    await teardown(props(), deps());

    expect(logs.map((entry) => entry.event)).toEqual(['teardown-started', 'deleted', 'waiting', 'teardown-complete']);
    expect(logs[0]).toEqual({
      event: 'teardown-started',
      cluster: 'dev',
      vpcId: VPC,
      mode: 'volumes',
      deleteOrphans: true,
      timeoutSeconds: 600,
    });
    expect(logs[2]).toMatchObject({ event: 'waiting', pass: 1, waitingFor: [{ id: 'vol-1', state: 'deleting' }], nextCheckInSeconds: 2 });
  });
});
