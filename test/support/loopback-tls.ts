import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';

/** A key and certificate, PEM. */
export interface LoopbackTls {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/**
 * A throwaway certificate and key for https://127.0.0.1, made with the openssl command (on Debian and on GitHub's
 * runners; Node.js can sign with a key but not issue a certificate). The browser tests serve every origin over
 * https like a deployment does, and tell Chromium to accept this certificate (ignoreHTTPSErrors).
 */
export function selfSignedTls(): LoopbackTls {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const args = 'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1'.split(' ');
    execFileSync('openssl', [...args, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** https in front of a plain-http loopback server: TLS ends here and the bytes go on unchanged (as a TLS listener's would). */
export class TlsFront {
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly server: Server) {}

  static async start(tls: LoopbackTls, target: string): Promise<TlsFront> {
    const { hostname, port } = new URL(target);
    const server = createServer(tls, (socket) => {
      front.sockets.add(socket);
      socket.on('close', () => front.sockets.delete(socket));
      const upstream = connect(Number(port), hostname);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
      socket.pipe(upstream).pipe(socket);
    });
    const front = new TlsFront(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return front;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
