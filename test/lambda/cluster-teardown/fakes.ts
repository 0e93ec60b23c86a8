/** In-memory stand-ins for EC2 and time, shared by the cluster-teardown unit tests. */
import type { DeleteOutcome, Ec2Resources, NetworkInterfaceRecord, VolumeRecord } from '../../../lambda/cluster-teardown/ec2-resources';
import type { OwnershipTag } from '../../../lambda/cluster-teardown/ownership';
import type { Clock } from '../../../lambda/cluster-teardown/teardown';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An account's volumes and network interfaces, with a record of every call made. */
export class FakeEc2 implements Ec2Resources {
  readonly volumes = new Map<string, Mutable<VolumeRecord>>();
  readonly interfaces = new Map<string, Mutable<NetworkInterfaceRecord>>();
  readonly calls: string[] = [];
  /** Answers to force for a delete of this id (an error is thrown). */
  readonly deleteAnswers = new Map<string, DeleteOutcome | Error>();
  /** Like an emulator that ignores the vpc-id filter: proves the VPC is checked client-side too. */
  ignoreVpcFilter = false;
  /** Like a server that filters by tag key only: proves tag values are checked client-side too. */
  ignoreTagValues = false;

  addVolume(id: string, state: string, tags: Record<string, string>, attachedTo: string[] = []): this {
    this.volumes.set(id, { id, state, tags, attachedTo });
    return this;
  }

  addInterface(
    id: string,
    status: string,
    vpcId: string,
    tags: Record<string, string>,
    extra: Partial<Pick<NetworkInterfaceRecord, 'attachment' | 'requesterManaged'>> = {},
  ): this {
    this.interfaces.set(id, { id, status, vpcId, tags, requesterManaged: false, ...extra });
    return this;
  }

  async listVolumes(tag: OwnershipTag): Promise<VolumeRecord[]> {
    this.calls.push(`listVolumes ${tag.key}`);
    return [...this.volumes.values()].filter((volume) => this.carries(volume.tags, tag)).map((volume) => ({ ...volume }));
  }

  async listNetworkInterfaces(vpcId: string, tag: OwnershipTag): Promise<NetworkInterfaceRecord[]> {
    this.calls.push(`listNetworkInterfaces ${tag.key}`);
    return [...this.interfaces.values()]
      .filter((eni) => (this.ignoreVpcFilter || eni.vpcId === vpcId) && this.carries(eni.tags, tag))
      .map((eni) => ({ ...eni }));
  }

  /** Whether the tag is there; `ignoreTagValues` makes the fake answer by key only. */
  private carries(tags: Readonly<Record<string, string>>, tag: OwnershipTag): boolean {
    return this.ignoreTagValues ? tag.key in tags : tags[tag.key] === tag.value;
  }

  async deleteVolume(volumeId: string): Promise<DeleteOutcome> {
    this.calls.push(`deleteVolume ${volumeId}`);
    const forced = this.forced(volumeId);
    if (forced !== undefined) return forced;
    const volume = this.volumes.get(volumeId);
    if (volume === undefined) return { result: 'gone' };
    if (volume.state !== 'available') return { result: 'busy', reason: `IncorrectState: volume is ${volume.state}` };
    this.volumes.delete(volumeId);
    return { result: 'deleted' };
  }

  async deleteNetworkInterface(networkInterfaceId: string): Promise<DeleteOutcome> {
    this.calls.push(`deleteNetworkInterface ${networkInterfaceId}`);
    const forced = this.forced(networkInterfaceId);
    if (forced !== undefined) return forced;
    const eni = this.interfaces.get(networkInterfaceId);
    if (eni === undefined) return { result: 'gone' };
    if (eni.status !== 'available') return { result: 'busy', reason: 'InvalidNetworkInterface.InUse' };
    this.interfaces.delete(networkInterfaceId);
    return { result: 'deleted' };
  }

  /** The delete calls made, in order. */
  get deletes(): string[] {
    return this.calls.filter((call) => call.startsWith('delete'));
  }

  private forced(id: string): DeleteOutcome | undefined {
    const answer = this.deleteAnswers.get(id);
    if (answer instanceof Error) throw answer;
    if (answer !== undefined) this.deleteAnswers.delete(id);
    return answer;
  }
}

/** Virtual time: sleeping advances it at once and runs whatever was scheduled up to then. */
export class FakeClock implements Clock {
  private time = 1_700_000_000_000;
  private readonly started = this.time;
  private readonly scheduled: { at: number; change: () => void }[] = [];
  readonly sleeps: number[] = [];

  now(): number {
    return this.time;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    for (const item of [...this.scheduled]) {
      if (item.at <= this.time) {
        this.scheduled.splice(this.scheduled.indexOf(item), 1);
        item.change();
      }
    }
  }

  /** Runs `change` once `seconds` of virtual time have passed since the clock was made. */
  after(seconds: number, change: () => void): this {
    this.scheduled.push({ at: this.started + seconds * 1000, change });
    return this;
  }

  /** Virtual seconds since the clock was made. */
  get elapsedSeconds(): number {
    return (this.time - this.started) / 1000;
  }
}
