/**
 * A loopback stand-in for LiteLLM's admin API (teams, keys, readiness), for the tenants reconciler and the key
 * rotation tests. It follows test/contracts/litellm-admin.test.ts, which states each behaviour with its
 * upstream source and checks this fake against it; change both together.
 *
 * Usage:
 *   const admin = await FakeLiteLlmAdmin.start({ masterKey: 'sk-master' });
 *   admin.url                            // http://127.0.0.1:<port>
 *   admin.seedTeam({ team_alias: 'a' })  // a team made by hand (returns the row)
 *   admin.seedKey('sk-...', { key_alias: 'x', team_id }) // a key made by hand (returns the row, token = sha256)
 *   admin.failReadiness(3, 'db-disconnected')           // the next 3 readiness polls fail
 *   admin.failOnce({ route: '/key/generate' })          // the next call to that route answers 500
 *   admin.failOnce({ nthWrite: 4 })                     // the 4th POST from now answers 500
 *   admin.calls / admin.writes()         // what was called (bodies without key values)
 *   admin.teams / admin.keys             // the stores (keys by token = sha256 hex of the key)
 *   await admin.stop()
 *
 * Not modelled: users, organisations, budgets' spend, the UI, licences (tags and other Enterprise fields are
 * refused like a proxy without a licence would, see below).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http';
import { liteLlmError } from './litellm-errors';

/** A team row as LiteLLM stores and lists it (the fields the reconciler and rotation read). */
export interface FakeTeamRow {
  team_id: string;
  team_alias: string | null;
  models: string[];
  max_budget: number | null;
  budget_duration: string | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  max_parallel_requests: number | null;
  metadata: Record<string, unknown>;
  blocked: boolean;
  spend: number;
  members_with_roles: unknown[];
  /** The row of LiteLLM_ObjectPermissionTable the team points at; null until a grant is first stored. */
  object_permission_id: string | null;
  /**
   * The MCP grant /team/new and /team/update store (object_permission.mcp_servers). Kept here, but answered as
   * upstream answers it: resolved by /team/info and /team/update only; /team/list and /team/new leave it null.
   */
  object_permission?: { object_permission_id: string; mcp_servers: string[] | null } | null;
}

/** A key row; `token` is the SHA-256 hex of the key, the key itself is not stored. */
export interface FakeKeyRow {
  token: string;
  key_alias: string | null;
  team_id: string | null;
  models: string[];
  max_budget: number | null;
  budget_duration: string | null;
  tpm_limit: number | null;
  rpm_limit: number | null;
  max_parallel_requests: number | null;
  metadata: Record<string, unknown>;
  /** ISO date-time or null (never expires). */
  expires: string | null;
  spend: number;
  blocked: boolean | null;
}

/** One request as the fake saw it. `body` has key values replaced by their hash (`sha256:<hex>`). */
export interface FakeAdminCall {
  readonly method: string;
  /** Path without query. */
  readonly route: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly status: number;
}

export interface FakeLiteLlmAdminOptions {
  readonly masterKey: string;
  /** Clock for `expires` and `duration`; default Date.now. */
  readonly now?: () => number;
}

/** How a failing readiness poll looks: the proxy up without its database, or nothing healthy behind the load balancer. */
export type ReadinessFailure = 'db-disconnected' | 'unavailable';

/** A failure to inject: the next call to `route`, or the nth POST counted from now. */
export type FailureSpec = { readonly route: string; readonly status?: number } | { readonly nthWrite: number; readonly status?: number };

const DEFAULT_LIMITS = { max_budget: null, budget_duration: null, tpm_limit: null, rpm_limit: null, max_parallel_requests: null };

