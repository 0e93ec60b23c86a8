/**
 * onEvent handler of the database bootstrap custom resource (CDK Provider framework).
 * Creates one database and one login role per application in Aurora PostgreSQL.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createOnEventHandler, type OnEventResponse } from './on-event';

// Created once per cold start and reused by warm invocations.
const onEvent = createOnEventHandler({
  secretsManager: new SecretsManagerClient({}),
  // The construct sets NODE_EXTRA_CA_CERTS to the RDS CA bundle in the Lambda runtime.
  ssl: { rejectUnauthorized: true },
  // An auto-paused Aurora Serverless v2 cluster takes seconds to tens of seconds to resume.
  retry: { timeoutMs: 120_000, initialDelayMs: 1_000, maxDelayMs: 15_000 },
  connectionTimeoutMs: 10_000,
  log: (message) => console.log(message),
});

export async function handler(event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> {
  return onEvent(event);
}
