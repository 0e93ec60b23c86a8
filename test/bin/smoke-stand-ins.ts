import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { headerNamePattern, TRAVERSAL_DECODING, TRAVERSAL_PATTERN } from '../../constructs/gateway-firewall';
import { CLIENT_ATTRIBUTION_HEADERS } from '../../lib/shared/litellm';
import { OPENAI_ROUTES } from '../../constructs/openai-routes';
import { STAGE_NAME } from '../../lib/edge-stack';
import { accessClaims, mint, type TestKey } from '../support/authorizer-tokens';
import type { FakeLiteLlm } from '../support/fake-litellm';
import { readBody } from '../support/http';
import { headerRuleMatches, regexRuleMatches } from '../support/waf-stand-in';

/** Stand-ins the smoke run meets on loopback, next to the shared authorizer gateway and fake LiteLLM. */

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * API Gateway's resource table in front of the authorizer stand-in: the stage prefix, and only the routes of
 * constructs/openai-routes.ts. Any other path gets the edge's 404 (MISSING_AUTHENTICATION_TOKEN mapped to an
 * OpenAI-style `unknown_route` in lib/edge-stack.ts) before any authorizer runs. In front of that, the web ACL's
 * RefuseEncodedTraversal and RefuseClientHeaders rules (constructs/gateway-firewall.ts, through the WAF stand-in) answer
 * the edge's 403 `request_blocked` (WAF_FILTERED); `waf: false` models an ACL without them.
 */
