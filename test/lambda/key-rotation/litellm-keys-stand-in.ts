/**
 * LiteLLM's key table behind the admin routes a rotation calls, and a client route that checks a key, over
 * HTTP. It behaves as test/contracts/secrets-manager-rotation.test.ts states (key_management_endpoints.py
 * and user_api_key_auth.py): keys stored by SHA-256 hash and found by key or hash, aliases unique across
 * keys, a caller-chosen key must start with sk-, `duration` sets expires from the stand-in's clock, an
 * expired key is refused (400 expired_key), an unknown one 401 with its last four characters and hash in
 * the message, as LiteLLM answers. Failures are injected per route, before or after the change is applied
 * (an answer lost on the way back).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { liteLlmError } from '../../support/litellm-errors';
import { readBody, sendJson } from '../../support/http';

export interface KeyRow {
  key_alias: string | null;
  team_id?: string | null;
  models?: string[];
  max_budget?: number | null;
  budget_duration?: string | null;
  tpm_limit?: number | null;
  rpm_limit?: number | null;
  max_parallel_requests?: number | null;
  metadata: Record<string, unknown>;
  expires: string | null;
}

export interface StandInCall {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
}

const hashOf = (key: string) => createHash('sha256').update(key).digest('hex');
const hashIfNeeded = (token: string) => (token.startsWith('sk-') ? hashOf(token) : token);
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, mo: 2592000 };

export class LiteLlmKeysStandIn {
  readonly calls: StandInCall[] = [];
  /** The stand-in's clock, epoch ms; expiry is judged by it. */
  now = Date.parse('2026-11-29T10:00:00Z');
  private readonly rows = new Map<string, KeyRow>();
  private readonly failures: { path: string; status: number; afterApplying: boolean; message: string }[] = [];

  private constructor(
    private readonly server: Server,
    readonly masterKey: string,
    readonly models: string[],
  ) {}

  static async start(masterKey: string, models: string[] = ['claude-sonnet']): Promise<LiteLlmKeysStandIn> {
    const server = createServer((req, res) => {
      self.handle(req, res).catch((err: unknown) => sendJson(res, 500, liteLlmError(500, String(err), 'internal_server_error')));
    });
    const self = new LiteLlmKeysStandIn(server, masterKey, models);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A key as the tenants reconciler would have issued it. */
  seed(key: string, row: Omit<KeyRow, 'expires'> & { expires?: string | null }): void {
    this.rows.set(hashOf(key), { ...row, expires: row.expires ?? null });
  }

  row(key: string): KeyRow | undefined {
    return this.rows.get(hashOf(key));
  }

  rowsWithAlias(alias: string): KeyRow[] {
    return [...this.rows.values()].filter((r) => r.key_alias === alias);
  }

  get size(): number {
    return this.rows.size;
  }

  /** Admin writes so far, as `METHOD /path`. */
  writes(): string[] {
    return this.calls.filter((c) => c.method === 'POST' && c.status === 200).map((c) => `${c.method} ${c.path}`);
  }

  /** The next call to `path` fails with `status`; with `afterApplying` the change is made first. */
  failNext(path: string, status: number, opts: { afterApplying?: boolean; message?: string } = {}): void {
    this.failures.push({ path, status, afterApplying: opts.afterApplying ?? false, message: opts.message ?? 'injected failure' });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = (await readBody(req)).toString('utf8');
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    const failureAt = this.failures.findIndex((f) => f.path === url.pathname);
    const failure = failureAt >= 0 ? this.failures.splice(failureAt, 1)[0] : undefined;
    const answer = (status: number, payload: unknown) => {
      this.calls.push({ method: req.method ?? 'GET', path: url.pathname, body, status });
      sendJson(res, status, payload);
    };
    if (failure && !failure.afterApplying)
      return answer(failure.status, liteLlmError(failure.status, failure.message, 'internal_server_error'));
    const out = this.route(req, url, body);
    if (failure)
      return answer(failure.status, liteLlmError(failure.status, `${failure.message} after the change`, 'internal_server_error'));
    answer(out.status, out.body);
  }

  private presented(req: IncomingMessage): string | undefined {
    const custom = req.headers['x-litellm-api-key'];
    if (typeof custom === 'string' && custom) return custom.replace(/^Bearer /, '');
    const auth = req.headers.authorization;
    return typeof auth === 'string' ? auth.replace(/^Bearer /, '') : undefined;
  }

  private route(req: IncomingMessage, url: URL, body: Record<string, unknown> | undefined): { status: number; body: unknown } {
    const key = this.presented(req);
    if (url.pathname === '/v1/models' && req.method === 'GET') return this.models_(key);
    if (key !== this.masterKey) {
      return {
        status: 401,
        body: liteLlmError(
          401,
          'Authentication Error, Only proxy admin can be used to generate, delete, update info for new keys/users/teams.',
          'auth_error',
        ),
      };
    }
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /key/info': {
        const token = hashIfNeeded(url.searchParams.get('key') ?? '');
        const row = this.rows.get(token);
        if (!row) return { status: 404, body: liteLlmError(404, 'Key not found in database', 'not_found_error', 'key') };
        return { status: 200, body: { key: url.searchParams.get('key'), info: { ...row, spend: 0 } } };
      }
      case 'GET /key/list': {
        const alias = url.searchParams.get('key_alias');
        const keys = [...this.rows].filter(([, r]) => alias === null || r.key_alias === alias).map(([token, r]) => ({ token, ...r }));
        return { status: 200, body: { keys, total_count: keys.length, current_page: 1, total_pages: 1 } };
      }
      case 'POST /key/generate':
        return this.generate(body ?? {});
      case 'POST /key/update':
        return this.update(body ?? {});
      case 'POST /key/delete': {
        const tokens = ((body?.keys ?? []) as string[]).map(hashIfNeeded).filter((t) => this.rows.has(t));
        if (tokens.length === 0) return { status: 404, body: liteLlmError(404, 'No keys found', 'not_found_error') };
        for (const t of tokens) this.rows.delete(t);
        return { status: 200, body: { deleted_keys: body?.keys } };
      }
      default:
        return { status: 404, body: { detail: 'Not Found' } };
    }
  }

  private aliasTaken(alias: unknown, except?: string): { status: number; body: unknown } | undefined {
    if (typeof alias !== 'string') return undefined;
    const holder = [...this.rows].find(([token, r]) => r.key_alias === alias && token !== except);
    if (!holder) return undefined;
    return {
      status: 400,
      body: liteLlmError(
        400,
        `Key with alias '${alias}' already exists. Unique key aliases across all keys are required.`,
        'bad_request_error',
        'key_alias',
      ),
    };
  }

  private generate(body: Record<string, unknown>): { status: number; body: unknown } {
    const taken = this.aliasTaken(body.key_alias);
    if (taken) return taken;
    const key =
      typeof body.key === 'string' ? body.key : `sk-${createHash('sha256').update(String(Math.random())).digest('base64url').slice(0, 22)}`;
    if (!key.startsWith('sk-')) {
      return {
        status: 400,
        body: liteLlmError(400, "Invalid key format. LiteLLM Virtual Key must start with 'sk-'.", 'bad_request_error'),
      };
    }
    const token = hashOf(key);
    // insert_data upserts with an empty update: an existing row is left as it was.
    if (!this.rows.has(token)) {
      const { key: _key, duration, ...fields } = body;
      // generate_key_helper_fn writes every column: what the request leaves out is null (models: []).
      this.rows.set(token, {
        team_id: null,
        models: [],
        max_budget: null,
        budget_duration: null,
        tpm_limit: null,
        rpm_limit: null,
        max_parallel_requests: null,
        ...(fields as Partial<KeyRow>),
        key_alias: (fields.key_alias as string | undefined) ?? null,
        metadata: (fields.metadata as Record<string, unknown> | undefined) ?? {},
        expires: typeof duration === 'string' ? this.expiry(duration) : null,
      });
    }
    return { status: 200, body: { key, token, key_alias: body.key_alias ?? null, expires: this.rows.get(token)!.expires } };
  }

  private update(body: Record<string, unknown>): { status: number; body: unknown } {
    const token = hashIfNeeded(typeof body.key === 'string' ? body.key : '');
    const row = this.rows.get(token);
    if (!row) return { status: 404, body: liteLlmError(404, 'Team not found, passed team_id=None', 'auth_error') };
    const taken = this.aliasTaken(body.key_alias, token);
    if (taken) return taken;
    if (typeof body.key_alias === 'string') row.key_alias = body.key_alias;
    if ('duration' in body) row.expires = body.duration === null || body.duration === '-1' ? null : this.expiry(body.duration as string);
    return { status: 200, body: { key: body.key, ...row } };
  }

  private expiry(duration: string): string {
    const m = /^(\d+)(mo|s|m|h|d|w)$/.exec(duration);
    if (!m) throw new Error(`duration ${duration} is not a LiteLLM duration`);
    return new Date(this.now + Number(m[1]) * UNITS[m[2]!]! * 1000).toISOString();
  }

  private models_(key: string | undefined): { status: number; body: unknown } {
    if (key === undefined) return { status: 401, body: liteLlmError(401, 'Authentication Error, No api key passed in.', 'auth_error') };
    const row = key === this.masterKey ? undefined : this.rows.get(hashIfNeeded(key));
    if (key !== this.masterKey && !row) {
      return {
        status: 401,
        body: liteLlmError(
          401,
          `Authentication Error, Invalid proxy server token passed. Received API Key = sk-...${key.slice(-4)}, Key Hash (Token) =${hashOf(key)}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
          'token_not_found_in_db',
          'key',
        ),
      };
    }
    if (row?.expires && Date.parse(row.expires) < this.now) {
      return {
        status: 400,
        body: liteLlmError(
          400,
          `Authentication Error - Expired Key. Key Expiry time ${row.expires} and current time ${new Date(this.now).toISOString()}`,
          'expired_key',
          `sk-...${key.slice(-4)}`,
        ),
      };
    }
    const models = row?.models?.length ? row.models : this.models;
    return {
      status: 200,
      body: { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })) },
    };
  }
}
