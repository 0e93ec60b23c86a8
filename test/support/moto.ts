/**
 * A local AWS API emulator for tests: `moto_server` on a free 127.0.0.1 port, started per test file.
 * Point an SDK client at `endpoint` with `credentials` and `region`; state lives only in that process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './postgres';
import { timedSetupAsync } from './setup-costs';

export interface LocalMoto {
  readonly endpoint: string;
  readonly region: string;
  /** Dummy values; moto accepts any. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  stop(): Promise<void>;
}

export function startMoto(options: { readyTimeoutMs?: number } = {}): Promise<LocalMoto> {
  return timedSetupAsync('moto', 'moto_server', () => launchMoto(options));
}

async function launchMoto(options: { readyTimeoutMs?: number }): Promise<LocalMoto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitUntilAnswering(endpoint, child, options.readyTimeoutMs ?? 20_000);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    throw new Error(`${(err as Error).message}\nmoto_server output:\n${output}`, { cause: err });
  }

  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode} before answering`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms (is moto[server] installed?)`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
