/**
 * A throwaway PostgreSQL server for tests: a fresh data directory per call, on a free 127.0.0.1
 * port, with SCRAM password authentication on TCP so role passwords are really checked.
 *
 * Needs `initdb` and `pg_ctl` on PATH. initdb refuses to run as root, so when the tests run as root
 * (CI containers) the server runs as the `postgres` OS user.
 * Servers start from a copy of one cached initdb template (see templateDataDir); `stop()` removes the
 * server's own directory.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, escapeLiteral } from 'pg';

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
  const password = randomBytes(16).toString('hex');
  const serverUser = asRoot ? osUser(SERVER_OS_USER) : undefined;
  if (serverUser) chownSync(dir, serverUser.uid, serverUser.gid);
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
    const template = await templateDataDir(asServerUser, serverUser);
    await asServerUser('cp', ['-a', template, dataDir]);
    const port = await startOnFreePort(asServerUser, dataDir, dir);
    // Each server gets its own superuser password, set over the Unix socket (trust) before any TCP login.
    const admin = new Client({ host: dir, port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`ALTER ROLE postgres PASSWORD ${escapeLiteral(password)}`);
    } finally {
      await admin.end();
    }
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
    throw new Error(`Could not start a test PostgreSQL: ${(err as Error).message}${log ? `\nserver log:\n${log}` : ''}`, { cause: err });
  }
}

const INITDB_ARGS = ['-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'];

/**
 * initdb costs seconds of CPU, so it runs once per PostgreSQL version and machine; each server starts
 * from a copy. The template stays in the temp directory (about 40 MB) for later runs.
 */
async function templateDataDir(
  asServerUser: (command: string, args: string[]) => Promise<unknown>,
  serverUser: { uid: number; gid: number } | undefined,
): Promise<string> {
  const { stdout: version } = await run('initdb', ['--version']);
  const key = createHash('sha256')
    .update(`${version}${INITDB_ARGS.join(' ')}`)
    .digest('hex')
    .slice(0, 12);
  const template = join(tmpdir(), `pg-test-template-${key}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;

  // Built aside and renamed into place, so parallel test files never see a half-made template.
  const building = mkdtempSync(`${template}.building-`);
  try {
    const passwordFile = join(building, 'password');
    writeFileSync(passwordFile, randomBytes(16).toString('hex'), { mode: 0o600 });
    if (serverUser) {
      chownSync(building, serverUser.uid, serverUser.gid);
      chownSync(passwordFile, serverUser.uid, serverUser.gid);
    }
    await asServerUser('initdb', ['-D', join(building, 'data'), `--pwfile=${passwordFile}`, ...INITDB_ARGS]);
    try {
      renameSync(join(building, 'data'), template);
    } catch (err) {
      // Another test file won the race; its template is as good as ours.
      if (!existsSync(join(template, 'PG_VERSION'))) throw err;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  return template;
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
