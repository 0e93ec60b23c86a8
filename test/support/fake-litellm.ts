import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { readBody } from './http';
import { grantedMcpServers, resolveMcpKey, serveGatewayMcp } from './fake-litellm-mcp';
import { liteLlmAnswerCorsHeaders, type LiteLlmCorsSettings } from './litellm-cors';
import {
  keyBudgetExceeded,
  liteLlmError,
  modelNotAllowed,
  rateLimited,
  teamBudgetExceeded,
  type LiteLlmError,
  type LiteLlmRefusal,
  type RateLimitType,
} from './litellm-errors';

export { liteLlmError, type LiteLlmError } from './litellm-errors';

/**
 * A loopback stand-in for the LiteLLM proxy that follows the upstream behaviour we rely on, failures
 * included. Source (read 2026-11-29, BerriAI/litellm, the stored main-line copy of
 * `litellm/proxy/auth/user_api_key_auth.py`, `auth_exception_handler.py` and `_types.py`; the same
 * logic is in every stored version back to v1.5x, so it is taken to hold at the pinned v1.108.12):
 *
 * - The key comes from `x-litellm-api-key` first (bare or `Bearer `-prefixed), then `Authorization`
 *   (only `Bearer `/`Basic ` values; anything else becomes an empty key), then the Azure/Anthropic/Google
 *   headers. So `x-litellm-api-key` wins over `Authorization`.
 * - When `general_settings.litellm_key_header_name` is set, that header REPLACES the key found above and
 *   is read with the Bearer-only parser: a bare `sk-...` becomes an empty key, a missing header too.
 * - No key at all: 401 "No api key passed in."; an empty key: 401 "Malformed API Key ...".
 * - Errors are `{"error": {"message", "type", "param", "code"}}` with `code` a string and the HTTP status
 *   equal to it; auth failures have type `auth_error` and param `"None"`.
 * - Admin routes answer 401 to a key that is not the master key ("Only proxy admin can ...").
 * - The health routes and the UI (`/ui`) need no key.
 * - Budgets, limits and model lists of a key and its team (auth_checks.py, parallel_request_limiter_v3.py,
 *   litellm_pre_call_utils.py): a model outside the key's or the team's list is refused at authentication; a
 *   key whose spend has reached its max_budget, or a team whose spend is over its own, gets a 400
 *   budget_exceeded; then the rate limiter counts the request against rpm and max_parallel_requests (and the
 *   tokens of finished requests against tpm) per key and per team in a 60 s window and answers 429 once a count
 *   is over its limit. Refused requests count against rpm as upstream. The error bodies come from
 *   ./litellm-errors.ts. Spend grows by `costPerCompletionUsd` per completion at once (upstream it reaches
 *   other pods through Redis and the database later); the order of the checks is not relied on.
 * - The trace tags `langfuse_otel` would send: the key's metadata tags, then its team's, each once. Client-sent
 *   tags are left out (the newest main line drops them unless the key or team sets allow_client_tags).
 * Test/contracts/litellm.test.ts states these as facts and checks this fake against them.
 */

/** A LiteLLM team: limits shared by all its keys. */
export interface FakeLiteLlmTeam {
  /** `team_id` (LiteLLM generates a UUID); error messages and rate-limit counters use it. */
  readonly id: string;
  readonly alias?: string;
  /** Models the team may call; empty or absent means every configured model. */
  readonly models?: string[];
  readonly maxBudget?: number;
  readonly rpmLimit?: number;
  readonly tpmLimit?: number;
  /** `metadata.tags`. */
  readonly tags?: string[];
  /** `object_permission.mcp_servers`: MCP servers (by name) the team's keys may use. */
  readonly mcpServers?: string[];
}

export interface FakeLiteLlmKey {
  /** Models the key may call; an empty list means every configured model (LiteLLM's default). */
  readonly models: string[];
  readonly alias?: string;
  readonly team?: FakeLiteLlmTeam;
  readonly maxBudget?: number;
  readonly rpmLimit?: number;
  readonly tpmLimit?: number;
  readonly maxParallelRequests?: number;
  /** `metadata.tags`. */
  readonly tags?: string[];
  /** `object_permission.mcp_servers` of the key itself; absent means it inherits its team's. */
  readonly mcpServers?: string[];
}

