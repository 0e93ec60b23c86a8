/**
 * onEvent handler of the tenants custom resource (CDK Provider framework, constructs/tenants-reconciler.ts):
 * makes LiteLLM's teams and virtual keys match `ResourceProperties.DesiredTenants` and writes each new key
 * straight into its consumer's secret.
 *
 * Environment: LITELLM_URL (`http://<internal load balancer>:<port>`), MASTER_KEY_SECRET_ARN (JSON
 * `{"value": ...}`, the key being `sk-<value>`), READINESS_TIMEOUT_SECONDS (how long to wait for LiteLLM).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { masterKeyReader } from '../tenants/master-key';
import { createOnEventHandler, type OnEventResponse } from './on-event';

/** The environment, checked once per cold start; a bad value fails every event with the variable's name. */
export function readEnvironment(env: NodeJS.ProcessEnv): { litellmUrl: string; masterKeySecretArn: string; readinessTimeoutMs: number } {
  const problems: string[] = [];
  const litellmUrl = env.LITELLM_URL ?? '';
  if (!/^https?:\/\/[^/\s]+$/.test(litellmUrl)) problems.push(`LITELLM_URL: expected http://host:port, got "${litellmUrl}"`);
  const masterKeySecretArn = env.MASTER_KEY_SECRET_ARN ?? '';
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(masterKeySecretArn)) {
    problems.push(`MASTER_KEY_SECRET_ARN: expected a Secrets Manager secret ARN, got "${masterKeySecretArn}"`);
  }
  const seconds = Number(env.READINESS_TIMEOUT_SECONDS);
  if (!Number.isInteger(seconds) || seconds < 1) {
    problems.push(`READINESS_TIMEOUT_SECONDS: expected a whole number of seconds, got "${env.READINESS_TIMEOUT_SECONDS ?? ''}"`);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return { litellmUrl, masterKeySecretArn, readinessTimeoutMs: seconds * 1000 };
}

let onEvent: ((event: CloudFormationCustomResourceEvent, remainingMs?: number) => Promise<OnEventResponse>) | undefined;

export async function handler(event: CloudFormationCustomResourceEvent, context?: Context): Promise<OnEventResponse> {
  // Built once per cold start; clients and the cached master key are reused by warm invocations.
  if (!onEvent) {
    const config = readEnvironment(process.env);
    const secretsManager = new SecretsManagerClient({});
    onEvent = createOnEventHandler({
      secretsManager,
      litellmUrl: config.litellmUrl,
      masterKey: masterKeyReader(secretsManager, config.masterKeySecretArn),
      readiness: { timeoutMs: config.readinessTimeoutMs, intervalMs: 10_000 },
      callTimeoutMs: 15_000,
      log: (line) => console.log(line),
    });
  }
  return onEvent(event, context?.getRemainingTimeInMillis());
}
