/**
 * A LiteLLM that lies, for the admin client's tests: a loopback server whose every answer the test writes. It
 * answers what a compromised or broken proxy (or something squatting on its address) could: a 200 carrying an
 * error, another key than the one asked for, secrets echoed back, a body without end, a listing without end, or
 * nothing at all.
 *
 * Usage:
 *   const hostile = await HostileLiteLlm.start((req) => ({ status: 200, json: { error: { message: 'no' } } }));
 *   hostile.url; hostile.requests; await hostile.stop();
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './http';

/** A request as the server saw it. */
export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown> | undefined;
}

/** What to answer: JSON, raw text, an endless stream of a chunk, or never. */
export type HostileAnswer =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly text: string; readonly contentType?: string }
  | { readonly status: number; readonly endlessChunk: string }
  | { readonly hang: true };

export class HostileLiteLlm {
  readonly requests: HostileRequest[] = [];
  /** Bytes written by endless answers before the client hung up. */
  streamedBytes = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(answer: (req: HostileRequest) => HostileAnswer): Promise<HostileLiteLlm> {
    const holder: { self?: HostileLiteLlm } = {};
    const server = createServer((req, res) => {
      void holder.self!.handle(req, res, answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new HostileLiteLlm(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.self;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, answer: (req: HostileRequest) => HostileAnswer): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = (await readBody(req)).toString();
    const request: HostileRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body: raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>),
    };
    this.requests.push(request);
    const a = answer(request);
    if ('hang' in a) return;
    if ('json' in a) {
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.json));
      return;
    }
    if ('text' in a) {
      res.writeHead(a.status, { 'content-type': a.contentType ?? 'text/plain' }).end(a.text);
      return;
    }
    // No content-length: the client can only stop by counting.
    res.writeHead(a.status, { 'content-type': 'application/json' });
    const write = () => {
      while (!res.destroyed && res.write(a.endlessChunk)) this.streamedBytes += a.endlessChunk.length;
      if (!res.destroyed) res.once('drain', write);
    };
    res.on('close', () => undefined);
    write();
  }
}