export interface FakeLiteLlmOptions {
  readonly masterKey: string;
  readonly keys: Record<string, FakeLiteLlmKey>;
  /** The configured model names (`model_list[].model_name`). */
  readonly models: string[];
  /** The rendered `general_settings.litellm_key_header_name`, if any. */
  readonly keyHeaderName?: string;
  /** Content chunks of every completion; streamed one per server-sent event. */
  readonly reply?: string[];
  /** Pause between streamed chunks, to show a client receives them as they are produced. */
  readonly chunkGapMs?: number;
  /** Spend added to the key and its team by each completion. */
  readonly costPerCompletionUsd?: number;
  /** `mcp_servers`: name -> URL of each MCP server the gateway serves at /mcp (./fake-litellm-mcp.ts). */
  readonly mcpServers?: Readonly<Record<string, string>>;
  /** The rendered general_settings' CORS keys: the CORS headers on every answer (./litellm-cors.ts). @default LiteLLM's default */
  readonly cors?: LiteLlmCorsSettings;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** The key LiteLLM would have resolved from the headers: undefined when none, '' when malformed. */
  readonly resolvedKey: string | undefined;
  readonly keyAlias?: string;
  /** The Langfuse trace tags of this request (completions that passed every check). */
  readonly traceTags?: string[];
  status: number;
}

const BEARER_PREFIXES = ['Bearer ', 'bearer ', 'Basic '];

/** `_get_bearer_token`: strips a Bearer/Basic prefix; a value without one becomes ''. */
function bearerOnly(value: string): string {
  const prefix = BEARER_PREFIXES.find((p) => value.startsWith(p));
  return prefix ? value.split(prefix).join('') : '';
}

/** `_get_bearer_token_or_received_api_key`: strips a Bearer/Basic prefix, else keeps the value as sent. */
function bearerOrBare(value: string): string {
  const prefix = BEARER_PREFIXES.find((p) => value.startsWith(p));
  return prefix ? value.split(prefix).join('') : value;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  const single = Array.isArray(value) ? value[0] : value;
  // FastAPI's APIKeyHeader treats an empty header as absent.
  return single ? single : undefined;
}

/**
 * The virtual key LiteLLM reads from request headers: undefined when no header carries one, '' when the
 * header is there but its form is rejected (LiteLLM then answers "Malformed API Key").
 */
export function resolveVirtualKey(headers: IncomingHttpHeaders, keyHeaderName?: string): string | undefined {
  let key: string | undefined;
  const custom = header(headers, 'x-litellm-api-key');
  const authorization = header(headers, 'authorization');
  if (custom !== undefined) key = bearerOrBare(custom);
  else if (authorization !== undefined) key = bearerOnly(authorization);
  else key = ['api-key', 'x-api-key', 'x-goog-api-key', 'ocp-apim-subscription-key'].map((h) => header(headers, h)).find(Boolean);
  if (keyHeaderName !== undefined) {
    const configured = header(headers, keyHeaderName);
    key = configured === undefined ? '' : bearerOnly(configured);
  }
  return key;
}

/**
 * What the fake takes from a rendered LiteLLM `config.yaml`: the model names and the custom key header,
 * so a test runs the fake exactly as the deployed gateway is configured.
 */
export function fromRenderedConfig(configYaml: string): Pick<FakeLiteLlmOptions, 'models' | 'keyHeaderName' | 'cors'> {
  const config = parse(configYaml) as {
    model_list?: { model_name: string }[];
    general_settings?: { litellm_key_header_name?: string } & LiteLlmCorsSettings;
  };
  const settings = config.general_settings ?? {};
  const keyHeaderName = settings.litellm_key_header_name;
  const cors: LiteLlmCorsSettings = {
    ...(settings.cors_allow_origins !== undefined ? { cors_allow_origins: settings.cors_allow_origins } : {}),
    ...(settings.cors_allow_credentials !== undefined ? { cors_allow_credentials: settings.cors_allow_credentials } : {}),
  };
  return { models: (config.model_list ?? []).map((m) => m.model_name), ...(keyHeaderName !== undefined ? { keyHeaderName } : {}), cors };
}

