/** The workforce pool's admin gate (pre-token-generation trigger); see handler.ts. */
import { SSMClient } from '@aws-sdk/client-ssm';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { clientRegistrySource } from './client-registry';
import { createHandler } from './handler';
import { parseGateEnvironment } from './environment';

/** Reuse of a good registry read; a deployment that replaces a client is seen within a minute. */
const REGISTRY_TTL_MS = 60_000;

// Created once per cold start. A bad environment throws on every invocation, so every sign-in is refused.
const gate = (() => {
  try {
    const env = parseGateEnvironment(process.env);
    // Two attempts at most: Cognito gives the whole trigger five seconds.
    const ssm = new SSMClient({ maxAttempts: 2 });
    return createHandler({
      rule: { adminGroup: env.adminGroup },
      clients: clientRegistrySource(ssm, env.clientRegistryParameter, { ttlMs: REGISTRY_TTL_MS, now: Date.now }),
      log: (message) => console.log(message),
    });
  } catch (err) {
    const message = (err as Error).message;
    return (): Promise<never> => Promise.reject(new Error(`admin gate misconfigured: ${message}`));
  }
})();

export async function handler(event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> {
  return gate(event);
}
