import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseResourceProperties, physicalResourceId } from './properties';
import { teardown, type TeardownDependencies } from './teardown';

/** What the CDK Provider framework expects back from onEvent. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
}

/**
 * The onEvent handler, given clients made once per cold start. Every request type validates the
 * properties first, so a bad wiring fails `cdk deploy` rather than the end-of-day destroy; only Delete
 * calls AWS.
 */
export function createOnEventHandler(deps: TeardownDependencies) {
  return async (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
    const props = parseResourceProperties(event.ResourceProperties);
    if (event.RequestType !== 'Delete') {
      const id = physicalResourceId(props);
      deps.log({ event: 'no-op', requestType: event.RequestType, physicalResourceId: id });
      return { PhysicalResourceId: id };
    }
    await teardown(props, deps);
    return { PhysicalResourceId: event.PhysicalResourceId };
  };
}
