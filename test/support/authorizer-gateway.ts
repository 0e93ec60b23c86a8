import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type { AuthorizerHandler } from '../../lambda/authorizer/handler';
import { keyContextField, routeOf, type GatewayRoute } from '../../constructs/openai-routes';
import { allowedOrigin, preflightHeaders, responseCorsHeaders } from '../../lib/shared/cors';
import {
  AUTHORIZER_END_USER_CONTEXT,
  AUTHORIZER_KEY_CONTEXT,
  LITELLM_END_USER_HEADERS,
  LITELLM_KEY_HEADER,
} from '../../lib/shared/litellm';
import { readBody } from './http';

/**
 * A loopback stand-in for the API Gateway pieces around the authorizer: identity source `Authorization`,
 * the result cache keyed on that header, the policy check, and the integration request mapping
 * `x-litellm-api-key = context.authorizer.<field>` (overwriting whatever the client sent; the field is the one
 * the edge maps on the route the path falls on: the bare key, or `Bearer <key>` on the MCP routes), with the
 * upstream response streamed through unbuffered. Errors are OpenAI-style JSON like the gateway responses.
 *
 * As lib/edge-stack.ts maps them, it also writes `context.authorizer.endUser` over LiteLLM's end-user headers (and any
 * `endUserHeaders` given, such as Open WebUI's where LiteLLM reads it). With `browserOrigins` it behaves like the edge
 * with browser apps: the web ACL refuses a foreign Origin (403, no CORS header), OPTIONS on a route marked `browser`
 * is answered by lib/shared/cors.ts preflightHeaders (204, or 403 without CORS headers), and its own error answers
 * carry responseCorsHeaders. Answers from upstream pass through with upstream's headers, as HTTP_PROXY does.
 */
export interface GatewayStandInOptions {
  /** Origins of the browser apps (tenants.consumers[].browser.origins). @default none: no preflight, no CORS */
  readonly browserOrigins?: readonly string[];
  /** Further headers the edge writes the end user into (Open WebUI's, where LiteLLM reads it). @default none */
  readonly endUserHeaders?: readonly string[];
}

export class GatewayStandIn {
  invocations = 0;
  private readonly cache = new Map<string, { result?: APIGatewayAuthorizerResult; error?: Error; expiresAt: number }>();

  private constructor(
    private readonly server: Server,
    private readonly handler: AuthorizerHandler,
    private readonly upstream: string,
    private readonly cacheTtlMs: number,
    private readonly options: GatewayStandInOptions,
  ) {}

