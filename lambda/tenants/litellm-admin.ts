/**
 * A small typed client for the LiteLLM admin routes the tenants reconciler (and the key rotation) call, over
 * the runtime's global fetch. Request and response shapes follow test/contracts/litellm-admin.test.ts.
 *
 * Secrets stay out of everything this module produces: the master key travels only in the Authorization
 * header, a virtual key only in a JSON body (never in a URL: /key/info and /key/delete take its SHA-256
 * hash), and error messages are scrubbed of both before they leave.
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
  readonly fetch?: typeof fetch;
  /** Told about every call after it completes. */
  readonly onCall?: (call: AdminCallRecord) => void;
}

/** LiteLLM's page size ceiling on /key/list (`size` is validated `le=100`). */
export const KEY_LIST_PAGE_SIZE = 100;

/** The admin routes, each a typed method; see the interfaces above for the shapes. */
export class LiteLlmAdmin {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly doFetch: typeof fetch;
  private masterKeyValue?: string;

  constructor(private readonly options: LiteLlmAdminOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.doFetch = options.fetch ?? fetch;
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
    return body;
  }

  /** POST /team/update. */
  async updateTeam(request: UpdateTeamRequest): Promise<void> {
    await this.ok('POST', '/team/update', request);
  }

  /** POST /team/delete: deletes the teams and every key bound to them. */
  async deleteTeams(teamIds: readonly string[]): Promise<void> {
    await this.ok('POST', '/team/delete', { team_ids: teamIds });
  }

  /** GET /key/list with full objects, every page. */
  async listKeys(filter: { readonly teamId?: string; readonly keyAlias?: string } = {}): Promise<LiteLlmKey[]> {
    const keys: LiteLlmKey[] = [];
    for (let page = 1; ; page++) {
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

  /** POST /key/generate. */
  async generateKey(request: GenerateKeyRequest): Promise<GeneratedKey> {
    const body = (await this.ok('POST', '/key/generate', request)) as GeneratedKey;
    if (typeof body?.key !== 'string' || typeof body.token !== 'string') {
      throw new LiteLlmAdminError('POST /key/generate', 200, 'no key or token in the answer');
    }
    return body;
  }

  /** POST /key/update. */
  async updateKey(request: UpdateKeyRequest): Promise<void> {
    await this.ok('POST', '/key/update', request);
  }

  /** POST /key/delete by hashes (values are hashed here first) or by aliases. */
  async deleteKeys(which: { readonly hashes: readonly string[] } | { readonly aliases: readonly string[] }): Promise<void> {
    const body =
      'hashes' in which ? { keys: which.hashes.map((k) => (k.startsWith('sk-') ? keyHash(k) : k)) } : { key_aliases: which.aliases };
    await this.ok('POST', '/key/delete', body);
  }

  private async ok(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return this.check(`${method} ${routeOf(path)}`, await this.send(method, path, body));
  }

  private check(route: string, res: { status: number; body: unknown }): unknown {
    if (res.status >= 200 && res.status < 300) return res.body;
    throw new LiteLlmAdminError(route, res.status, this.scrub(errorMessage(res.body)));
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
    let status = 0;
    try {
      const response = await this.doFetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON (a load balancer's error page): kept as text for the message.
      }
      return { status, body: parsed };
    } catch (err) {
      const e = err as Error;
      const reason =
        e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : ((e.cause as Error | undefined)?.message ?? e.message);
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

  /** Removes the master key and anything shaped like a virtual key from a message. */
  private scrub(message: string): string {
    let out = message;
    if (this.masterKeyValue) out = out.split(this.masterKeyValue).join('<master key>');
    return redactKeys(out).slice(0, 500);
  }
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
