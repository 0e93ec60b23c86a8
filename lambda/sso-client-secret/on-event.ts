import { DescribeUserPoolClientCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** What the CDK Provider framework expects back; no Data, so the secret never reaches CloudFormation. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
}

export interface CopyDependencies {
  readonly cognito: CognitoIdentityProviderClient;
  readonly secretsManager: SecretsManagerClient;
  readonly log: (message: string) => void;
}

interface CopyProperties {
  readonly UserPoolId: string;
  readonly ClientId: string;
  readonly SecretArn: string;
}

/**
 * Copies a Cognito app client's secret into a Secrets Manager secret (plain text), on create and on every update (a
 * replaced client has a new id and a new secret). Delete does nothing: the secret belongs to the stack.
 * Logs and errors name the client and the secret, never the value.
 */
export function createOnEventHandler(deps: CopyDependencies) {
  return async (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
    const props = parseProperties(event.ResourceProperties);
    const { UserPoolClient: client } = await deps.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: props.UserPoolId, ClientId: props.ClientId }),
    );
    const secret = client?.ClientSecret;
    if (!secret)
      throw new Error(`app client ${props.ClientId} of ${props.UserPoolId} has no client secret (create it with generateSecret)`);
    await deps.secretsManager.send(new PutSecretValueCommand({ SecretId: props.SecretArn, SecretString: secret }));
    deps.log(`${event.RequestType}: copied the secret of app client ${props.ClientId} into ${props.SecretArn}`);
    // The client id: a new client is a new resource, and CloudFormation's cleanup of the old one is a no-op Delete.
    return { PhysicalResourceId: props.ClientId };
  };
}

function parseProperties(input: Record<string, unknown>): CopyProperties {
  const missing = (['UserPoolId', 'ClientId', 'SecretArn'] as const).filter((k) => typeof input[k] !== 'string' || input[k] === '');
  if (missing.length > 0) throw new Error(`ResourceProperties: ${missing.join(', ')} required (non-empty strings)`);
  return input as unknown as CopyProperties;
}
