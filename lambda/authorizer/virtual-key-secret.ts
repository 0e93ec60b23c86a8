import * as z from 'zod/mini';

/** LiteLLM virtual keys are `sk-` plus URL-safe base64; nothing that could break out of a header. */
export const VIRTUAL_KEY_PATTERN = /^sk-[A-Za-z0-9_-]{8,256}$/;

const jsonSecret = z.strictObject({ virtualKey: z.string().check(z.regex(VIRTUAL_KEY_PATTERN)) });

/**
 * A client's secret holds either the bare key (`sk-...`) or `{ "virtualKey": "sk-..." }`.
 * Anything else returns undefined: the caller fails closed rather than forwarding a doubtful value.
 */
export function parseVirtualKeySecret(secretString: string | undefined): string | undefined {
  if (secretString === undefined) return undefined;
  if (VIRTUAL_KEY_PATTERN.test(secretString)) return secretString;
  if (!secretString.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    return undefined;
  }
  const parsed = jsonSecret.safeParse(json);
  return parsed.success ? parsed.data.virtualKey : undefined;
}
