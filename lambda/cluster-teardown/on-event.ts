import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseResourceProperties, physicalResourceId } from './properties';
import { TEARDOWN_STACK_STATUSES, type StackStatusReader } from './stack-status';
import { teardown, type TeardownDependencies } from './teardown';

export interface OnEventDependencies extends TeardownDependencies {
  /** Status of the stack holding the resource, to tell a real teardown from a rollback or replacement. */
  readonly stackStatus: StackStatusReader;
}

/** What the CDK Provider framework expects back from onEvent. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
}

/**
 * The onEvent handler, given clients made once per cold start. Every request type validates the
 * properties first, so a bad wiring fails `cdk deploy` rather than the end-of-day destroy; only Delete
 * calls AWS.
 */
export function createOnEventHandler(deps: OnEventDependencies) {
  return async (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
    const props = parseResourceProperties(event.ResourceProperties);
    if (event.RequestType !== 'Delete') {
      const id = physicalResourceId(props);
      deps.log({ event: 'no-op', requestType: event.RequestType, physicalResourceId: id });
      return { PhysicalResourceId: id };
    }
    const status = await deps.stackStatus(event.StackId);
    if (!TEARDOWN_STACK_STATUSES.has(status)) {
      deps.log({
        event: 'skipped',
        reason: 'stack is not being deleted',
        stackStatus: status,
        physicalResourceId: event.PhysicalResourceId,
      });
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    await teardown(props, deps);
    return { PhysicalResourceId: event.PhysicalResourceId };
  };
}
