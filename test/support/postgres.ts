/**
 * A throwaway PostgreSQL server for tests, set up like an Aurora PostgreSQL cluster of a pinned engine
 * version: the same major and minor release (binaries from npm, see postgres-binaries.ts), a bootstrap
 * superuser named `rdsadmin` that only the tests use, and a master user `postgres` with the attributes
 * and membership AWS documents for Aurora's master user, which is no superuser. A fresh data directory per
 * call, on a free 127.0.0.1 port, with SCRAM password authentication on TCP so passwords are really checked.
 *
 * PostgreSQL refuses to run as root, so when the tests run as root (CI containers) the server runs as the
 * `postgres` OS user. Servers start from a copy of one cached initdb template per version (see
 * templateDataDir); `stop()` removes the server's own directory.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, escapeLiteral } from 'pg';
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries';
import { timedSetupAsync } from './setup-costs';

const run = promisify(execFile);
const SERVER_OS_USER = 'postgres';

/** AWS's own superuser on RDS and Aurora; the master user never gets superuser. */
const SUPERUSER = 'rdsadmin';

/**
 * Aurora's master user (the username in the cluster's master secret: constructs/aurora-postgres.ts MASTER_USERNAME,
 * which the Aurora contract test holds this to), as
 * AWS documents it: LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION, member of rds_superuser.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html
 * (read 2026-11-29). rds_superuser here is a plain NOLOGIN role: whatever extra powers RDS gives it are not
 * emulated, so code that works here relies on nothing but stock PostgreSQL rules.
 */
export const MASTER_USER = 'genai_admin';
export const MASTER_ROLE_OPTIONS = 'LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION';
export const MASTER_GROUP = 'rds_superuser';

export interface Login {
  readonly user: string;
  readonly password: string;
}

export interface LocalPostgres {
  /** The Aurora engine version this server stands in for, e.g. `16.13`. */
  readonly engineVersion: string;
  readonly binaries: PostgresBinaries;
  readonly host: string;
  readonly port: number;
  /** `rdsadmin`, the only superuser: for setting up and inspecting, never for the code under test. */
  readonly superuser: Login;
  /** Like Aurora's master user: what the code under test logs in as. */
  readonly master: Login;
  /** The server's log file, e.g. to check what `log_statement` wrote. */
  readonly logFile: string;
  /** A connected client; the caller ends it. Defaults to the superuser on the `postgres` database. */
  connect(login?: Login & { database?: string }): Promise<Client>;
  /** Runs one statement as the superuser. */
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<R[]>;
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

export function startPostgres(engineVersion: string): Promise<LocalPostgres> {
  return timedSetupAsync('postgres', `PostgreSQL ${engineVersion}`, () => launchPostgres(engineVersion));
}

async function launchPostgres(engineVersion: string): Promise<LocalPostgres> {
  const binaries = postgresBinaries(engineVersion);
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const asRoot = process.getuid?.() === 0;
  const dataDir = join(dir, 'data');
  const serverUser = asRoot ? osUser(SERVER_OS_USER) : undefined;
  if (serverUser) chownSync(dir, serverUser.uid, serverUser.gid);
  const asServerUser = (program: string, args: string[]) => {
    const command = join(binaries.bin, program);
    return asRoot ? run('runuser', ['-u', SERVER_OS_USER, '--', command, ...args]) : run(command, args);
  };
  const commandAsServerUser = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', SERVER_OS_USER, '--', command, ...args]) : run(command, args);

  const stopSync = () => {
    const pgCtl = join(binaries.bin, 'pg_ctl');
    const args = ['-D', dataDir, '-m', 'immediate', '-s', 'stop'];
    if (asRoot) spawnSync('runuser', ['-u', SERVER_OS_USER, '--', pgCtl, ...args]);
    else spawnSync(pgCtl, args);
    rmSync(dir, { recursive: true, force: true });
  };
  // pg_ctl daemonizes the server; if the test process dies without afterAll, still take it down.
  process.once('exit', stopSync);

  try {
    const template = await templateDataDir(binaries, asServerUser, serverUser);
    await commandAsServerUser('cp', ['-a', template, dataDir]);
    const port = await startOnFreePort(asServerUser, dataDir, dir);
    const superuser = { user: SUPERUSER, password: randomBytes(16).toString('hex') };
    const master = { user: MASTER_USER, password: randomBytes(16).toString('hex') };
    // Passwords and roles are set over the Unix socket (trust) before any TCP login.
    const admin = new Client({ host: dir, port, user: SUPERUSER, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${escapeLiteral(superuser.password)}`);
      await admin.query(`CREATE ROLE ${MASTER_GROUP} NOLOGIN`);
      await admin.query(
        `CREATE ROLE ${MASTER_USER} ${MASTER_ROLE_OPTIONS} IN ROLE ${MASTER_GROUP} PASSWORD ${escapeLiteral(master.password)}`,
      );
    } finally {
      await admin.end();
    }
    const host = '127.0.0.1';

    const connect: LocalPostgres['connect'] = async (login = superuser) => {
      const client = new Client({ host, port, user: login.user, password: login.password, database: login.database ?? 'postgres' });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };

    return {
      engineVersion,
      binaries,
      host,
      port,
      superuser,
      master,
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
    // As root, the server runs as another OS user, who must be able to reach node_modules.
    const hint = asRoot ? `\n(the OS user "${SERVER_OS_USER}" runs it and must be able to read ${binaries.bin})` : '';
    throw new Error(
      `Could not start a test PostgreSQL ${engineVersion}: ${(err as Error).message}${hint}${log ? `\nserver log:\n${log}` : ''}`,
      {
        cause: err,
      },
    );
  }
}

const INITDB_ARGS = ['-U', SUPERUSER, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'];

/**
 * initdb costs seconds of CPU, so it runs once per PostgreSQL release and machine; each server starts
 * from a copy. The template stays in the temp directory (about 40 MB) for later runs.
 */
async function templateDataDir(
  binaries: PostgresBinaries,
  asServerUser: (program: string, args: string[]) => Promise<unknown>,
  serverUser: { uid: number; gid: number } | undefined,
): Promise<string> {
  const key = createHash('sha256')
    .update(`${binaries.packageName}@${binaries.packageVersion} ${INITDB_ARGS.join(' ')}`)
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
  asServerUser: (program: string, args: string[]) => Promise<unknown>,
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
