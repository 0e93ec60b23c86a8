import { randomBytes } from 'node:crypto';
import { VIRTUAL_KEY_PATTERN, parseVirtualKeySecret } from '../authorizer/virtual-key-secret';

/** The authorizer reads exactly what is written here (lambda/authorizer/virtual-key-secret.ts). */
export { parseVirtualKeySecret };

/**
 * A new virtual key, chosen here rather than by LiteLLM so it is stored (AWSPENDING) before LiteLLM ever
 * sees it: a retry can always find the key it is about to issue, and no issued key is ever lost.
 * 32 random bytes, URL-safe base64, behind the `sk-` LiteLLM requires of a caller-chosen key.
 */
export function newVirtualKey(random: (size: number) => Buffer = randomBytes): string {
  const key = `sk-${random(32).toString('base64url')}`;
  if (!VIRTUAL_KEY_PATTERN.test(key)) throw new Error('generated key does not match the virtual key pattern');
  return key;
}

/** The secret's value: `{"virtualKey":"sk-..."}`. */
export function keySecretString(key: string): string {
  return JSON.stringify({ virtualKey: key });
}
