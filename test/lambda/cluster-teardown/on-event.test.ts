import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createOnEventHandler } from '../../../lambda/cluster-teardown/on-event';
import { InvalidPropertiesError } from '../../../lambda/cluster-teardown/properties';
import { FakeClock, FakeEc2 } from './fakes';

const PROPERTIES = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ClusterName: 'dev',
  VpcId: 'vpc-0aaaaaaaaaaaaaaaa',
  Mode: 'network',
  DeleteOrphans: 'true',
  TimeoutSeconds: '60',
};

let ec2: FakeEc2;
let logs: Record<string, unknown>[];
let stackStatus: string;
let statusLookups: string[];

beforeEach(() => {
  ec2 = new FakeEc2();
  logs = [];
  stackStatus = 'DELETE_IN_PROGRESS';
  statusLookups = [];
});

function onEvent() {
  return createOnEventHandler({
    ec2,
    stackStatus: (stackId) => {
      statusLookups.push(stackId);
      return Promise.resolve(stackStatus);
    },
    clock: new FakeClock(),
    log: (entry) => logs.push(entry),
    pollIntervalMs: 15_000,
    recheckAfterDeleteMs: 2_000,
  });
}

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown> = PROPERTIES,
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: PROPERTIES.ServiceToken,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/cluster/guid',
    RequestId: 'request-1',
    LogicalResourceId: 'ClusterTeardown',
    ResourceType: 'Custom::ClusterTeardown',
    ResourceProperties: { ServiceToken: PROPERTIES.ServiceToken, ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: 'teardown-dev-network',
      OldResourceProperties: common.ResourceProperties,
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'teardown-dev-network' };
}

describe('onEvent', () => {
  test.each(['Create', 'Update'] as const)('%s makes no AWS call and returns a stable physical id', async (requestType) => {
    // GIVEN resources that a Delete would remove
    ec2.addInterface('eni-1', 'available', PROPERTIES.VpcId, { 'eks:eks-cluster-name': 'dev' });

    // WHEN
    const response = await onEvent()(event(requestType));

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'teardown-dev-network' });
    expect(ec2.calls).toEqual([]);
    expect(logs).toEqual([{ event: 'no-op', requestType, physicalResourceId: 'teardown-dev-network' }]);
  });

  test('Delete tears down and answers with the physical id it was given', async () => {
    ec2.addInterface('eni-1', 'available', PROPERTIES.VpcId, { 'eks:eks-cluster-name': 'dev' });

    const response = await onEvent()(event('Delete'));

    expect(response).toEqual({ PhysicalResourceId: 'teardown-dev-network' });
    expect(ec2.deletes).toEqual(['deleteNetworkInterface eni-1']);
  });

  test.each(['UPDATE_ROLLBACK_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_IN_PROGRESS'])(
    'Delete during %s leaves the live cluster alone',
    async (status) => {
      // GIVEN the resource is removed by a rollback or replacement, not a destroy
      stackStatus = status;
      ec2.addInterface('eni-1', 'available', PROPERTIES.VpcId, { 'eks:eks-cluster-name': 'dev' });

      // WHEN
      const response = await onEvent()(event('Delete'));

      // THEN nothing is looked at or deleted
      expect(response).toEqual({ PhysicalResourceId: 'teardown-dev-network' });
      expect(statusLookups).toEqual(['arn:aws:cloudformation:us-east-1:123456789012:stack/cluster/guid']);
      expect(ec2.calls).toEqual([]);
      expect(logs).toEqual([expect.objectContaining({ event: 'skipped', stackStatus: status })]);
    },
  );

  test('Delete while a failed create rolls back tears down', async () => {
    stackStatus = 'ROLLBACK_IN_PROGRESS';
    ec2.addInterface('eni-1', 'available', PROPERTIES.VpcId, { 'eks:eks-cluster-name': 'dev' });
    await onEvent()(event('Delete'));
    expect(ec2.deletes).toEqual(['deleteNetworkInterface eni-1']);
  });

  test.each(['Create', 'Update', 'Delete'] as const)('%s rejects invalid properties before any AWS call', async (requestType) => {
    const result = onEvent()(event(requestType, { ...PROPERTIES, Mode: 'everything', TimeoutSeconds: '900' }));

    await expect(result).rejects.toThrow(InvalidPropertiesError);
    await expect(result).rejects.toThrow('Mode: must be "volumes" or "network"');
    await expect(result).rejects.toThrow('TimeoutSeconds: must be at most 840');
    expect(ec2.calls).toEqual([]);
  });

  test('Delete fails with the listing when resources stay', async () => {
    ec2.addInterface('eni-1', 'in-use', PROPERTIES.VpcId, { 'eks:eks-cluster-name': 'dev' }, { attachment: { instanceId: 'i-1' } });

    await expect(onEvent()(event('Delete'))).rejects.toThrow(
      'network interface eni-1: in-use; attached to i-1; matched eks:eks-cluster-name=dev; never deleted while attached',
    );
  });
});
