import { DescribeUserPoolClientCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ResourceNotFoundException,
  RestoreSecretCommand,
  UpdateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** What the CDK Provider framework expects back; Data holds the secret's ARN only, never its value. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly SecretArn: string };
}

export interface CopyDependencies {
  readonly cognito: CognitoIdentityProviderClient;
  readonly secretsManager: SecretsManagerClient;
  readonly log: (message: string) => void;
}

interface CopyProperties {
  readonly UserPoolId: string;
  readonly ClientId: string;
  readonly SecretName: string;
  readonly KmsKeyId: string;
  readonly Description: string;
  /** 'true': the secret is deleted (without recovery window) with the resource, so tomorrow's stack can reuse the name. */
  readonly DeleteWithStack: string;
}

const REQUIRED = ['UserPoolId', 'ClientId', 'SecretName', 'KmsKeyId', 'Description', 'DeleteWithStack'] as const;

/**
 * Keeps a Cognito app client's secret in a Secrets Manager secret of a fixed name (plain text), on create and on every
 * update (a replaced client has a new id and a new secret). The function owns the secret rather than CloudFormation:
 * a deleted secret keeps its name through a recovery window, so a secret CloudFormation deleted in the evening would
 * block the same name the next morning; this one is deleted without recovery (ephemeral environments), and one found
 * scheduled for deletion is restored and overwritten. Logs and errors name the client and the secret, never the value.
 */
export function createOnEventHandler(deps: CopyDependencies) {
  return async (event: CloudFormationCustomResourceEvent): Promise<OnEventResponse> => {
    const props = parseProperties(event.ResourceProperties);
    if (event.RequestType === 'Delete') {
      if (props.DeleteWithStack === 'true') {
        await ignoreMissing(
          deps.secretsManager.send(new DeleteSecretCommand({ SecretId: props.SecretName, ForceDeleteWithoutRecovery: true })),
        );
        deps.log(`Delete: deleted ${props.SecretName} without recovery window`);
      } else {
        deps.log(`Delete: kept ${props.SecretName}`);
      }
      return { PhysicalResourceId: event.PhysicalResourceId };
    }

    const { UserPoolClient: client } = await deps.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: props.UserPoolId, ClientId: props.ClientId }),
    );
    const value = client?.ClientSecret;
    if (!value) throw new Error(`app client ${props.ClientId} of ${props.UserPoolId} has no client secret (create it with generateSecret)`);

    const existing = await ignoreMissing(deps.secretsManager.send(new DescribeSecretCommand({ SecretId: props.SecretName })));
    let arn: string | undefined;
    if (existing === undefined) {
      ({ ARN: arn } = await deps.secretsManager.send(
        new CreateSecretCommand({ Name: props.SecretName, KmsKeyId: props.KmsKeyId, Description: props.Description, SecretString: value }),
      ));
    } else {
      if (existing.DeletedDate !== undefined) await deps.secretsManager.send(new RestoreSecretCommand({ SecretId: props.SecretName }));
      // Also moves the secret to this environment's key: yesterday's key may be pending deletion.
      ({ ARN: arn } = await deps.secretsManager.send(
        new UpdateSecretCommand({
          SecretId: props.SecretName,
          KmsKeyId: props.KmsKeyId,
          Description: props.Description,
          SecretString: value,
        }),
      ));
    }
    if (!arn) throw new Error(`Secrets Manager returned no ARN for ${props.SecretName}`);
    deps.log(
      `${event.RequestType}: ${existing === undefined ? 'created' : existing.DeletedDate !== undefined ? 'restored and updated' : 'updated'} ` +
        `${props.SecretName} from app client ${props.ClientId}`,
    );
    return { PhysicalResourceId: props.SecretName, Data: { SecretArn: arn } };
  };
}

function parseProperties(input: Record<string, unknown>): CopyProperties {
  const missing = REQUIRED.filter((k) => typeof input[k] !== 'string' || input[k] === '');
  if (missing.length > 0) throw new Error(`ResourceProperties: ${missing.join(', ')} required (non-empty strings)`);
  return input as unknown as CopyProperties;
}

/** The call's result, or undefined when the secret does not exist. */
async function ignoreMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ResourceNotFoundException || (err as Error).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}
