import { createHash } from 'node:crypto';

/** Pod-template annotation whose value changes whenever a mounted config file changes. */
export const CONFIG_CHECKSUM_ANNOTATION = 'platform.genai/config-checksum';

/** sha256 over files in name order, so the result does not depend on object key order. */
export function configChecksum(files: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) {
    hash
      .update(name)
      .update('\0')
      .update(files[name] ?? '')
      .update('\0');
  }
  return hash.digest('hex');
}
