/**
 * A small typed client for the LiteLLM admin routes the tenants reconciler (and the key rotation) call, over
 * the runtime's global fetch. Request and response shapes follow test/contracts/litellm-admin.test.ts.
 *
 * Secrets stay out of everything this module produces: the master key travels only in the Authorization
 * header, a virtual key only in a JSON body (never in a URL: /key/info and /key/delete take its SHA-256
 * hash), and error messages are scrubbed of both before they leave.
 *
 * The server is not trusted either: a 2xx answer must have the success shape of its route (a 200 carrying an
 * error is a failure), /key/generate must store the key asked for, every body is read up to a size cap, /key/list
 * up to a page cap, and no call runs past the caller's deadline.
 */
import { createHash } from 'node:crypto';

/** LiteLLM's `hash_token`: SHA-256 of the key, hex. It is the `token` of every key LiteLLM lists. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The limits both teams and keys carry; `null` means "no limit" as LiteLLM stores it. */
export interface LiteLlmLimits {
  readonly max_budget?: number | null;
  readonly budget_duration?: string | null;
  readonly tpm_limit?: number | null;
  readonly rpm_limit?: number | null;
  readonly max_parallel_requests?: number | null;
}

/**
 * A team's or key's `object_permission`: the MCP servers it is granted, by server name or id
 * (test/contracts/litellm-mcp.test.ts).
 */
export interface LiteLlmObjectPermission {
  readonly mcp_servers?: readonly string[] | null;
}

/** A team as /team/list, /team/info and /team/new return it (the fields we read). */
export interface LiteLlmTeam extends LiteLlmLimits {
  readonly team_id: string;
  readonly team_alias?: string | null;
  readonly models?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  readonly blocked?: boolean;
  /** The team's permission row; null or absent: the team was never granted anything. */
  readonly object_permission_id?: string | null;
  /**
   * The grant itself. /team/info resolves it; /team/list and /team/new leave it null even when the team has one
   * (test/contracts/litellm-admin.test.ts), so with an object_permission_id it means "not read", not "none".
   */
  readonly object_permission?: LiteLlmObjectPermission | null;
}

/** A key as /key/list?return_full_object=true returns it: `token` is the key's hash, never the key. */
export interface LiteLlmKey extends LiteLlmLimits {
  readonly token: string;
  readonly key_alias?: string | null;
  readonly team_id?: string | null;
  readonly models?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>> | null;
  /** ISO date-time, or null for a key that never expires. */
  readonly expires?: string | null;
}

/** Body of POST /team/new. */
export interface NewTeamRequest extends LiteLlmLimits {
  readonly team_alias: string;
  readonly models: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly object_permission?: { readonly mcp_servers: readonly string[] };
}

/** Body of POST /team/update: the team and only the fields to change (metadata replaces the stored one). */
export interface UpdateTeamRequest extends LiteLlmLimits {
  readonly team_id: string;
  readonly team_alias?: string;
  readonly models?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Replaces the team's MCP grant. */
  readonly object_permission?: { readonly mcp_servers: readonly string[] };
}

/** Body of POST /key/generate; `key` is a caller-chosen value (must start with `sk-`). */
export interface GenerateKeyRequest extends LiteLlmLimits {
  readonly key?: string;
  readonly key_alias: string;
  readonly team_id?: string;
  readonly models?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Key lifetime (`30s`, `1h`, `30d`); absent: the key never expires. */
  readonly duration?: string;
}

/** What /key/generate answers; `key` is the only place a key value comes back, `token` its hash. */
export interface GeneratedKey {
  readonly key: string;
  readonly token: string;
  readonly key_alias?: string | null;
  readonly expires?: string | null;
}

/**
 * Body of POST /key/update. `key` is the key's value: the copies read look the row up by value or hash,
 * but write it back by what was sent, so only the value is safe (test/contracts/litellm-admin.test.ts).
 * `duration` sets `expires` to now + duration; `null` makes the key never expire.
 */
export interface UpdateKeyRequest extends LiteLlmLimits {
  readonly key: string;
  readonly key_alias?: string;
  readonly team_id?: string;
  readonly models?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly duration?: string | null;
}

/** /health/readiness: `db` is "connected" only once the proxy reached its database. */
export interface Readiness {
  readonly httpStatus: number;
  readonly status?: string;
  readonly db?: string;
}

/** An admin call failed: LiteLLM's status and message (scrubbed), or a transport error (status 0). */
export class LiteLlmAdminError extends Error {
  constructor(
    /** `METHOD /path`, no query string. */
    readonly route: string,
    /** HTTP status, or 0 when no answer came (timeout, connection refused). */
    readonly status: number,
    /** LiteLLM's `error.message` (or FastAPI's `detail`), secrets removed. */
    readonly liteLlmMessage: string,
  ) {
    super(`LiteLLM ${route} ${status === 0 ? 'failed' : `answered ${status}`}: ${liteLlmMessage}`);
    this.name = 'LiteLlmAdminError';
  }
}

