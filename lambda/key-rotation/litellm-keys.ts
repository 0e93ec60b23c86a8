import { createHash } from 'node:crypto';
import { LITELLM_KEY_HEADER } from '../../lib/shared/litellm';
import { redact } from './redact';

/**
 * The part of a LiteLLM key the rotation reads and copies onto the successor (fields of `/key/info`'s
 * `info`, facts in test/contracts/secrets-manager-rotation.test.ts).
 */
export interface KeyRecord {
  readonly key_alias?: string | null;
  readonly team_id?: string | null;
  readonly models?: readonly string[] | null;
  readonly max_budget?: number | null;
  readonly budget_duration?: string | null;
  readonly tpm_limit?: number | null;
  readonly rpm_limit?: number | null;
  readonly max_parallel_requests?: number | null;
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  /** ISO date-time, or null for a key that never expires. */
  readonly expires?: string | null;
}

/** The LiteLLM admin calls of a rotation. Keys are passed raw; the adapter decides where they may travel. */
export interface RotationLiteLlm {
  /** The key's record, or undefined when LiteLLM does not know it. */
  keyInfo(key: string): Promise<KeyRecord | undefined>;
  renameKey(key: string, alias: string): Promise<void>;
  /** From now on the key works `seconds` more, then LiteLLM refuses it as expired. */
  expireKeyIn(key: string, seconds: number): Promise<void>;
  /** Keys holding this alias (at most one: LiteLLM keeps aliases unique), each with its hash as `token`. */
  keysWithAlias(alias: string): Promise<(KeyRecord & { readonly token: string })[]>;
  /** Deletes a key given by its hash. */
  deleteKey(hash: string): Promise<void>;
  /** A key with this exact value and alias, and the team, models, limits and metadata of `like`. */
  issueKey(key: string, alias: string, like: KeyRecord): Promise<void>;
  /** Resolves when LiteLLM accepts the key as a caller presents it; rejects with LiteLLM's reason otherwise. */
  authenticate(key: string): Promise<void>;
}

/** LiteLLM answered a call with an error status; the message is redacted. */
export class LiteLlmCallError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    detail: string,
  ) {
    super(`LiteLLM ${call} answered ${status}: ${redact(detail).slice(0, 500)}`);
    this.name = 'LiteLlmCallError';
  }
}

/** LiteLLM's `hash_token`: SHA-256 of the key, hex. Lets a key be named in a URL without its value. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface HttpLiteLlmProps {
  readonly baseUrl: string;
  readonly masterKey: () => Promise<string>;
  readonly fetch?: typeof fetch;
  /** One call, response body included. */
  readonly timeoutMs?: number;
}

/**
 * LiteLLM's admin API over HTTP with the master key. A raw key travels only in JSON bodies and in the key
 * header of the authentication check, never in a URL (access logs record URLs).
 */
export function httpLiteLlm(props: HttpLiteLlmProps): RotationLiteLlm {
  const doFetch = props.fetch ?? fetch;
  const timeoutMs = props.timeoutMs ?? 10_000;

  async function call(path: string, init: { method: string; body?: unknown; key?: string }): Promise<{ status: number; body: unknown }> {
    const key = init.key ?? (await props.masterKey());
    const response = await doFetch(`${props.baseUrl}${path}`, {
      method: init.method,
      headers: { [LITELLM_KEY_HEADER]: key, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    return { status: response.status, body };
  }

  async function ok(name: string, path: string, body: unknown): Promise<void> {
    const res = await call(path, { method: 'POST', body });
    if (res.status < 200 || res.status > 299) throw new LiteLlmCallError(name, res.status, errorText(res.body));
  }

  return {
    async keyInfo(key) {
      const res = await call(`/key/info?key=${keyHash(key)}`, { method: 'GET' });
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new LiteLlmCallError('GET /key/info', res.status, errorText(res.body));
      const info = (res.body as { info?: KeyRecord }).info;
      if (!info || typeof info !== 'object') throw new LiteLlmCallError('GET /key/info', res.status, 'no info in the answer');
      return info;
    },
    async keysWithAlias(alias) {
      const res = await call(`/key/list?key_alias=${encodeURIComponent(alias)}&return_full_object=true&size=100`, { method: 'GET' });
      if (res.status !== 200) throw new LiteLlmCallError('GET /key/list', res.status, errorText(res.body));
      const keys = (res.body as { keys?: unknown }).keys;
      if (!Array.isArray(keys)) throw new LiteLlmCallError('GET /key/list', res.status, 'no keys in the answer');
      return (keys as (KeyRecord & { token?: unknown })[]).filter(
        (k): k is KeyRecord & { token: string } => typeof k?.token === 'string' && k.key_alias === alias,
      );
    },
    renameKey: (key, alias) => ok('POST /key/update', '/key/update', { key, key_alias: alias }),
    deleteKey: (hash) => ok('POST /key/delete', '/key/delete', { keys: [hash] }),
    expireKeyIn: (key, seconds) => ok('POST /key/update', '/key/update', { key, duration: `${seconds}s` }),
    issueKey: (key, alias, like) => ok('POST /key/generate', '/key/generate', { ...successorFields(like), key, key_alias: alias }),
    async authenticate(key) {
      // The cheapest authenticated route a client uses: no model call, no spend.
      const res = await call('/v1/models', { method: 'GET', key });
      if (res.status !== 200) throw new LiteLlmCallError('GET /v1/models', res.status, errorText(res.body));
    },
  };
}

/** What the successor copies: team, models, budget and limits, metadata (the managed-by marker with it). */
export function successorFields(like: KeyRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    team_id: like.team_id,
    models: like.models,
    max_budget: like.max_budget,
    budget_duration: like.budget_duration,
    tpm_limit: like.tpm_limit,
    rpm_limit: like.rpm_limit,
    max_parallel_requests: like.max_parallel_requests,
    metadata: like.metadata,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
}

function errorText(body: unknown): string {
  if (typeof body === 'string') return body;
  const b = body as { error?: { message?: unknown }; detail?: unknown };
  const message = b?.error?.message ?? b?.detail ?? body;
  return typeof message === 'string' ? message : JSON.stringify(message);
}