export function sha256(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** `<n><unit>` as LiteLLM's duration_in_seconds reads it (s, m, h, d, w, mo = 30 days). */
export function durationSeconds(duration: string): number {
  const m = /^(\d+)(s|m|h|d|w|mo)?$/.exec(duration);
  if (!m) throw new Error(`unsupported duration ${duration}`);
  const n = Number(m[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, mo: 2592000 }[(m[2] ?? 's') as 's'];
  return n * unit;
}

export class FakeLiteLlmAdmin {
  readonly teams = new Map<string, FakeTeamRow>();
  readonly keys = new Map<string, FakeKeyRow>();
  readonly calls: FakeAdminCall[] = [];
  private readinessFailures: { remaining: number; how: ReadinessFailure } = { remaining: 0, how: 'unavailable' };
  private failures: { route?: string; writeIndex?: number; status: number }[] = [];
  private writesSeen = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly masterKey: string,
    private readonly now: () => number,
  ) {}

  static async start(opts: FakeLiteLlmAdminOptions): Promise<FakeLiteLlmAdmin> {
    const holder: { fake?: FakeLiteLlmAdmin } = {};
    const server = createServer((req, res) => {
      holder.fake!.handle(req, res).catch((err: Error) => sendJson(res, 500, liteLlmError(500, err.message, 'internal_server_error')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.fake = new FakeLiteLlmAdmin(server, `http://127.0.0.1:${port}`, opts.masterKey, opts.now ?? Date.now);
    return holder.fake;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** POST calls (LiteLLM's admin writes are all POST). */
  writes(): FakeAdminCall[] {
    return this.calls.filter((c) => c.method === 'POST');
  }

  /** Admin calls only (readiness polls left out). */
  adminCalls(): FakeAdminCall[] {
    return this.calls.filter((c) => c.route !== '/health/readiness');
  }

  /** A team as an administrator would have made it; returns the stored row. */
  seedTeam(fields: Partial<FakeTeamRow> & { team_alias: string }): FakeTeamRow {
    const row: FakeTeamRow = { ...newTeamRow(), ...fields };
    this.teams.set(row.team_id, row);
    return row;
  }

  /** A key with this value; returns the stored row (token = sha256 of the value). */
  seedKey(key: string, fields: Partial<Omit<FakeKeyRow, 'token'>> = {}): FakeKeyRow {
    // The token is always the key's hash, whatever `fields` carries (a row copied from another key, say).
    const row: FakeKeyRow = { ...newKeyRow(sha256(key)), ...fields, token: sha256(key) };
    this.keys.set(row.token, row);
    return row;
  }

  /** The key row with this alias, if any. */
  keyByAlias(alias: string): FakeKeyRow | undefined {
    return [...this.keys.values()].find((k) => k.key_alias === alias);
  }

  /** The team row with this alias, if any (the first when several share it). */
  teamByAlias(alias: string): FakeTeamRow | undefined {
    return [...this.teams.values()].find((t) => t.team_alias === alias);
  }

  /** The next `count` readiness polls fail as `how`. */
  failReadiness(count: number, how: ReadinessFailure = 'unavailable'): void {
    this.readinessFailures = { remaining: count, how };
  }

  /** The matching call answers `status` (default 500) once, with LiteLLM's error body, and changes nothing. */
  failOnce(spec: FailureSpec): void {
    const status = spec.status ?? 500;
    if ('route' in spec) this.failures.push({ route: spec.route, status });
    else this.failures.push({ writeIndex: this.writesSeen + spec.nthWrite, status });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const route = url.pathname;
    const query = Object.fromEntries(url.searchParams.entries());
    const raw = (await readBody(req)).toString();
    let body: Record<string, unknown> | undefined;
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return this.answer(req, res, route, query, undefined, 422, { detail: [{ type: 'json_invalid', msg: 'JSON decode error' }] });
      }
    }
    const answer = (status: number, payload: unknown) => this.answer(req, res, route, query, body, status, payload);

    if (route === '/health/readiness' && req.method === 'GET') {
      if (this.readinessFailures.remaining > 0) {
        this.readinessFailures.remaining--;
        if (this.readinessFailures.how === 'unavailable')
          return answer(503, '<html><body>503 Service Temporarily Unavailable</body></html>');
        return answer(200, { status: 'healthy', db: 'disconnected', cache: null, litellm_version: '1.108.12' });
      }
      return answer(200, { status: 'healthy', db: 'connected', cache: null, litellm_version: '1.108.12' });
    }

    const auth = this.authenticate(req);
    if (auth) return answer(401, liteLlmError(401, auth, 'auth_error'));

    const isWrite = req.method === 'POST';
    if (isWrite) this.writesSeen++;
    const failure = this.failures.findIndex((f) => f.route === route || (isWrite && f.writeIndex === this.writesSeen));
    if (failure !== -1) {
      const { status } = this.failures.splice(failure, 1)[0]!;
      return answer(status, liteLlmError(status, 'Internal Server Error (injected by the test)', 'internal_server_error'));
    }

    const [status, payload] = this.route(req.method ?? 'GET', route, query, body ?? {});
    return answer(status, payload);
  }

  private answer(
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    query: Record<string, string>,
    body: Record<string, unknown> | undefined,
    status: number,
    payload: unknown,
  ): void {
    this.calls.push({ method: req.method ?? 'GET', route, query: redactQuery(query), ...(body ? { body: redactBody(body) } : {}), status });
    if (typeof payload === 'string') res.writeHead(status, { 'content-type': 'text/html' }).end(payload);
    else sendJson(res, status, payload);
  }

  /** Master key only, from `Authorization: Bearer` or `x-litellm-api-key`; the message when refused. */
  private authenticate(req: IncomingMessage): string | undefined {
    const header = req.headers['x-litellm-api-key'] ?? req.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined) return 'Authentication Error, No api key passed in.';
    const key = value.startsWith('Bearer ') ? value.slice('Bearer '.length) : req.headers['x-litellm-api-key'] ? value : '';
    if (key === '') return 'Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.';
    if (key !== this.masterKey) return 'Authentication Error, Invalid proxy server token passed.';
    return undefined;
  }

  private route(method: string, route: string, query: Record<string, string>, body: Record<string, unknown>): [number, unknown] {
    const key = `${method} ${route}`;
    switch (key) {
      case 'GET /team/list':
        // Upstream reads the teams without the object_permission relation: only its id comes back.
        return [
          200,
          [...this.teams.values()].map((t) => ({ ...t, object_permission: null, keys: this.keysOfTeam(t.team_id), team_memberships: [] })),
        ];
      case 'GET /team/info': {
        const team = query.team_id !== undefined ? this.teams.get(query.team_id) : undefined;
        if (!team) return [404, liteLlmError(404, `{'message': 'Team not found, passed team id: ${query.team_id}.'}`, 'auth_error')];
        return [200, { team_id: team.team_id, team_info: team, keys: this.keysOfTeam(team.team_id), team_memberships: [] }];
      }
      case 'POST /team/new':
        return this.newTeam(body);
      case 'POST /team/update':
        return this.updateTeam(body);
      case 'POST /team/delete':
        return this.deleteTeams(body);
      case 'GET /key/list':
        return this.listKeys(query);
      case 'GET /key/info': {
        const token = query.key?.startsWith('sk-') ? sha256(query.key) : query.key;
        const row = token !== undefined ? this.keys.get(token) : undefined;
        if (!row) return [404, liteLlmError(404, 'Key not found in database', 'not_found_error', 'key')];
        const { token: _omit, ...info } = row;
        return [200, { key: query.key, info }];
      }
      case 'POST /key/generate':
        return this.generateKey(body);
      case 'POST /key/update':
        return this.updateKey(body);
      case 'POST /key/delete':
        return this.deleteKeys(body);
      default:
        return [404, { detail: 'Not Found' }];
    }
  }

  /** Creates the team's permission row on first use; later grants replace only the fields sent (null clears one). */
  private storeGrant(row: FakeTeamRow, grant: unknown): void {
    if (typeof grant !== 'object' || grant === null) return;
    const sent = grant as { mcp_servers?: unknown };
    const current = row.object_permission ?? { object_permission_id: `op-${randomUUID()}`, mcp_servers: null };
    if ('mcp_servers' in sent) current.mcp_servers = Array.isArray(sent.mcp_servers) ? [...(sent.mcp_servers as string[])] : null;
    row.object_permission = current;
    row.object_permission_id = current.object_permission_id;
  }

  private keysOfTeam(teamId: string): FakeKeyRow[] {
    return [...this.keys.values()].filter((k) => k.team_id === teamId);
  }

  private newTeam(body: Record<string, unknown>): [number, unknown] {
    if (body.tags !== undefined) return [400, enterpriseOnly('tags')];
    const teamId = typeof body.team_id === 'string' ? body.team_id : randomUUID();
    if (this.teams.has(teamId)) {
      return [
        400,
        liteLlmError(400, `{'error': 'Team id = ${teamId} already exists. Please use a different team id.'}`, 'internal_server_error'),
      ];
    }
    // No uniqueness check on team_alias: LiteLLM stores a second team with the same alias.
    const row: FakeTeamRow = { ...newTeamRow(), ...pickTeamFields(body), team_id: teamId };
    this.storeGrant(row, body.object_permission);
    this.teams.set(teamId, row);
    // The created row comes back without the relation.
    return [200, { ...row, object_permission: null }];
  }

  private updateTeam(body: Record<string, unknown>): [number, unknown] {
    if (typeof body.team_id !== 'string') return [400, liteLlmError(400, "{'error': 'No team id passed in'}", 'internal_server_error')];
    if (body.tags !== undefined) return [400, enterpriseOnly('tags')];
    const row = this.teams.get(body.team_id);
    if (!row) return [404, liteLlmError(404, `{'error': 'Team not found, passed team_id=${body.team_id}'}`, 'internal_server_error')];
    Object.assign(row, pickTeamFields(body));
    this.storeGrant(row, body.object_permission);
    return [200, { team_id: row.team_id, data: row }];
  }

  private deleteTeams(body: Record<string, unknown>): [number, unknown] {
    const ids = body.team_ids;
    if (!Array.isArray(ids)) return [400, liteLlmError(400, "{'error': 'No team id passed in'}", 'internal_server_error')];
    const missing = ids.find((id) => !this.teams.has(id as string));
    if (missing !== undefined)
      return [404, liteLlmError(404, `{'error': 'Team not found, passed team_id=${missing}'}`, 'internal_server_error')];
    for (const id of ids as string[]) {
      for (const k of this.keysOfTeam(id)) this.keys.delete(k.token);
      this.teams.delete(id);
    }
    // Upstream returns the database layer's delete result; callers should not read it.
    return [200, { deleted_teams: ids }];
  }

  private listKeys(query: Record<string, string>): [number, unknown] {
    const page = Number(query.page ?? '1');
    const size = Number(query.size ?? '10');
    if (!(size >= 1 && size <= 100) || !(page >= 1)) {
      return [422, { detail: [{ type: 'less_than_equal', loc: ['query', 'size'], msg: 'Input should be less than or equal to 100' }] }];
    }
    let rows = [...this.keys.values()];
    if (query.team_id) rows = rows.filter((k) => k.team_id === query.team_id);
    if (query.key_alias) rows = rows.filter((k) => k.key_alias === query.key_alias);
    const total = rows.length;
    const slice = rows.slice((page - 1) * size, page * size);
    const full = query.return_full_object === 'true';
    return [
      200,
      {
        keys: full ? slice.map((k) => ({ ...k })) : slice.map((k) => k.token),
        total_count: total,
        current_page: page,
        total_pages: Math.ceil(total / size),
      },
    ];
  }

  private generateKey(body: Record<string, unknown>): [number, unknown] {
    if (body.tags !== undefined) return [400, enterpriseOnly('tags')];
    const key = typeof body.key === 'string' ? body.key : `sk-${randomUUID().replace(/-/g, '')}`;
    if (!key.startsWith('sk-')) {
      return [
        400,
        liteLlmError(
          400,
          `{'error': "Invalid key format. LiteLLM Virtual Key must start with 'sk-'. Received: ****"}`,
          'internal_server_error',
        ),
      ];
    }
    const alias = typeof body.key_alias === 'string' ? body.key_alias : null;
    if (alias !== null && this.keyByAlias(alias)) return [400, duplicateAlias(alias)];
    const token = sha256(key);
    if (this.keys.has(token)) return [400, liteLlmError(400, 'Key already exists', 'internal_server_error')];
    const row: FakeKeyRow = {
      ...newKeyRow(token),
      ...pickKeyFields(body),
      key_alias: alias,
      expires: typeof body.duration === 'string' ? this.expiresIn(body.duration) : null,
    };
    this.keys.set(token, row);
    return [200, { ...row, key, token, token_id: token }];
  }

  private updateKey(body: Record<string, unknown>): [number, unknown] {
    if (typeof body.key !== 'string') return [422, { detail: [{ type: 'missing', loc: ['body', 'key'], msg: 'Field required' }] }];
    if (body.tags !== undefined) return [400, enterpriseOnly('tags')];
    const token = body.key.startsWith('sk-') ? sha256(body.key) : body.key;
    const row = this.keys.get(token);
    if (!row) {
      // Upstream's message for an unknown key names a team (sic).
      return [
        404,
        liteLlmError(
          404,
          `{'error': 'Team not found, passed team_id=${typeof body.team_id === 'string' ? body.team_id : 'None'}'}`,
          'auth_error',
        ),
      ];
    }
    if (typeof body.key_alias === 'string') {
      const other = this.keyByAlias(body.key_alias);
      if (other && other.token !== token) return [400, duplicateAlias(body.key_alias)];
    }
    Object.assign(row, pickKeyFields(body));
    if (typeof body.key_alias === 'string') row.key_alias = body.key_alias;
    if ('duration' in body) {
      row.expires = typeof body.duration === 'string' && body.duration !== '-1' ? this.expiresIn(body.duration) : null;
    }
    const { token: _omit, ...rest } = row;
    return [200, { key: body.key, ...rest }];
  }

  private deleteKeys(body: Record<string, unknown>): [number, unknown] {
    let tokens: string[];
    if (Array.isArray(body.keys) && body.keys.length > 0) {
      tokens = (body.keys as string[]).map((k) => (k.startsWith('sk-') ? sha256(k) : k));
    } else if (Array.isArray(body.key_aliases) && body.key_aliases.length > 0) {
      const aliases = body.key_aliases as string[];
      tokens = [...this.keys.values()].filter((k) => k.key_alias !== null && aliases.includes(k.key_alias)).map((k) => k.token);
    } else {
      return [500, liteLlmError(500, 'Invalid request type', 'internal_server_error')];
    }
    const found = tokens.filter((t) => this.keys.has(t));
    if (found.length === 0) return [404, liteLlmError(404, "{'error': 'No keys found'}", 'internal_server_error')];
    for (const t of found) this.keys.delete(t);
    return [200, { deleted_keys: body.keys ?? body.key_aliases }];
  }

  private expiresIn(duration: string): string {
    return new Date(this.now() + durationSeconds(duration) * 1000).toISOString();
  }
}

function newTeamRow(): FakeTeamRow {
  return {
    team_id: randomUUID(),
    team_alias: null,
    models: [],
    ...DEFAULT_LIMITS,
    metadata: {},
    blocked: false,
    spend: 0,
    members_with_roles: [],
    object_permission_id: null,
    object_permission: null,
  };
}

function newKeyRow(token: string): FakeKeyRow {
  return { token, key_alias: null, team_id: null, models: [], ...DEFAULT_LIMITS, metadata: {}, expires: null, spend: 0, blocked: null };
}

const TEAM_FIELDS = [
  'team_alias',
  'models',
  'max_budget',
  'budget_duration',
  'tpm_limit',
  'rpm_limit',
  'max_parallel_requests',
  'metadata',
  'blocked',
];
const KEY_FIELDS = ['team_id', 'models', 'max_budget', 'tpm_limit', 'rpm_limit', 'max_parallel_requests', 'metadata', 'blocked'];

function pickTeamFields(body: Record<string, unknown>): Partial<FakeTeamRow> {
  const fields: Partial<FakeTeamRow> = Object.fromEntries(Object.entries(body).filter(([k]) => TEAM_FIELDS.includes(k)));
  return fields;
}

/** Key fields as /key/generate and /key/update store them; a null budget_duration is ignored on update, as upstream. */
function pickKeyFields(body: Record<string, unknown>): Partial<FakeKeyRow> {
  const fields = Object.fromEntries(Object.entries(body).filter(([k]) => KEY_FIELDS.includes(k))) as Partial<FakeKeyRow>;
  if (typeof body.budget_duration === 'string' && body.budget_duration !== '') fields.budget_duration = body.budget_duration;
  return fields;
}

function duplicateAlias(alias: string) {
  return liteLlmError(
    400,
    `Key with alias '${alias}' already exists. Unique key aliases across all keys are required.`,
    'bad_request_error',
    'key_alias',
  );
}

function enterpriseOnly(field: string) {
  return liteLlmError(
    400,
    `Only premium users can add ${field} to keys. You must be a LiteLLM Enterprise user to use this feature.`,
    'internal_server_error',
  );
}

function redactBody(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  if (typeof out.key === 'string') out.key = out.key.startsWith('sk-') ? `sha256:${sha256(out.key)}` : out.key;
  if (Array.isArray(out.keys)) out.keys = (out.keys as string[]).map((k) => (k.startsWith('sk-') ? `sha256:${sha256(k)}` : k));
  return out;
}

function redactQuery(query: Record<string, string>): Record<string, string> {
  return query.key?.startsWith('sk-') ? { ...query, key: `sha256:${sha256(query.key)}` } : query;
}