/** One call as the client saw it, for run logs and call counts; never a body. */
export interface AdminCallRecord {
  readonly method: 'GET' | 'POST';
  readonly route: string;
  readonly status: number;
}

export interface LiteLlmAdminOptions {
  /** `http://host:port`, no trailing slash needed. */
  readonly baseUrl: string;
  /** The master key, or a function that reads it (called once, then cached). */
  readonly masterKey: string | (() => Promise<string>);
  /** Per call, body included. Default 10 s. */
  readonly timeoutMs?: number;
  /**
   * Epoch ms after which no call is sent and a call under way is cut off (the function's own deadline, less
   * a margin). @default none: each call has only timeoutMs
   */
  readonly deadline?: number;
  /** Largest answer body read, in bytes. @default MAX_BODY_BYTES */
  readonly maxBodyBytes?: number;
  /** Most /key/list pages followed. @default MAX_KEY_LIST_PAGES */
  readonly maxKeyListPages?: number;
  readonly fetch?: typeof fetch;
  /** Clock for the deadline. @default Date.now */
  readonly now?: () => number;
  /** Told about every call after it completes. */
  readonly onCall?: (call: AdminCallRecord) => void;
}

/** LiteLLM's page size ceiling on /key/list (`size` is validated `le=100`). */
export const KEY_LIST_PAGE_SIZE = 100;

/** 4 MiB: a /team/list of a few hundred teams with their keys; a function of 256 MB never holds more than this. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** 50 pages of 100: an environment's keys, rotated ones included, with room to spare. */
export const MAX_KEY_LIST_PAGES = 50;

/** The admin routes, each a typed method; see the interfaces above for the shapes. */
export class LiteLlmAdmin {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxKeyListPages: number;
  private readonly doFetch: typeof fetch;
  private readonly now: () => number;
  private masterKeyValue?: string;
  /** Every key value this client sent: scrubbed from every message like the master key. */
  private readonly handledKeys = new Set<string>();

  constructor(private readonly options: LiteLlmAdminOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
    this.maxKeyListPages = options.maxKeyListPages ?? MAX_KEY_LIST_PAGES;
    this.doFetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    if (typeof options.masterKey === 'string') this.masterKeyValue = options.masterKey;
  }

  /** GET /health/readiness (no key needed). Never throws for an HTTP answer; a transport error throws. */
  async readiness(): Promise<Readiness> {
    const { status, body } = await this.send('GET', '/health/readiness', undefined, { auth: false });
    const b = (typeof body === 'object' && body !== null ? body : {}) as { status?: unknown; db?: unknown };
    return {
      httpStatus: status,
      ...(typeof b.status === 'string' ? { status: b.status } : {}),
      ...(typeof b.db === 'string' ? { db: b.db } : {}),
    };
  }

  /** GET /team/list: every team, as one unpaginated array (proxy admin view). */
  async listTeams(): Promise<LiteLlmTeam[]> {
    const body = await this.ok('GET', '/team/list');
    if (!Array.isArray(body)) throw new LiteLlmAdminError('GET /team/list', 200, 'answer is not a list of teams');
    return body as LiteLlmTeam[];
  }

  /** GET /team/info: the team, or undefined when LiteLLM answers 404. */
  async teamInfo(teamId: string): Promise<LiteLlmTeam | undefined> {
    const res = await this.send('GET', `/team/info?team_id=${encodeURIComponent(teamId)}`);
    if (res.status === 404) return undefined;
    const body = this.check('GET /team/info', res) as { team_info?: LiteLlmTeam };
    if (!body?.team_info) throw new LiteLlmAdminError('GET /team/info', res.status, 'no team_info in the answer');
    return body.team_info;
  }

  /** POST /team/new: the created team (LiteLLM draws `team_id`). */
  async newTeam(request: NewTeamRequest): Promise<LiteLlmTeam> {
    const body = (await this.ok('POST', '/team/new', request)) as LiteLlmTeam;
    if (typeof body?.team_id !== 'string') throw new LiteLlmAdminError('POST /team/new', 200, 'no team_id in the answer');
    if (body.team_alias !== request.team_alias) {
      throw new LiteLlmAdminError('POST /team/new', 200, 'the answer names another team than the one asked for');
    }
    return body;
  }

  /** POST /team/update; LiteLLM answers `{team_id, data}` for the team it changed. */
  async updateTeam(request: UpdateTeamRequest): Promise<void> {
    const body = (await this.ok('POST', '/team/update', request)) as { team_id?: unknown; data?: unknown };
    if (body.team_id !== request.team_id || typeof body.data !== 'object' || body.data === null) {
      throw new LiteLlmAdminError('POST /team/update', 200, 'the answer is not the updated team');
    }
  }

