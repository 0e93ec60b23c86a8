import {
  DeleteNetworkInterfaceCommand,
  DeleteVolumeCommand,
  paginateDescribeNetworkInterfaces,
  paginateDescribeVolumes,
  type EC2Client,
  type Filter,
  type NetworkInterface,
  type Tag,
  type Volume,
} from '@aws-sdk/client-ec2';
import type { OwnershipTag } from './ownership';

/** An EBS volume as the teardown sees it. */
export interface VolumeRecord {
  readonly id: string;
  /** creating | available | in-use | deleting | deleted | error */
  readonly state: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Instances it is attached to. */
  readonly attachedTo: readonly string[];
}

/** A network interface as the teardown sees it. */
export interface NetworkInterfaceRecord {
  readonly id: string;
  /** available | attaching | in-use | detaching | associated */
  readonly status: string;
  readonly vpcId: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly attachment?: { readonly id?: string; readonly instanceId?: string };
  /** Managed by an AWS service on our behalf: only that service can delete it. */
  readonly requesterManaged: boolean;
  readonly description?: string;
}

/**
 * What a delete call achieved. `gone`: it no longer existed; `busy`: its state forbids deleting it now
 * (attached again, say), so a later pass may try again.
 */
export type DeleteOutcome =
  { readonly result: 'deleted' } | { readonly result: 'gone' } | { readonly result: 'busy'; readonly reason: string };

/** The EC2 calls the teardown makes; a fake stands in for it in unit tests. */
export interface Ec2Resources {
  /** Every volume carrying this tag with this value. */
  listVolumes(tag: OwnershipTag): Promise<VolumeRecord[]>;
  /** Every network interface in the VPC carrying this tag with this value. */
  listNetworkInterfaces(vpcId: string, tag: OwnershipTag): Promise<NetworkInterfaceRecord[]>;
  deleteVolume(volumeId: string): Promise<DeleteOutcome>;
  deleteNetworkInterface(networkInterfaceId: string): Promise<DeleteOutcome>;
}

const NOT_FOUND = new Set(['InvalidVolume.NotFound', 'InvalidNetworkInterfaceID.NotFound']);
const BUSY = new Set(['VolumeInUse', 'IncorrectState', 'InvalidNetworkInterface.InUse']);

/** Options for the SDK-backed implementation. */
export interface Ec2ResourcesOptions {
  /** Results per Describe page; EC2 allows 5 to 500 for volumes, 5 to 1000 for network interfaces. */
  readonly pageSize?: number;
}

/**
 * Ec2Resources over an SDK client. Describe calls are paginated and filtered on the server by one exact
 * tag (`tag:<key>` = value): one call per tag rather than one `tag-key` filter listing several keys,
 * whose any-of semantics some EC2 emulators get wrong.
 */
export function ec2Resources(client: EC2Client, options: Ec2ResourcesOptions = {}): Ec2Resources {
  const pageSize = options.pageSize ?? 200;
  return {
    async listVolumes(tag) {
      const volumes: VolumeRecord[] = [];
      const filters: Filter[] = [tagFilter(tag)];
      for await (const page of paginateDescribeVolumes({ client, pageSize }, { Filters: filters })) {
        for (const volume of page.Volumes ?? []) volumes.push(toVolumeRecord(volume));
      }
      return volumes;
    },

    async listNetworkInterfaces(vpcId, tag) {
      const interfaces: NetworkInterfaceRecord[] = [];
      const filters: Filter[] = [{ Name: 'vpc-id', Values: [vpcId] }, tagFilter(tag)];
      for await (const page of paginateDescribeNetworkInterfaces({ client, pageSize }, { Filters: filters })) {
        for (const eni of page.NetworkInterfaces ?? []) interfaces.push(toNetworkInterfaceRecord(eni));
      }
      return interfaces;
    },

    deleteVolume(volumeId) {
      return classify(() => client.send(new DeleteVolumeCommand({ VolumeId: volumeId })));
    },

    deleteNetworkInterface(networkInterfaceId) {
      return classify(() => client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: networkInterfaceId })));
    },
  };
}

/** Raised for a delete the caller cannot fix by waiting (no permission, say). */
export class DeleteFailedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'DeleteFailedError';
  }
}

async function classify(call: () => Promise<unknown>): Promise<DeleteOutcome> {
  try {
    await call();
    return { result: 'deleted' };
  } catch (err) {
    const code = errorCode(err);
    const message = (err as { message?: unknown }).message;
    const text = `${code}: ${typeof message === 'string' ? message : String(err)}`;
    if (NOT_FOUND.has(code)) return { result: 'gone' };
    if (BUSY.has(code)) return { result: 'busy', reason: text };
    throw new DeleteFailedError(text, code);
  }
}

function tagFilter(tag: OwnershipTag): Filter {
  return { Name: `tag:${tag.key}`, Values: [tag.value] };
}

function errorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'Unknown';
  const { name, Code } = err as { name?: unknown; Code?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' ? name : 'Unknown';
}

function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const { Key, Value } of tags ?? []) {
    if (Key !== undefined) map[Key] = Value ?? '';
  }
  return map;
}

function toVolumeRecord(volume: Volume): VolumeRecord {
  return {
    id: volume.VolumeId ?? '',
    state: volume.State ?? 'unknown',
    tags: tagMap(volume.Tags),
    attachedTo: (volume.Attachments ?? []).flatMap((a) => (a.InstanceId === undefined ? [] : [a.InstanceId])),
  };
}

function toNetworkInterfaceRecord(eni: NetworkInterface): NetworkInterfaceRecord {
  return {
    id: eni.NetworkInterfaceId ?? '',
    status: eni.Status ?? 'unknown',
    vpcId: eni.VpcId ?? '',
    tags: tagMap(eni.TagSet),
    ...(eni.Attachment === undefined
      ? {}
      : {
          attachment: {
            ...(eni.Attachment.AttachmentId === undefined ? {} : { id: eni.Attachment.AttachmentId }),
            ...(eni.Attachment.InstanceId === undefined ? {} : { instanceId: eni.Attachment.InstanceId }),
          },
        }),
    requesterManaged: eni.RequesterManaged === true,
    ...(eni.Description ? { description: eni.Description } : {}),
  };
}
