/**
 * A throwaway PostgreSQL server for tests: a fresh data directory per call, on a free 127.0.0.1
 * port, with SCRAM password authentication on TCP so role passwords are really checked.
 *
 * Needs `initdb` and `pg_ctl` on PATH. initdb refuses to run as root, so when the tests run as root
 * (CI containers) the server runs as the `postgres` OS user.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const SERVER_OS_USER = 'postgres';

export interface LocalPostgres {
  readonly host: string;
  readonly port: number;
  /** The bootstrap superuser, `postgres`, with a random password. */
  readonly superuser: { readonly user: string; readonly password: string };
  /** The server's log file, e.g. to check what `log_statement` wrote. */
  readonly logFile: string;
  /** A connected client; the caller ends it. Defaults to the superuser on the `postgres` database. */
  connect(login?: { user: string; password: string; database?: string }): Promise<Client>;
  /** Runs one statement as the superuser. */
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<LocalPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const asRoot = process.getuid?.() === 0;
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, 'superuser-password');
  const password = randomBytes(16).toString('hex');
  writeFileSync(passwordFile, password, { mode: 0o600 });
  if (asRoot) {
    const { uid, gid } = osUser(SERVER_OS_USER);
    chownSync(dir, uid, gid);
    chownSync(passwordFile, uid, gid);
  }
  const asServerUser = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', SERVER_OS_USER, '--', command, ...args]) : run(command, args);

  const stopSync = () => {
    const args = ['-D', dataDir, '-m', 'immediate', '-s', 'stop'];
    if (asRoot) spawnSync('runuser', ['-u', SERVER_OS_USER, '--', 'pg_ctl', ...args]);
    else spawnSync('pg_ctl', args);
    rmSync(dir, { recursive: true, force: true });
  };
  // pg_ctl daemonizes the server; if the test process dies without afterAll, still take it down.
  process.once('exit', stopSync);

  try {
    await asServerUser('initdb', [
      '-D', dataDir,
      '-U', 'postgres',
      `--pwfile=${passwordFile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E', 'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    const port = await startOnFreePort(asServerUser, dataDir, dir);
    const host = '127.0.0.1';
    const superuser = { user: 'postgres', password };

    const connect: LocalPostgres['connect'] = async (login = superuser) => {
      const client = new Client({ host, port, user: login.user, password: login.password, database: login.database ?? 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };

    return {
      host,
      port,
      superuser,
      logFile: join(dir, 'server.log'),
      connect,
      async query<R extends object>(sql: string, params: unknown[] = [], database = 'postgres') {
        const client = await connect({ ...superuser, database });
        try {
          return (await client.query<R>(sql, params)).rows;
        } finally {
          await client.end();
        }
      },
      async stop() {
        process.removeListener('exit', stopSync);
        stopSync();
      },
    };
  } catch (err) {
    process.removeListener('exit', stopSync);
    const log = safeRead(join(dir, 'server.log'));
    stopSync();
    throw new Error(`Could not start a test PostgreSQL: ${(err as Error).message}${log ? `\nserver log:\n${log}` : ''}`);
  }
}

/** A free port can be taken by someone else before the server binds it; try a few. */
async function startOnFreePort(
  asServerUser: (command: string, args: string[]) => Promise<unknown>,
  dataDir: string,
  socketDir: string,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${socketDir}`,
      '-c listen_addresses=127.0.0.1',
      // Durability buys nothing in a throwaway server.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
    ].join(' ');
    try {
      await asServerUser('pg_ctl', ['-D', dataDir, '-l', join(socketDir, 'server.log'), '-o', options, '-w', '-t', '30', '-s', 'start']);
      return port;
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function osUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${name}:`));
  if (!line) throw new Error(`Running as root needs an OS user "${name}" to run PostgreSQL; none found in /etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function safeRead(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