  /** POST /team/delete: deletes the teams and every key bound to them. */
  async deleteTeams(teamIds: readonly string[]): Promise<void> {
    await this.ok('POST', '/team/delete', { team_ids: teamIds });
  }

  /** GET /key/list with full objects, every page. */
  async listKeys(filter: { readonly teamId?: string; readonly keyAlias?: string } = {}): Promise<LiteLlmKey[]> {
    const keys: LiteLlmKey[] = [];
    for (let page = 1; ; page++) {
      if (page > this.maxKeyListPages) {
        throw new LiteLlmAdminError(
          'GET /key/list',
          200,
          `still more keys after ${this.maxKeyListPages} pages of ${KEY_LIST_PAGE_SIZE}: refused to read on (raise maxKeyListPages if the environment really holds that many keys)`,
        );
      }
      const query = new URLSearchParams({ return_full_object: 'true', page: String(page), size: String(KEY_LIST_PAGE_SIZE) });
      if (filter.teamId !== undefined) query.set('team_id', filter.teamId);
      if (filter.keyAlias !== undefined) query.set('key_alias', filter.keyAlias);
      const body = (await this.ok('GET', `/key/list?${query.toString()}`)) as { keys?: unknown; total_pages?: unknown };
      if (!Array.isArray(body?.keys)) throw new LiteLlmAdminError('GET /key/list', 200, 'no keys in the answer');
      for (const k of body.keys as unknown[]) {
        if (typeof k !== 'object' || k === null || typeof (k as LiteLlmKey).token !== 'string') {
          throw new LiteLlmAdminError('GET /key/list', 200, 'a listed key has no token (was return_full_object honoured?)');
        }
        keys.push(k as LiteLlmKey);
      }
      const totalPages = typeof body.total_pages === 'number' ? body.total_pages : page;
      if (page >= totalPages || body.keys.length === 0) return keys;
    }
  }

  /** GET /key/info by the key's hash (the value never goes into a URL); undefined when LiteLLM answers 404. */
  async keyInfo(keyOrHash: string): Promise<Omit<LiteLlmKey, 'token'> | undefined> {
    const hash = keyOrHash.startsWith('sk-') ? keyHash(keyOrHash) : keyOrHash;
    const res = await this.send('GET', `/key/info?key=${hash}`);
    if (res.status === 404) return undefined;
    const body = this.check('GET /key/info', res) as { info?: LiteLlmKey };
    if (!body?.info) throw new LiteLlmAdminError('GET /key/info', res.status, 'no info in the answer');
    return body.info;
  }

  /** POST /key/generate; with a chosen `key`, the answer must hold exactly that key and its hash. */
  async generateKey(request: GenerateKeyRequest): Promise<GeneratedKey> {
    if (request.key !== undefined) this.handledKeys.add(request.key);
    const body = (await this.ok('POST', '/key/generate', request)) as GeneratedKey;
    if (typeof body?.key !== 'string' || typeof body.token !== 'string') {
      throw new LiteLlmAdminError('POST /key/generate', 200, 'no key or token in the answer');
    }
    this.handledKeys.add(body.key);
    if ((request.key !== undefined && body.key !== request.key) || body.token !== keyHash(body.key)) {
      throw new LiteLlmAdminError('POST /key/generate', 200, 'the answer holds another key than the one requested');
    }
    return body;
  }

  /** POST /key/update; LiteLLM answers the updated key's fields. */
  async updateKey(request: UpdateKeyRequest): Promise<void> {
    this.handledKeys.add(request.key);
    await this.ok('POST', '/key/update', request);
  }

  /** POST /key/delete by hashes (values are hashed here first) or by aliases; LiteLLM answers `{deleted_keys}`. */
  async deleteKeys(which: { readonly hashes: readonly string[] } | { readonly aliases: readonly string[] }): Promise<void> {
    if ('hashes' in which) for (const k of which.hashes) if (k.startsWith('sk-')) this.handledKeys.add(k);
    const body =
      'hashes' in which ? { keys: which.hashes.map((k) => (k.startsWith('sk-') ? keyHash(k) : k)) } : { key_aliases: which.aliases };
    const answer = (await this.ok('POST', '/key/delete', body)) as { deleted_keys?: unknown };
    if (!Array.isArray(answer.deleted_keys)) throw new LiteLlmAdminError('POST /key/delete', 200, 'the answer names no deleted keys');
  }

  private async ok(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.check(`${method} ${routeOf(path)}`, await this.send(method, path, body));
  }

