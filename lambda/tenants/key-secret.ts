/**
 * A consumer's key secret: `{"virtualKey":"sk-..."}`, the form the authorizer reads
 * (lambda/authorizer/virtual-key-secret.ts, whose parser is reused here so writer and reader cannot drift).
 * Values are returned to the caller and never logged or put into an error message.
 */
import { GetSecretValueCommand, PutSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomBytes } from 'node:crypto';
import { parseVirtualKeySecret, VIRTUAL_KEY_PATTERN } from '../authorizer/virtual-key-secret';

export { parseVirtualKeySecret };

export type SecretStage = 'AWSCURRENT' | 'AWSPENDING';

/** Not there: no value yet (a secret the stack created empty), or no version in that stage. */
function isMissingValue(err: unknown): boolean {
  return (err as { name?: string }).name === 'ResourceNotFoundException';
}

/**
 * The key in the secret's `stage` version; undefined when the secret has no such version or holds anything
 * that is not a virtual key (the reconciler then issues a fresh key and overwrites it).
 */
export async function readConsumerKey(
  sm: SecretsManagerClient,
  secretArn: string,
  stage: SecretStage = 'AWSCURRENT',
): Promise<string | undefined> {
  try {
    const out = await sm.send(new GetSecretValueCommand({ SecretId: secretArn, VersionStage: stage }));
    return parseVirtualKeySecret(out.SecretString);
  } catch (err) {
    if (isMissingValue(err)) return undefined;
    throw new Error(`could not read ${stage} of ${secretArn}: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  }
}

/** Stores the key as the secret's new AWSCURRENT version. */
export async function writeConsumerKey(sm: SecretsManagerClient, secretArn: string, key: string): Promise<void> {
  try {
    await sm.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: keySecretString(key) }));
  } catch (err) {
    throw new Error(`could not write ${secretArn}: ${(err as Error).name}: ${(err as Error).message}`, { cause: err });
  }
}

/** The secret's value for a key. */
export function keySecretString(key: string): string {
  return JSON.stringify({ virtualKey: key });
}

/**
 * A new virtual key, drawn here (32 random bytes, URL-safe base64, behind the `sk-` LiteLLM requires of a
 * caller-chosen key) so that what LiteLLM stores is exactly what the authorizer will accept.
 */
export function newVirtualKey(random: (size: number) => Buffer = randomBytes): string {
  const key = `sk-${random(32).toString('base64url')}`;
  if (!VIRTUAL_KEY_PATTERN.test(key)) throw new Error('a drawn key does not match the virtual key pattern');
  return key;
}
