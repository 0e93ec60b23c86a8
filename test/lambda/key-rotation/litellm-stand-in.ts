/**
 * LiteLLM for the rotation tests: the admin stand-in (test/support/fake-litellm-admin.ts) behind a front that
 * adds what a rotation also meets. Both follow the contract tests (test/contracts/litellm-admin.test.ts and
 * test/contracts/secrets-manager-rotation.test.ts):
 * - GET /v1/models, a client route: a key the admin stand-in holds passes unless it is expired by the shared
 *   clock (400 expired_key) or blocked; an unknown key is a 401 naming its last four characters and hash.
 * - failures injected before a call reaches the admin stand-in, or after it applied the change (an answer
 *   lost on the way back).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeLiteLlmAdmin, sha256, type FakeKeyRow } from '../../support/fake-litellm-admin';
import { readBody, sendJson } from '../../support/http';
import { liteLlmError } from '../../support/litellm-errors';

export interface FrontCall {
  readonly method: string;
  readonly path: string;
  /** `key_alias` of the request body, when it had one. */
  readonly alias?: string;
  readonly status: number;
}

export class LiteLlmStandIn {
  /** Epoch ms; the admin stand-in's `duration` and the client route's expiry both read it. */
  now = Date.parse('2026-11-29T10:00:00Z');
  readonly calls: FrontCall[] = [];
  private readonly failures: { path: string; status: number; afterApplying: boolean; message: string }[] = [];

  private constructor(
    private readonly server: Server,
    readonly admin: FakeLiteLlmAdmin,
  ) {}

  static async start(masterKey: string): Promise<LiteLlmStandIn> {
    const holder: { self?: LiteLlmStandIn } = {};
    const admin = await FakeLiteLlmAdmin.start({ masterKey, now: () => holder.self!.now });
    const server = createServer((req, res) => {
      holder
        .self!.handle(req)
        .then(({ status, body }) => sendJson(res, status, body))
        .catch((err: Error) => sendJson(res, 500, liteLlmError(500, err.message, 'internal_server_error')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new LiteLlmStandIn(server, admin);
    return holder.self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.admin.stop();
  }

  row(key: string): FakeKeyRow | undefined {
    return this.admin.keys.get(sha256(key));
  }

  rowsWithAlias(alias: string): FakeKeyRow[] {
    return [...this.admin.keys.values()].filter((k) => k.key_alias === alias);
  }

  /** Successful admin writes, as `POST /path`. */
  writes(): string[] {
    return this.calls.filter((c) => c.method === 'POST' && c.status === 200).map((c) => `${c.method} ${c.path}`);
  }

  /** The next call to `path` fails with `status`; with `afterApplying` the change is made first. */
  failNext(path: string, status: number, opts: { afterApplying?: boolean; message?: string } = {}): void {
    this.failures.push({ path, status, afterApplying: opts.afterApplying ?? false, message: opts.message ?? 'injected failure' });
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const raw = (await readBody(req)).toString('utf8');
    const alias = raw ? (JSON.parse(raw) as { key_alias?: unknown }).key_alias : undefined;
    const at = this.failures.findIndex((f) => f.path === url.pathname);
    const failure = at >= 0 ? this.failures.splice(at, 1)[0] : undefined;
    let out: { status: number; body: unknown };
    if (failure && !failure.afterApplying)
      out = { status: failure.status, body: liteLlmError(failure.status, failure.message, 'internal_server_error') };
    else {
      out = url.pathname === '/v1/models' ? this.models(req) : await this.forward(req, url, raw);
      if (failure)
        out = {
          status: failure.status,
          body: liteLlmError(failure.status, `${failure.message} after the change`, 'internal_server_error'),
        };
    }
    this.calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      ...(typeof alias === 'string' ? { alias } : {}),
      status: out.status,
    });
    return out;
  }

  private async forward(req: IncomingMessage, url: URL, raw: string): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'x-litellm-api-key', 'content-type']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const res = await fetch(`${this.admin.url}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      ...(raw ? { body: raw } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  private models(req: IncomingMessage): { status: number; body: unknown } {
    const header = req.headers['x-litellm-api-key'] ?? req.headers.authorization;
    const key = typeof header === 'string' ? header.replace(/^Bearer /, '') : undefined;
    if (!key) return { status: 401, body: liteLlmError(401, 'Authentication Error, No api key passed in.', 'auth_error') };
    const row = this.admin.keys.get(sha256(key));
    if (!row) {
      return {
        status: 401,
        body: liteLlmError(
          401,
          `Authentication Error, Invalid proxy server token passed. Received API Key = sk-...${key.slice(-4)}, Key Hash (Token) =${sha256(key)}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
          'token_not_found_in_db',
          'key',
        ),
      };
    }
    if (row.blocked === true)
      return {
        status: 401,
        body: liteLlmError(401, "Authentication Error, Key is blocked. Update via `/key/unblock` if you're admin.", 'auth_error'),
      };
    if (row.expires !== null && Date.parse(row.expires) < this.now) {
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
    return {
      status: 200,
      body: { object: 'list', data: row.models.map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })) },
    };
  }
}
