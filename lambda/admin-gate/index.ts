/** The workforce pool's admin gate (pre-token-generation trigger); see handler.ts. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { clientNameLookup } from './client-names';
import { createHandler } from './handler';
import { parseGateEnvironment } from './environment';

// Created once per cold start. A bad environment throws on every invocation, so every gated sign-in is refused.
const gate = (() => {
  try {
    return createHandler({
      rule: parseGateEnvironment(process.env),
      clientName: clientNameLookup(new CognitoIdentityProviderClient({})),
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
