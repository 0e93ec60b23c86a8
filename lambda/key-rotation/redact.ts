/**
 * Keys never reach a log line or an error message. LiteLLM echoes keys in some error bodies (an unknown key
 * in `/key/regenerate`, abbreviated ones in auth errors), so anything that leaves the function passes here.
 */

/** A LiteLLM virtual key or master key as it could appear inside free text. */
const KEY_IN_TEXT = /sk-[A-Za-z0-9_-]{4,}/g;

export const REDACTED = 'sk-[redacted]';

/** Replaces every `sk-...` run, and each of `known` (exact secret values of any shape), with a marker. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out.replace(KEY_IN_TEXT, REDACTED);
}

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** One JSON line per event; values are redacted, so a key passed by mistake still does not leak. */
export type Log = (event: string, fields?: LogFields) => void;

export function jsonLog(write: (line: string) => void, known: () => readonly string[] = () => []): Log {
  return (event, fields = {}) => write(redact(JSON.stringify({ event, ...fields }), known()));
}

/** An error safe to throw out of the handler (Lambda logs its message and stack). */
export function redactedError(err: unknown, known: readonly string[] = []): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  const safe = new Error(redact(e.message, known));
  safe.name = e.name;
  safe.stack = redact(e.stack ?? `${e.name}: ${e.message}`, known);
  return safe;
}