  /**
   * A success is a 200 whose body is JSON and carries no error (LiteLLM's `{"error": ...}`, FastAPI's `{"detail":
   * ...}`); anything else fails with the server's message, scrubbed.
   */
  private check(route: string, res: { status: number; body: unknown }): unknown {
    if (res.status === 200 && isJson(res.body) && !hasErrorShape(res.body)) return res.body;
    const why = res.status === 200 ? (isJson(res.body) ? 'an error' : 'no JSON') : undefined;
    const message = this.scrub(errorMessage(res.body));
    throw new LiteLlmAdminError(route, res.status, why ? `answered 200 with ${why}: ${message}` : message);
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    opts: { auth: boolean } = { auth: true },
  ): Promise<{ status: number; body: unknown }> {
    const route = `${method} ${routeOf(path)}`;
    const headers: Record<string, string> = {};
    if (opts.auth) headers.authorization = `Bearer ${await this.masterKey()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const left = this.options.deadline === undefined ? this.timeoutMs : this.options.deadline - this.now();
    if (left <= 0) throw new LiteLlmAdminError(route, 0, 'not sent: the run has no time left before its deadline');
    const timeoutMs = Math.min(this.timeoutMs, left);
    let status = 0;
    try {
      const response = await this.doFetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      const text = await readCapped(response, this.maxBodyBytes);
      if (text === undefined) {
        throw new LiteLlmAdminError(route, status, `the answer is larger than ${this.maxBodyBytes} bytes: refused to read it`);
      }
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON (a load balancer's error page): kept as text for the message.
      }
      return { status, body: parsed };
    } catch (err) {
      if (err instanceof LiteLlmAdminError) throw err;
      const e = err as Error;
      const reason =
        e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((e.cause as Error | undefined)?.message ?? e.message);
      throw new LiteLlmAdminError(route, 0, this.scrub(reason));
    } finally {
      this.options.onCall?.({ method, route: routeOf(path), status });
    }
  }

  private async masterKey(): Promise<string> {
    if (this.masterKeyValue === undefined) {
      const read = this.options.masterKey as () => Promise<string>;
      this.masterKeyValue = await read();
    }
    return this.masterKeyValue;
  }

  /** Removes the master key, every key this client handled and anything shaped like a virtual key from a message. */
  private scrub(message: string): string {
    const secrets = [
      ...(this.masterKeyValue ? [{ value: this.masterKeyValue, label: '<master key>' }] : []),
      ...[...this.handledKeys].map((value) => ({ value, label: '<key>' })),
    ];
    return redactKeys(redactSecrets(message, secrets)).slice(0, 500);
  }
}

/** Shortest secret part worth replacing: a shorter one would blank ordinary words. */
const MIN_SECRET_PART = 8;

/**
 * Replaces each secret in every form a server could echo it: as sent, without its `sk-` prefix, URL-encoded (both
 * ways) and as escaped inside a JSON string. Longest forms first, so a shorter one never leaves part of a longer.
 */
export function redactSecrets(text: string, secrets: readonly { readonly value: string; readonly label: string }[]): string {
  const forms: { form: string; label: string }[] = [];
  for (const { value, label } of secrets) {
    const bare = value.startsWith('sk-') ? value.slice(3) : value;
    for (const v of [value, bare]) {
      for (const form of [v, encodeURIComponent(v), encodeURIComponent(encodeURIComponent(v)), JSON.stringify(v).slice(1, -1)]) {
        if (form.length >= MIN_SECRET_PART) forms.push({ form, label });
      }
    }
  }
  forms.sort((a, b) => b.form.length - a.form.length);
  let out = text;
  for (const { form, label } of forms) out = out.split(form).join(label);
  // URL-encoding is case-insensitive in its escapes (%2f = %2F).
  for (const { form, label } of forms) if (form.includes('%')) out = out.replace(new RegExp(escapeRegExp(form), 'gi'), label);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The body as text, or undefined once it passes `maxBytes` (the rest is never read). */
async function readCapped(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isJson(body: unknown): boolean {
  return typeof body === 'object' && body !== null;
}

/** LiteLLM's `{"error": ...}` or FastAPI's `{"detail": ...}` at the top of an answer. */
function hasErrorShape(body: unknown): boolean {
  if (Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return (b.error !== undefined && b.error !== null) || b.detail !== undefined;
}

/** Replaces every `sk-...` in a text by `sk-<redacted>`. */
export function redactKeys(text: string): string {
  return text.replace(/sk-[A-Za-z0-9_-]+/g, 'sk-<redacted>');
}

function routeOf(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

/** LiteLLM's `{"error": {"message"}}`, FastAPI's `{"detail"}`, or the text itself. */
function errorMessage(body: unknown): string {
  if (body === undefined) return '(empty answer)';
  if (typeof body === 'string') return body;
  const b = body as { error?: { message?: unknown } | string; detail?: unknown };
  const message = (typeof b.error === 'object' ? b.error?.message : b.error) ?? b.detail ?? body;
  return typeof message === 'string' ? message : JSON.stringify(message);
}
