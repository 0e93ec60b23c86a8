import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Reads a secret's SecretString; errors name the secret, never its value. */
export async function readSecretString(client: SecretsManagerClient, secretArn: string): Promise<string> {
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn })));
  } catch (err) {
    const { name, message } = err as Error;
    throw new Error(`Could not read secret ${secretArn}: ${name}: ${message}`, { cause: err });
  }
  if (secretString === undefined) {
    throw new Error(`Secret ${secretArn} has no SecretString; expected JSON written by Secrets Manager or RDS`);
  }
  return secretString;
}
