import { escapeIdentifier, escapeLiteral, type Client } from 'pg';
import type { Connect } from './connect';
import type { ApplicationDatabase } from './properties';

/** PostgreSQL's invalid_password: the role exists but the password does not match. */
const INVALID_PASSWORD = '28P01';

export interface BootstrapOptions {
  /** Connected as the master user; the caller ends it. */
  readonly master: Client;
  /** Opens a connection as an application role, to check its password. */
  readonly connect: Connect;
  /** Opens a connection as the master user to another database, to create extensions there; the caller ends it. */
  readonly connectMaster: (database: string) => Promise<Client>;
  readonly databases: readonly ApplicationDatabase[];
  /** Receives one line per change; never a password. */
  readonly log?: (message: string) => void;
}

/**
 * Ensures each application has a login role with its secret's password, a database it owns that
 * no one else may connect to, and the extensions it asked for in that database. Changes only what
 * differs, so a second run with the same secrets changes nothing, and a changed secret only rotates
 * that role's password. Returns one line per change made.
 */
export async function bootstrapDatabases(options: BootstrapOptions): Promise<string[]> {
  const changes: string[] = [];
  const record = (change: string) => {
    changes.push(change);
    options.log?.(change);
  };
  // Every check before the first change, so a refused run changes nothing.
  await checkServerVersion(options.master);
  await checkRolesManageable(options.master, options.databases);
  await checkExtensionsAvailable(options.master, options.databases);
  // One at a time: CREATE DATABASE copies template1 and takes a lock on it.
  for (const db of options.databases) {
    await ensureRole(options.master, db, record);
    await ensureDatabase(options.master, db, record);
    await ensurePassword(options, db, record);
    if ((db.extensions ?? []).length > 0) {
      const client = await options.connectMaster(db.name);
      try {
        await ensureExtensions(rowsOf(client), db.name, db.extensions ?? [], record);
      } finally {
        await client.end();
      }
    }
  }
  return changes;
}

/** Runs one statement and returns its rows: a pg Client's query, or any other PostgreSQL session's. */
export type RunSql = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

function rowsOf(client: Client): RunSql {
  return async (sql, params) => (await client.query<Record<string, unknown>>(sql, params)).rows;
}

/**
 * Creates each missing extension in the connected database, in schema public where the application's tables
 * go. Run as the master user: pgvector is not a trusted extension, so the application role cannot create it,
 * but once it exists the role uses its type, functions and operators (granted to PUBLIC) and its index methods.
 * Never drops or updates an extension.
 */
export async function ensureExtensions(
  run: RunSql,
  database: string,
  extensions: readonly string[],
  record: (change: string) => void,
): Promise<void> {
  const present = new Set(
    (await run(`SELECT extname FROM pg_extension WHERE extname = ANY($1::text[])`, [extensions])).map((r) => r.extname),
  );
  for (const extension of extensions) {
    if (present.has(extension)) continue;
    await run(`CREATE EXTENSION IF NOT EXISTS ${escapeIdentifier(extension)} SCHEMA public`);
    const [row] = await run(`SELECT extversion FROM pg_extension WHERE extname = $1`, [extension]);
    record(`database "${database}": created extension "${extension}" ${String(row?.extversion)}`);
  }
}

/** The server must ship every extension asked for, or nothing is created at all. */
async function checkExtensionsAvailable(master: Client, databases: readonly ApplicationDatabase[]): Promise<void> {
  const wanted = [...new Set(databases.flatMap((db) => db.extensions ?? []))];
  if (wanted.length === 0) return;
  const { rows } = await master.query<{ name: string }>(`SELECT name FROM pg_available_extensions WHERE name = ANY($1::text[])`, [wanted]);
  const missing = wanted.filter((name) => !rows.some((row) => row.name === name));
  if (missing.length === 0) return;
  throw new Error(
    `This server ships no extension ${missing.map((name) => `"${name}"`).join(', ')} (pg_available_extensions), which ` +
      `${databases
        .filter((db) => (db.extensions ?? []).some((name) => missing.includes(name)))
        .map((db) => `"${db.name}"`)
        .join(', ')} asked for: choose an engine version that ships it. Nothing was changed.`,
  );
}

/** The role rules below are PostgreSQL 16's: GRANT ... WITH SET, pg_has_role(..., 'SET'). */
const MINIMUM_SERVER_VERSION = 160000;

async function checkServerVersion(master: Client): Promise<void> {
  const { rows } = await master.query<{ num: string; version: string }>(
    `SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version`,
  );
  const row = rows[0];
  if (row === undefined || Number(row.num) < MINIMUM_SERVER_VERSION) {
    throw new Error(
      `PostgreSQL ${row?.version ?? '(unknown version)'} is not supported: the database bootstrap needs PostgreSQL 16 or later ` +
        `(the Aurora engine versions the config allows).`,
    );
  }
}

/**
 * Since PostgreSQL 16, CREATEROLE lets the master user change a role's password or attributes, or grant
 * it, only with ADMIN OPTION on that role, which it holds on the roles it created. A role made by someone
 * else cannot be adopted without that.
 */
