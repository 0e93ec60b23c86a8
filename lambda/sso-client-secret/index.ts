/** onEvent handler of the SSO client-secret copy (CDK Provider framework); see on-event.ts. */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createOnEventHandler, type OnEventResponse } from './on-event';

const onEvent = createOnEventHandler({
  cognito: new CognitoIdentityProviderClient({}),
  secretsManager: new SecretsManagerClient({}),
  log: (message) => console.log(message),
});

export async function handler(event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> {
  return onEvent(event);
}