/** LiteLLM's abbreviation of a key in error messages (first four and last four characters). */
function masked(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}****${key.slice(-4)}` : '****';
}

/** Routes only the master key may call (a subset of LiteLLM's management routes). */
const ADMIN_ROUTE = /^\/(key|team|user|organization|customer|end_user|model|spend|global|config|budget)(\/|$)/;
/** Routes LiteLLM serves without a key. */
const PUBLIC_ROUTES = new Set(['/health/liveliness', '/health/liveness', '/health/readiness']);

type Caller = { kind: 'master' } | { kind: 'key'; key: string; grant: FakeLiteLlmKey };

/** LiteLLM's hash of a virtual key (`hash_token`): what rate-limit messages and counters name. */
export function hashedKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The rate limiter's window (LITELLM_RATE_LIMIT_WINDOW_SIZE, 60 s by default). */
const WINDOW_SECONDS = 60;

/** One counter set per descriptor (`api_key:<hash>`, `team:<id>`), reset when its window has passed. */
interface Window {
  start: number;
  requests: number;
  tokens: number;
}

/** Tags each once, in order of first appearance (LiteLLM's _merge_tags). */
function mergeTags(...lists: (readonly string[] | undefined)[]): string[] {
  const merged: string[] = [];
  for (const tag of lists.flatMap((l) => l ?? [])) if (!merged.includes(tag)) merged.push(tag);
  return merged;
}
type AuthResult = { caller: Caller } | { status: number; body: LiteLlmError };

export class FakeLiteLlm {
  readonly requests: RecordedRequest[] = [];
  /** When each streamed completion finished writing (ms since epoch). */
  readonly finishedAt: number[] = [];
  private completions = 0;
  private readonly spend = new Map<string, number>();
  private readonly windows = new Map<string, Window>();
  private readonly inFlight = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    private readonly opts: FakeLiteLlmOptions,
  ) {}

  static async start(opts: FakeLiteLlmOptions): Promise<FakeLiteLlm> {
    const server = createServer((req, res) => {
      self.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, liteLlmError(500, String(err), 'internal_server_error'));
        else res.destroy();
      });
    });
    const self = new FakeLiteLlm(server, opts);
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

  /** Spend recorded for a key (by the key itself) or a team (`team:<id>`). */
  spendOf(owner: string): number {
    return this.spend.get(owner) ?? 0;
  }

  /** Sets the spend of a key or of a team (`team:<id>`), as LiteLLM's spend tracking would have. */
  setSpend(owner: string, usd: number): void {
    this.spend.set(owner, usd);
  }

  private authenticate(key: string | undefined, path: string): AuthResult {
    const deny = (message: string) => ({ status: 401, body: liteLlmError(401, message, 'auth_error') });
    if (key === undefined) return deny('Authentication Error, No api key passed in.');
    if (key === '') return deny('Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.');
    if (key === this.opts.masterKey) return { caller: { kind: 'master' } };
    if (!key.startsWith('sk-')) {
      // Raised as an HTTPException, so the message carries no "Authentication Error" prefix.
      return deny(`LiteLLM Virtual Key expected. Received=${masked(key)}, expected to start with 'sk-'.`);
    }
    const grant = this.opts.keys[key];
    if (!grant) {
      const hash = createHash('sha256').update(key).digest('hex');
      return deny(
        `Authentication Error, Invalid proxy server token passed. Received API Key = sk-...${key.slice(-4)}, Key Hash (Token) =${hash}. Unable to find token in cache or \`LiteLLM_VerificationTokenTable\``,
      );
    }
    if (ADMIN_ROUTE.test(path)) {
      // Our consumer keys are team keys without a user; a key owned by an internal user may create
      // keys for itself upstream, which this fake does not model.
      return deny(
        `Authentication Error, Only proxy admin can be used to generate, delete, update info for new keys/users/teams. Route=${path}. Your role=internal_user. Your user_id=None`,
      );
    }
    return { caller: { kind: 'key', key, grant } };
  }

  /** Models a caller may use: all configured ones for the master key or a key with an empty list. */
  private modelsFor(caller: Caller): string[] {
    if (caller.kind === 'master') return [...this.opts.models];
    const teamModels = caller.grant.team?.models ?? [];
    return this.opts.models.filter(
      (m) => (caller.grant.models.length === 0 || caller.grant.models.includes(m)) && (teamModels.length === 0 || teamModels.includes(m)),
    );
  }

  /** Model lists and budgets, checked while authenticating the key. */
  private authorize(key: string, grant: FakeLiteLlmKey, model: string): LiteLlmRefusal | undefined {
    if (grant.models.length > 0 && !grant.models.includes(model)) return modelNotAllowed('key', grant.models, model);
    const keySpend = this.spendOf(key);
    if (grant.maxBudget !== undefined && keySpend >= grant.maxBudget) return keyBudgetExceeded(keySpend, grant.maxBudget);
    const team = grant.team;
    if (!team) return undefined;
    if (team.models && team.models.length > 0 && !team.models.includes(model)) return modelNotAllowed('team', team.models, model);
    const teamSpend = this.spendOf(`team:${team.id}`);
    // A team is refused only once its spend is over the budget; a key already when it reaches it.
    if (team.maxBudget !== undefined && teamSpend > team.maxBudget) return teamBudgetExceeded(team.id, teamSpend, team.maxBudget);
    return undefined;
  }

  private window(descriptor: string, now: number): Window {
    const current = this.windows.get(descriptor);
    if (current && now - current.start < WINDOW_SECONDS * 1000) return current;
    const fresh = { start: now, requests: 0, tokens: 0 };
    this.windows.set(descriptor, fresh);
    return fresh;
  }

  /**
   * The rate limiter's pre-call check: counts this request, then refuses it if any count is over its limit.
   * On success the caller must call the returned release once the response is written.
   */
  private admit(key: string, grant: FakeLiteLlmKey): LiteLlmRefusal | { release: (tokens: number) => void } {
    const now = Date.now();
    const limits: { descriptor: 'api_key' | 'team'; value: string; rpm?: number; tpm?: number; parallel?: number }[] = [
      { descriptor: 'api_key', value: hashedKey(key), rpm: grant.rpmLimit, tpm: grant.tpmLimit, parallel: grant.maxParallelRequests },
    ];
    if (grant.team) limits.push({ descriptor: 'team', value: grant.team.id, rpm: grant.team.rpmLimit, tpm: grant.team.tpmLimit });
    const active = limits.filter((l) => l.rpm !== undefined || l.tpm !== undefined || l.parallel !== undefined);
    for (const l of active) {
      const id = `${l.descriptor}:${l.value}`;
      const w = this.window(id, now);
      if (l.rpm !== undefined) w.requests += 1;
      if (l.parallel !== undefined) this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    }
    for (const l of active) {
      const id = `${l.descriptor}:${l.value}`;
      const w = this.window(id, now);
      const over: [RateLimitType, number] | undefined =
        l.rpm !== undefined && w.requests > l.rpm
          ? ['requests', l.rpm]
          : l.tpm !== undefined && w.tokens > l.tpm
            ? ['tokens', l.tpm]
            : l.parallel !== undefined && (this.inFlight.get(id) ?? 0) > l.parallel
              ? ['max_parallel_requests', l.parallel]
              : undefined;
      if (over) {
        this.releaseInFlight(active);
        return rateLimited(l.descriptor, l.value, over[0], over[1], WINDOW_SECONDS, new Date(now + WINDOW_SECONDS * 1000));
      }
    }
    return {
      release: (tokens: number) => {
        this.releaseInFlight(active);
        for (const l of active) if (l.tpm !== undefined) this.window(`${l.descriptor}:${l.value}`, Date.now()).tokens += tokens;
      },
    };
  }

  private releaseInFlight(limits: readonly { descriptor: string; value: string; parallel?: number }[]): void {
    for (const l of limits) {
      const id = `${l.descriptor}:${l.value}`;
      if (l.parallel !== undefined) this.inFlight.set(id, Math.max(0, (this.inFlight.get(id) ?? 0) - 1));
    }
  }

  private charge(key: string, grant: FakeLiteLlmKey): void {
    const cost = this.opts.costPerCompletionUsd ?? 0;
    this.spend.set(key, this.spendOf(key) + cost);
    if (grant.team) this.spend.set(`team:${grant.team.id}`, this.spendOf(`team:${grant.team.id}`) + cost);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    const raw = await readBody(req);
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
      }
    }
    // Starlette's CORSMiddleware wraps every answer, errors and streams included.
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    for (const [name, value] of Object.entries(liteLlmAnswerCorsHeaders(this.opts.cors ?? {}, headers))) res.setHeader(name, value);
    const resolvedKey = resolveVirtualKey(req.headers, this.opts.keyHeaderName);
    const record: RecordedRequest = { method, path, headers: req.headers, body, resolvedKey, status: 0 };
    this.requests.push(record);
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      send(res, status, payload);
    };

    if (PUBLIC_ROUTES.has(path)) return reply(200, { status: 'healthy' });
    if (path === '/ui' || path.startsWith('/ui/')) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>LiteLLM Dashboard</title>');
      return;
    }

    if (path === '/mcp' || path.startsWith('/mcp/')) {
      // The MCP gateway reads the key its own way (./fake-litellm-mcp.ts), then authenticates it as usual.
      const mcpAuth = this.authenticate(resolveMcpKey(req.headers), path);
      if ('status' in mcpAuth) return reply(mcpAuth.status, mcpAuth.body);
      const caller = mcpAuth.caller;
      const servers = this.opts.mcpServers ?? {};
      const granted =
        caller.kind === 'master' ? Object.keys(servers) : grantedMcpServers(caller.grant.mcpServers, caller.grant.team?.mcpServers);
      record.status = 200;
      return serveGatewayMcp(servers, granted, req, res, body);
    }

    const auth = this.authenticate(resolvedKey, path);
    if ('status' in auth) return reply(auth.status, auth.body);
    const { caller } = auth;
    if (caller.kind === 'key' && caller.grant.alias !== undefined) Object.assign(record, { keyAlias: caller.grant.alias });

    if (ADMIN_ROUTE.test(path)) {
      if (path === '/key/generate' && method === 'POST') return reply(200, { key: `sk-generated-${this.requests.length}` });
      return reply(200, {});
    }
    if (method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return reply(200, {
        object: 'list',
        data: this.modelsFor(caller).map((id) => ({ id, object: 'model', created: 1677610602, owned_by: 'openai' })),
      });
    }
    if (method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
      return this.chatCompletion(caller, body, res, record);
    }
    return reply(404, { detail: 'Not Found' });
  }

  private async chatCompletion(caller: Caller, body: unknown, res: ServerResponse, record: RecordedRequest): Promise<void> {
    const request = (typeof body === 'object' && body !== null ? body : {}) as { model?: unknown; stream?: unknown };
    const model = typeof request.model === 'string' ? request.model : '';
    const reply = (status: number, payload: unknown) => {
      record.status = status;
      send(res, status, payload);
    };
    const refuse = (refusal: LiteLlmRefusal) => {
      record.status = refusal.status;
      res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers }).end(JSON.stringify(refusal.body));
    };
    // Model lists and budgets are checked at authentication, before the router looks the model up. The status
    // for a model the key may not use has been 401 and, in one later copy, 403 upstream: tests rely only on
    // "refused with an auth error naming the model".
    if (caller.kind === 'key') {
      const refusal = this.authorize(caller.key, caller.grant, model);
      if (refusal) return refuse(refusal);
    }

    if (!this.opts.models.includes(model)) {
      return reply(
        400,
        liteLlmError(
          400,
          `Invalid model name passed in model=${model}. Call \`/v1/models\` to view available models for your key.`,
          'invalid_request_error',
        ),
      );
    }
    let done = (_tokens: number): void => undefined;
    if (caller.kind === 'key') {
      const admitted = this.admit(caller.key, caller.grant);
      if ('status' in admitted) return refuse(admitted);
      const { key, grant } = caller;
      Object.assign(record, { traceTags: mergeTags(grant.tags, grant.team?.tags) });
      done = (tokens) => {
        admitted.release(tokens);
        this.charge(key, grant);
      };
    }
    this.completions += 1;
    const id = `chatcmpl-fake-${this.completions}`;
    const created = Math.floor(Date.now() / 1000);
    const parts = this.opts.reply ?? ['Hello', ' from', ' the', ' fake', ' gateway'];
    const usage = { prompt_tokens: 1, completion_tokens: parts.length, total_tokens: parts.length + 1 };
    if (request.stream !== true) {
      const content = parts.join('');
      done(usage.total_tokens);
      return reply(200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage,
      });
    }

    record.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    for (const [i, text] of parts.entries()) {
      res.write(chunk(i === 0 ? { role: 'assistant', content: text } : { content: text }, null));
      if (this.opts.chunkGapMs) await new Promise((r) => setTimeout(r, this.opts.chunkGapMs));
    }
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
    done(usage.total_tokens);
    this.finishedAt.push(Date.now());
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
}
