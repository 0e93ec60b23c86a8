/**
 * onEvent handler of the cluster teardown custom resource (CDK Provider framework).
 * On Delete, waits until the EKS Auto Mode cluster's EBS volumes (mode "volumes") or network
 * interfaces (mode "network") are gone, deleting the detached ones, so `cdk destroy` leaves
 * nothing billable behind and the VPC can be deleted.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ec2Resources } from './ec2-resources';
import { createOnEventHandler, type OnEventResponse } from './on-event';
import { stackStatusReader } from './stack-status';

// Created once per cold start and reused by warm invocations.
const onEvent = createOnEventHandler({
  ec2: ec2Resources(new EC2Client({})),
  stackStatus: stackStatusReader(new CloudFormationClient({})),
  clock: {
    now: () => Date.now(),
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  },
  log: (entry) => console.log(JSON.stringify(entry)),
  pollIntervalMs: 15_000,
  recheckAfterDeleteMs: 2_000,
  // Set by the Lambda runtime; only used in the commands a timeout message suggests.
  region: process.env.AWS_REGION,
});

export async function handler(event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> {
  return onEvent(event);
}