async function checkRolesManageable(master: Client, databases: readonly ApplicationDatabase[]): Promise<void> {
  const { rows } = await master.query<{ rolname: string; master: string }>(
    `SELECT rolname, current_user AS master FROM pg_roles
      WHERE rolname = ANY($1::text[]) AND NOT pg_has_role(current_user, oid, 'MEMBER WITH ADMIN OPTION')
      ORDER BY rolname`,
    [databases.map((db) => db.username)],
  );
  if (rows.length === 0) return;
  const masterUser = escapeIdentifier(rows[0]!.master);
  throw new Error(
    `The master user "${rows[0]!.master}" cannot manage these existing roles: PostgreSQL 16 and later require ADMIN OPTION ` +
      `on a role to change its password or grant it, and a CREATEROLE user holds that only on roles it created.\n` +
      rows
        .map(
          ({ rolname }) =>
            `  - "${rolname}": have its creator run GRANT ${escapeIdentifier(rolname)} TO ${masterUser} WITH ADMIN OPTION, ` +
            `or drop it so the bootstrap creates it`,
        )
        .join('\n'),
  );
}

async function ensureRole(master: Client, db: ApplicationDatabase, record: (change: string) => void): Promise<void> {
  const role = escapeIdentifier(db.username);
  const { rows } = await master.query<{ rolcanlogin: boolean; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
    `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = $1`,
    [db.username],
  );
  const existing = rows[0];
  if (existing === undefined) {
    // Sent over TLS; the server hashes it (SCRAM). Statement logging stays off in the parameter group.
    await master.query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${escapeLiteral(db.password)}`);
    record(`role "${db.username}": created`);
  } else {
    // Only the attributes that drifted: ALTER ROLE by a non-superuser may not even mention NOSUPERUSER.
    const fixes = [
      existing.rolcanlogin ? undefined : 'LOGIN',
      existing.rolsuper ? 'NOSUPERUSER' : undefined,
      existing.rolcreatedb ? 'NOCREATEDB' : undefined,
      existing.rolcreaterole ? 'NOCREATEROLE' : undefined,
    ].filter((fix) => fix !== undefined);
    if (fixes.length > 0) {
      await master.query(`ALTER ROLE ${role} ${fixes.join(' ')}`);
      record(`role "${db.username}": set ${fixes.join(' ')}`);
    }
  }

  // The master user is no superuser. Creating a role gave it ADMIN OPTION only (PostgreSQL 16+): handing
  // the role a database needs SET on it, and revoking on the owner's behalf needs its privileges (INHERIT).
  // Explicit options, so neither the master's INHERIT attribute nor createrole_self_grant decides them.
  const { rows: membership } = await master.query<{ set: boolean; inherit: boolean }>(
    `SELECT pg_has_role(current_user, $1, 'SET') AS set, pg_has_role(current_user, $1, 'USAGE') AS inherit`,
    [db.username],
  );
  if (!membership[0]?.set || !membership[0]?.inherit) {
    await master.query(`GRANT ${role} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE`);
    record(`role "${db.username}": granted to the master user so it can manage the database`);
  }
}

async function ensureDatabase(master: Client, db: ApplicationDatabase, record: (change: string) => void): Promise<void> {
  const name = escapeIdentifier(db.name);
  const { rows } = await master.query<{ owner: string; public_access: boolean }>(
    `SELECT pg_get_userbyid(datdba) AS owner,
            datacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(datacl) WHERE grantee = 0) AS public_access
       FROM pg_database WHERE datname = $1`,
    [db.name],
  );
  const existing = rows[0];
  if (existing === undefined) {
    await master.query(`CREATE DATABASE ${name} OWNER ${escapeIdentifier(db.username)}`);
    record(`database "${db.name}": created, owned by "${db.username}"`);
  } else if (existing.owner !== db.username) {
    await master.query(`ALTER DATABASE ${name} OWNER TO ${escapeIdentifier(db.username)}`);
    record(`database "${db.name}": owner changed from "${existing.owner}" to "${db.username}"`);
  }
  // A new database has default ACLs (NULL), which let every role connect.
  if (existing === undefined || existing.public_access) {
    await master.query(`REVOKE ALL ON DATABASE ${name} FROM PUBLIC`);
    record(`database "${db.name}": revoked all privileges from PUBLIC`);
  }
}

async function ensurePassword(options: BootstrapOptions, db: ApplicationDatabase, record: (change: string) => void) {
  if (await canLogIn(options.connect, db)) return;
  await options.master.query(`ALTER ROLE ${escapeIdentifier(db.username)} PASSWORD ${escapeLiteral(db.password)}`);
  record(`role "${db.username}": password set from its secret`);
  if (!(await canLogIn(options.connect, db))) {
    throw new Error(
      `Role "${db.username}" still cannot log in to database "${db.name}" after its password was set. ` +
        `Check the cluster's pg_hba rules and that password_encryption allows SCRAM.`,
    );
  }
}

/** Logging in is the only check that works without superuser: RDS hides pg_authid. */
async function canLogIn(connect: Connect, db: ApplicationDatabase): Promise<boolean> {
  try {
    const client = await connect({ user: db.username, password: db.password, database: db.name });
    await client.end();
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === INVALID_PASSWORD) return false;
    throw err;
  }
}