  static async start(
    handler: AuthorizerHandler,
    upstream: string,
    cacheTtlMs = 300_000,
    options: GatewayStandInOptions = {},
  ): Promise<GatewayStandIn> {
    const server = createServer((req, res) => {
      self.handle(req, res).catch(() => {
        // A stream already under way (an MCP GET stream, say) ends by dropping the connection, as API Gateway's would.
        if (res.headersSent) res.destroy();
        else self.sendError(req, res, 500, 'Internal server error', 'api_error');
      });
    });
    const self = new GatewayStandIn(server, handler, upstream, cacheTtlMs, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async authorize(req: IncomingMessage, methodArn: string): Promise<{ result?: APIGatewayAuthorizerResult; error?: Error }> {
    const values = req.headersDistinct.authorization ?? [];
    const cacheKey = values.join('\n');
    const hit = this.cache.get(cacheKey);
    if (hit && hit.expiresAt > Date.now()) return hit;
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (const [name, list] of Object.entries(req.headersDistinct)) {
      if (!list) continue;
      headers[name] = list[list.length - 1] as string;
      multiValueHeaders[name] = list;
    }
    const event = {
      type: 'REQUEST',
      methodArn,
      headers,
      multiValueHeaders,
      httpMethod: req.method,
      path: req.url,
    } as unknown as APIGatewayRequestAuthorizerEvent;
    this.invocations += 1;
    let entry: { result?: APIGatewayAuthorizerResult; error?: Error };
    try {
      entry = { result: await this.handler(event, { awsRequestId: `req-${this.invocations}`, getRemainingTimeInMillis: () => 10_000 }) };
    } catch (err) {
      entry = { error: err as Error };
    }
    // API Gateway caches policies and 401s; an authorizer failure (500) is not cached.
    if (entry.result || entry.error?.message === 'Unauthorized')
      this.cache.set(cacheKey, { ...entry, expiresAt: Date.now() + this.cacheTtlMs });
    return entry;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] as string;
    const methodArn = `arn:aws:execute-api:eu-west-1:123456789012:standin/dev/${req.method}${path}`;
    const origins = this.options.browserOrigins ?? [];
    const origin = req.headers.origin;
    if (origins.length > 0 && origin !== undefined && origin !== '' && allowedOrigin(origin, origins) === undefined) {
      // The web ACL's RefuseForeignOrigin rule; its WAF_FILTERED answer echoes no origin.
      res.writeHead(403, { 'content-type': 'application/json', vary: 'Origin' });
      res.end(JSON.stringify({ error: { message: 'Forbidden', type: 'permission_error', code: 'request_blocked' } }));
      return;
    }
    if (req.method === 'OPTIONS') return this.preflight(req, res, path);
    if (!req.headersDistinct.authorization) return this.sendError(req, res, 401, 'Unauthorized', 'invalid_request_error');
    const { result, error } = await this.authorize(req, methodArn);
    if (error) {
      return error.message === 'Unauthorized'
        ? this.sendError(req, res, 401, 'Unauthorized', 'invalid_request_error')
        : this.sendError(req, res, 500, 'Authorizer failure', 'api_error');
    }
    const statement = result?.policyDocument.Statement[0] as { Effect: string; Resource: string } | undefined;
    if (!statement || statement.Effect !== 'Allow' || !matches(statement.Resource, methodArn)) {
      return this.sendError(req, res, 403, 'Forbidden', 'permission_denied');
    }

    const endUserHeaders = [...LITELLM_END_USER_HEADERS, ...(this.options.endUserHeaders ?? []).map((h) => h.toLowerCase())];
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !['host', 'connection', LITELLM_KEY_HEADER, 'content-length', ...endUserHeaders].includes(name)) {
        headers[name] = value;
      }
    }
    const route = routeOf(req.method ?? 'GET', path);
    const virtualKey = result?.context?.[route ? keyContextField(route) : AUTHORIZER_KEY_CONTEXT.bare];
    if (typeof virtualKey === 'string') headers[LITELLM_KEY_HEADER] = virtualKey;
    const endUser = result?.context?.[AUTHORIZER_END_USER_CONTEXT];
    if (typeof endUser === 'string') for (const h of endUserHeaders) headers[h] = endUser;
    const body = await readBody(req);
    headers['content-length'] = String(body.length);

    await new Promise<void>((resolve, reject) => {
      const upstreamReq = httpRequest(`${this.upstream}${req.url}`, { method: req.method, headers }, (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        res.flushHeaders();
        upstreamRes.on('data', (chunk: Buffer) => res.write(chunk));
        upstreamRes.on('end', () => {
          res.end();
          resolve();
        });
        upstreamRes.on('error', reject);
      });
      upstreamReq.on('error', reject);
      // A client that hangs up (an MCP client closing its GET stream) ends the upstream request too.
      res.on('close', () => {
        if (!res.writableFinished) upstreamReq.destroy();
      });
      upstreamReq.end(body);
    });
  }

  /** OPTIONS: the MOCK preflight on browser routes; any other path has no OPTIONS method (404, as unknown routes). */
  private preflight(req: IncomingMessage, res: ServerResponse, path: string): void {
    const route = ['GET', 'POST', 'DELETE'].map((m) => routeOf(m, path)).find((r): r is GatewayRoute => r?.browser === true);
    const origins = this.options.browserOrigins ?? [];
    if (!route || origins.length === 0) return this.sendError(req, res, 404, 'Not Found', 'invalid_request_error');
    const headers = preflightHeaders(req.headers.origin, origins, route.methods);
    if (!headers) {
      res.writeHead(403, { vary: 'Origin' }).end();
      return;
    }
    res.writeHead(204, headers).end();
  }

  private sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string, type: string): void {
    const origins = this.options.browserOrigins ?? [];
    const cors = origins.length > 0 ? responseCorsHeaders(req.headers.origin, origins) : {};
    res
      .writeHead(status, { 'content-type': 'application/json', ...cors })
      .end(JSON.stringify({ error: { message, type, code: String(status) } }));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function matches(pattern: string, arn: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(arn);
}
