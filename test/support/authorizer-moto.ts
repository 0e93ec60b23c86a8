import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

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