export class EdgeRoutesStandIn {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(gatewayUrl: string, options: { readonly waf?: boolean } = {}): Promise<EdgeRoutesStandIn> {
    const traversal = {
      RegexString: TRAVERSAL_PATTERN,
      FieldToMatch: { UriPath: {} },
      TextTransformations: TRAVERSAL_DECODING.map((Type, Priority) => ({ Priority, Type })),
    };
    const clientHeaders = {
      RegexString: headerNamePattern(CLIENT_ATTRIBUTION_HEADERS),
      FieldToMatch: { Headers: { MatchPattern: { All: {} }, MatchScope: 'KEY', OversizeHandling: 'MATCH' } },
      TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
    };
    const routes = OPENAI_ROUTES.map((r) => ({
      pattern: new RegExp(`^/${r.path.replace(/\{[a-z_]+\}/g, '[^/]+')}$`),
      methods: r.methods as string[],
    }));
    const { server, url } = await listen((req, res) => {
      const [path = '/', query] = (req.url ?? '/').split('?');
      const headers = Object.entries(req.headers).map(([name, value]): [string, string] => [name, String(value)]);
      if ((options.waf ?? true) && (regexRuleMatches(traversal, path) || headerRuleMatches(clientHeaders, headers))) {
        return json(res, 403, {
          error: { message: 'Forbidden', type: 'permission_error', code: 'request_blocked', request_id: 'standin-waf' },
        });
      }
      const prefix = `/${STAGE_NAME}`;
      const rest = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined;
      const known = rest !== undefined && routes.some((r) => r.pattern.test(rest) && r.methods.includes(req.method ?? ''));
      if (!known) {
        return json(res, 404, {
          error: { message: 'Missing Authentication Token', type: 'invalid_request_error', code: 'unknown_route', request_id: 'standin-1' },
        });
      }
      const upstream = httpRequest(
        `${gatewayUrl}${rest}${query ? `?${query}` : ''}`,
        { method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.flushHeaders();
          up.pipe(res);
        },
      );
      upstream.on('error', () =>
        json(res, 502, { error: { message: 'Bad gateway', type: 'api_error', code: 'upstream_error', request_id: 'standin-2' } }),
      );
      req.pipe(upstream);
    });
    return new EdgeRoutesStandIn(server, url);
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/**
 * The load balancer's target group in front of LiteLLM: until the pods are registered, connections are dropped
 * (API Gateway then answers 5xx); once registered, requests go through.
 */
export class TargetGroupStandIn {
  registered = false;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(targetUrl: string): Promise<TargetGroupStandIn> {
    const self: { it?: TargetGroupStandIn } = {};
    const { server, url } = await listen((req, res) => {
      if (!self.it?.registered) {
        req.socket.destroy();
        return;
      }
      const upstream = httpRequest(`${targetUrl}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(upstream);
    });
    self.it = new TargetGroupStandIn(server, url);
    return self.it;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/**
 * Cognito's token endpoint for one confidential app client: HTTP Basic client authentication, form-encoded
 * client-credentials grant, JSON access token; `{"error": "invalid_client"}` for a wrong id or secret and
 * `{"error": "invalid_scope"}` for a scope the client may not have (400 both).
 */
export class TokenEndpointStandIn {
  requests = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(opts: { clientId: string; clientSecret: string; scope: string; key: TestKey }): Promise<TokenEndpointStandIn> {
    const self: { it?: TokenEndpointStandIn } = {};
    const { server, url } = await listen((req, res) => {
      if (self.it) self.it.requests += 1;
      void readBody(req).then((raw) => {
        const body = raw.toString();
        const form = new URLSearchParams(body);
        const expected = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/x-www-form-urlencoded')
          return json(res, 400, { error: 'invalid_request' });
        if (req.headers.authorization !== expected) return json(res, 400, { error: 'invalid_client' });
        if (form.get('grant_type') !== 'client_credentials') return json(res, 400, { error: 'unsupported_grant_type' });
        if (form.get('scope') !== opts.scope) return json(res, 400, { error: 'invalid_scope' });
        json(res, 200, {
          access_token: mint(opts.key, accessClaims({ client_id: opts.clientId, sub: opts.clientId })),
          expires_in: 3600,
          token_type: 'Bearer',
        });
      });
    });
    self.it = new TokenEndpointStandIn(server, `${url}/oauth2/token`);
    return self.it;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/**
 * Langfuse's public traces API over what LiteLLM would have sent it: with `ingesting`, every completion the fake
 * LiteLLM served is a trace whose user is the request's `metadata.trace_user_id` (LiteLLM's langfuse_otel callback
 * sets it as the span's `user.id`). Project keys are checked as HTTP Basic auth.
 */
export class LangfuseStandIn {
  ingesting = true;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(litellm: FakeLiteLlm, keys: { publicKey: string; secretKey: string }): Promise<LangfuseStandIn> {
    const self: { it?: LangfuseStandIn } = {};
    const { server, url } = await listen((req, res) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      if (req.headers.authorization !== `Basic ${Buffer.from(`${keys.publicKey}:${keys.secretKey}`).toString('base64')}`) {
        return json(res, 401, { message: 'Invalid credentials. Confirm that you have used the correct host.' });
      }
      if (!req.url?.startsWith('/api/public/traces')) return json(res, 404, { message: 'Not found' });
      const traces = self.it?.ingesting
        ? litellm.requests
            .filter((r) => r.path === '/v1/chat/completions' && r.status === 200)
            .map((r, i) => ({
              id: `trace-${i}`,
              name: 'litellm-acompletion',
              userId: (r.body as { metadata?: { trace_user_id?: string } }).metadata?.trace_user_id,
            }))
        : [];
      const userId = query.get('userId');
      const data = traces.filter((t) => userId === null || t.userId === userId);
      json(res, 200, { data, meta: { page: 1, limit: 10, totalItems: data.length, totalPages: 1 } });
    });
    self.it = new LangfuseStandIn(server, url);
    return self.it;
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}

/**
 * One web hostname behind the public load balancer, as bin/smoke-web.ts describes it. `open-webui`: Open WebUI's
 * `/oauth/oidc/login` answers 302 to the provider's authorization endpoint when the `oidc` provider is registered,
 * 404 otherwise. `admin`: the authenticate rule sends a request without the session cookie to the provider with a
 * 302; without the rule the UI answers itself (200), and a host with no rule at all gets the listener's 404.
 */
export class WebHostStandIn {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(
    kind: 'open-webui' | 'admin',
    opts: { signInUrl: string; oidcRegistered?: boolean; signInRule?: boolean; hostRule?: boolean },
  ): Promise<WebHostStandIn> {
    const authorize = (redirectPath: string, host: string) =>
      `${opts.signInUrl}/oauth2/authorize?response_type=code&client_id=client-1&redirect_uri=${encodeURIComponent(`https://${host}${redirectPath}`)}&state=s1`;
    const { server, url } = await listen((req, res) => {
      const host = req.headers.host ?? 'unknown';
      if (kind === 'open-webui') {
        if (req.url === '/oauth/oidc/login' && (opts.oidcRegistered ?? true)) {
          return res.writeHead(302, { location: authorize('/oauth/oidc/callback', host) }).end();
        }
        return json(res, 404, { detail: 'Not Found' });
      }
      if (opts.hostRule === false) return res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      if ((opts.signInRule ?? true) && !(req.headers.cookie ?? '').includes('AWSELBAuthSessionCookie')) {
        return res.writeHead(302, { location: authorize('/oauth2/idpresponse', host) }).end();
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>admin UI</html>');
    });
    return new WebHostStandIn(server, url);
  }

  stop(): Promise<void> {
    return close(this.server);
  }
}
