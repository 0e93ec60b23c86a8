import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A moto_server (local AWS API emulator) on 127.0.0.1 and a free port, owned by one test file. */
export class AuthorizerMoto {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {}

  static async start(timeoutMs = 20_000): Promise<AuthorizerMoto> {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    const moto = new AuthorizerMoto(child, endpoint);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
      try {
        const res = await fetch(`${endpoint}/moto-api/`);
        if (res.ok) return moto;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await moto.stop();
        throw new Error(`moto_server did not start within ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Dummy credentials and the endpoint, for an SDK client built by the test. */
  clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
    clearTimeout(timer);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export type EndpointBehaviour = 'hang' | 'stall-body' | 'forward';

/**
 * A TCP endpoint the SDK can be pointed at, standing where Secrets Manager would be:
 * - `hang`: accepts the connection, reads the request, never answers (a black-holed service);
 * - `stall-body`: answers with status and headers, then never sends the promised body;
 * - `forward`: relays to `target` (moto_server), so the same endpoint can "recover" mid-test.
 * A connection keeps the behaviour it was accepted with.
 */
export class SwitchableEndpoint {
  behaviour: EndpointBehaviour = 'hang';
  /** Connections accepted; those held without an answer (hang, stall-body); held ones the client closed. */
  accepted = 0;
  held = 0;
  closedByClient = 0;
  private readonly sockets = new Set<Socket>();
  private stopping = false;

  private constructor(
    private readonly server: Server,
    private readonly target: URL | undefined,
  ) {}

  static async start(target?: string): Promise<SwitchableEndpoint> {
    const server = createServer();
    const endpoint = new SwitchableEndpoint(server, target === undefined ? undefined : new URL(target));
    server.on('connection', (socket) => endpoint.accept(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private accept(socket: Socket): void {
    this.accepted += 1;
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    const behaviour = this.behaviour;
    if (behaviour === 'forward') {
      if (!this.target) throw new Error('SwitchableEndpoint: forward needs a target');
      const upstream = connect(Number(this.target.port), this.target.hostname);
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      return;
    }
    this.held += 1;
    // Closed while we still hold it, before stop(): the client gave up and cut the connection.
    socket.on('close', () => {
      if (!this.stopping) this.closedByClient += 1;
    });
    if (behaviour === 'stall-body') {
      socket.once('data', () =>
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{"Name":'),
      );
    } else socket.resume();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
