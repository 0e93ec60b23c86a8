import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { browserRoutes, GATEWAY_ROUTES, routeOf, type GatewayRoute } from '../../constructs/openai-routes';
import { preflightHeaders, responseCorsHeaders } from '../../lib/shared/cors';

/** Methods a route may have; a preflight names the route by its path alone. */
const ROUTE_METHODS = [...new Set(GATEWAY_ROUTES.flatMap((r) => r.methods))];

/** A preflight the edge answered, for the tests to read. */
export interface RecordedPreflight {
  readonly origin?: string;
  readonly path: string;
  readonly status: number;
}

/**
 * The edge as a browser on another origin meets it, over https: API Gateway's CORS in front of the gateway
 * stand-in (authorizer-gateway.ts, which runs the real authorizer, maps its context into the headers LiteLLM
 * reads and streams the answer through). Every decision is lib/shared/cors.ts's, as in the Edge stack:
 * - `OPTIONS` on a route browser apps may call (constructs/openai-routes.ts `browser`) is answered here, without
 *   the authorizer (a preflight carries no token): the preflight headers for a configured origin, otherwise a
 *   403 without any CORS header;
 * - `OPTIONS` elsewhere is API Gateway's 403 for a method the route does not have;
 * - every other answer, the edge's own errors (401, 403, 5xx) and the upstream's, carries the CORS headers for
 *   the request's origin, and no CORS header the upstream set survives.
 */
export class BrowserEdgeStandIn {
  readonly preflights: RecordedPreflight[] = [];

  private constructor(
    private readonly server: Server,
    private readonly gateway: string,
    private readonly origins: readonly string[],
  ) {}

  /** `gateway`: the gateway stand-in's URL; `origins`: the configured browser apps' origins. */
  static async start(options: { gateway: string; origins: readonly string[]; tls: ServerOptions }): Promise<BrowserEdgeStandIn> {
    const server = createServer(options.tls, (req, res) => {
      self.handle(req, res).catch(() => {
        if (res.headersSent) res.destroy();
        else res.writeHead(500).end();
      });
    });
    const self = new BrowserEdgeStandIn(server, options.gateway, options.origins);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const path = (req.url ?? '/').split('?')[0] as string;
    if (req.method === 'OPTIONS') {
      const route = ROUTE_METHODS.map((m) => routeOf(m, path)).find((r): r is GatewayRoute => r !== undefined);
      const browserRoute = route && browserRoutes([route]).length === 1 ? route : undefined;
      const headers = browserRoute ? preflightHeaders(origin, this.origins, browserRoute.methods) : undefined;
      const status = headers ? 204 : 403;
      this.preflights.push({ origin, path, status });
      if (headers) res.writeHead(204, headers).end();
      // No method OPTIONS there (not a browser route) is a gateway response, which carries CORS like every error.
      else
        res.writeHead(403, browserRoute ? {} : { ...responseCorsHeaders(origin, this.origins), 'content-type': 'application/json' }).end();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const upstream = httpRequest(`${this.gateway}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...withoutCors(answer.headers), ...responseCorsHeaders(origin, this.origins) });
        res.flushHeaders();
        answer.on('data', (chunk: Buffer) => res.write(chunk));
        answer.on('end', () => {
          res.end();
          resolve();
        });
        answer.on('error', reject);
      });
      upstream.on('error', reject);
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function withoutCors(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('access-control-') && name !== 'vary'));
}
