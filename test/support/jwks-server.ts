import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type JwksBehaviour = 'serve' | 'hang' | 'error500';

/** A JWKS endpoint on 127.0.0.1 that counts its requests and can be told to hang or fail. */
export class JwksServer {
  hits = 0;
  behaviour: JwksBehaviour = 'serve';
  private readonly hanging = new Set<ServerResponse>();
  private constructor(
    private readonly server: Server,
    public jwks: unknown,
  ) {}

  static async start(jwks: unknown): Promise<JwksServer> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => self.handle(req, res));
    const self = new JwksServer(server, jwks);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  private handle(_req: IncomingMessage, res: ServerResponse): void {
    this.hits += 1;
    if (this.behaviour === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (this.behaviour === 'error500') {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.jwks));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
