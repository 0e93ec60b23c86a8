import type { Client } from 'pg';
import { bootstrapDatabases } from '../../../lambda/db-bootstrap/bootstrap';
import { pgConnect, type Connect } from '../../../lambda/db-bootstrap/connect';
import type { ApplicationDatabase } from '../../../lambda/db-bootstrap/properties';
import { PGVECTOR_STAND_IN_VERSION, installPgvectorStandIn } from '../../support/pgvector-stand-in';
import { MASTER_USER, startPostgres, type LocalPostgres } from '../../support/postgres';
import { AURORA_ENGINE_VERSIONS, postgresBinaries } from '../../support/postgres-binaries';

const litellm: ApplicationDatabase = { name: 'litellm', username: 'litellm', password: 'LitellmPassword0123456789abcdefg' };
const langfuse: ApplicationDatabase = { name: 'langfuse', username: 'langfuse', password: 'LangfusePassword0123456789abcdef' };
/** Open WebUI's database asks for pgvector; on these servers `vector` is the stand-in (test/support/pgvector-stand-in.ts). */
const openwebui: ApplicationDatabase = {
  name: 'openwebui',
  username: 'openwebui',
  password: 'OpenWebUiPassword0123456789abcde',
  extensions: ['vector'],
};

// One server per engine version, shared by the tests of that version; each test starts without the
// application databases and roles.
describe.each(AURORA_ENGINE_VERSIONS)('bootstrapDatabases on Aurora PostgreSQL %s', (engineVersion) => {
  let pg: LocalPostgres;
  let connect: Connect;

  beforeAll(async () => {
    installPgvectorStandIn(postgresBinaries(engineVersion));
    pg = await startPostgres(engineVersion);
    connect = pgConnect({ host: pg.host, port: pg.port, ssl: false, connectionTimeoutMs: 5_000 });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  beforeEach(async () => {
    for (const db of [litellm, langfuse, openwebui]) {
      await pg.query(`DROP DATABASE IF EXISTS ${db.name}`);
      await pg.query(`DROP ROLE IF EXISTS ${db.username}`);
    }
    await pg.query(`ALTER ROLE ${pg.master.user} RESET ALL`);
  });

  /** Runs the bootstrap as the master user, as the Lambda does. */
  async function bootstrap(databases: ApplicationDatabase[]): Promise<string[]> {
    const master = await connect({ ...pg.master, database: 'postgres' });
    try {
      const connectMaster = (database: string) => connect({ ...pg.master, database });
      return await bootstrapDatabases({ master, connect, connectMaster, databases });
    } finally {
      await master.end();
    }
  }

  /** Runs SQL as the master user. */
  async function asMaster(sql: string): Promise<void> {
    const master = await connect({ ...pg.master, database: 'postgres' });
    try {
      await master.query(sql);
    } finally {
      await master.end();
    }
  }

  /** Everything the bootstrap may change, as the superuser sees it. */
  async function clusterState() {
    const roles = await pg.query(
      `SELECT rolname, rolpassword, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole
         FROM pg_authid WHERE rolname IN ('litellm', 'langfuse') ORDER BY rolname`,
    );
    const databases = await pg.query(
      `SELECT datname, pg_get_userbyid(datdba) AS owner, datacl::text AS acl
         FROM pg_database WHERE datname IN ('litellm', 'langfuse') ORDER BY datname`,
    );
    const memberships = await pg.query(
      `SELECT pg_get_userbyid(roleid) AS role, pg_get_userbyid(member) AS member, pg_get_userbyid(grantor) AS grantor,
              admin_option AS admin, inherit_option AS inherit, set_option AS set
         FROM pg_auth_members WHERE pg_get_userbyid(roleid) IN ('litellm', 'langfuse') ORDER BY 1, 2, 3`,
    );
    return { roles, databases, memberships };
  }

  async function logIn(user: string, password: string, database: string): Promise<Client> {
    return connect({ user, password, database });
  }

  async function expectLogIn(user: string, password: string, database: string): Promise<void> {
    const client = await logIn(user, password, database);
    await client.end();
  }

  test('creates a login role and an owned database per application on the first run', async () => {
    // WHEN
    const changes = await bootstrap([litellm, langfuse]);

    // THEN
    const { roles, databases } = await clusterState();
    expect(roles).toEqual([
      expect.objectContaining({ rolname: 'langfuse', rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false }),
      expect.objectContaining({ rolname: 'litellm', rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false }),
    ]);
    expect(roles.map((r) => r.rolpassword)).toEqual([expect.stringMatching(/^SCRAM-SHA-256\$/), expect.stringMatching(/^SCRAM-SHA-256\$/)]);
    expect(databases).toEqual([
      { datname: 'langfuse', owner: 'langfuse', acl: '{langfuse=CTc/langfuse}' },
      { datname: 'litellm', owner: 'litellm', acl: '{litellm=CTc/litellm}' },
    ]);
    await expectLogIn('litellm', litellm.password, 'litellm');
    await expectLogIn('langfuse', langfuse.password, 'langfuse');
    expect(changes).toEqual([
      'role "litellm": created',
      'role "litellm": granted to the master user so it can manage the database',
      'database "litellm": created, owned by "litellm"',
      'database "litellm": revoked all privileges from PUBLIC',
      'role "langfuse": created',
      'role "langfuse": granted to the master user so it can manage the database',
      'database "langfuse": created, owned by "langfuse"',
      'database "langfuse": revoked all privileges from PUBLIC',
    ]);
  });

  test('the master user holds ADMIN on the roles it creates (PostgreSQL 16+) and grants itself SET and INHERIT', async () => {
    // WHEN
    await bootstrap([litellm]);

    // THEN the creation grant comes from the bootstrap superuser, the membership from the master itself
    const { memberships } = await clusterState();
    expect(memberships).toEqual([
      { role: 'litellm', member: MASTER_USER, grantor: MASTER_USER, admin: false, inherit: true, set: true },
      { role: 'litellm', member: MASTER_USER, grantor: 'rdsadmin', admin: true, inherit: false, set: false },
    ]);
  });

  test('changes nothing when run again with the same secrets', async () => {
    // GIVEN
    await bootstrap([litellm, langfuse]);
    const before = await clusterState();

    // WHEN
    const changes = await bootstrap([litellm, langfuse]);

    // THEN
    expect(changes).toEqual([]);
    expect(await clusterState()).toEqual(before);
  });

  test('rotates only the password that changed: the new one logs in, the old one does not', async () => {
    // GIVEN
    await bootstrap([litellm, langfuse]);
    const before = await clusterState();
    const rotated = { ...litellm, password: 'RotatedPassword0123456789abcdefg' };

    // WHEN
    const changes = await bootstrap([rotated, langfuse]);

    // THEN
    expect(changes).toEqual(['role "litellm": password set from its secret']);
    await expectLogIn('litellm', rotated.password, 'litellm');
    await expect(logIn('litellm', litellm.password, 'litellm')).rejects.toMatchObject({ code: '28P01' });
    const after = await clusterState();
    expect(after.roles.find((r) => r.rolname === 'langfuse')).toEqual(before.roles.find((r) => r.rolname === 'langfuse'));
    expect(after.databases).toEqual(before.databases);
    expect(after.memberships).toEqual(before.memberships);
  });

  test("one application's role cannot connect to the other's database", async () => {
    // GIVEN
    await bootstrap([litellm, langfuse]);

    // WHEN / THEN
    await expect(logIn('litellm', litellm.password, 'langfuse')).rejects.toMatchObject({ code: '42501' });
    await expect(logIn('langfuse', langfuse.password, 'litellm')).rejects.toMatchObject({ code: '42501' });
  });

  test('the application role may create tables in its own database, as its migrations do', async () => {
    // GIVEN
    await bootstrap([litellm]);

    // WHEN
    const client = await logIn('litellm', litellm.password, 'litellm');
    try {
      await client.query(`CREATE TABLE migrations_probe (id integer PRIMARY KEY)`);
      await client.query(`CREATE SCHEMA app`);

      // THEN
      const { rows } = await client.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'migrations_probe'`);
      expect(rows).toEqual([{ tableowner: 'litellm' }]);
    } finally {
      await client.end();
    }
  });

  test('repairs a role, membership, owner and ACL that drifted from the contract', async () => {
    // GIVEN someone made the role a NOLOGIN CREATEDB role, took the database, opened it to PUBLIC and
    // revoked the master's membership
    await bootstrap([litellm]);
    await pg.query(`ALTER ROLE litellm NOLOGIN CREATEDB`);
    await pg.query(`ALTER DATABASE litellm OWNER TO ${pg.master.user}`);
    await pg.query(`GRANT CONNECT ON DATABASE litellm TO PUBLIC`);
    await pg.query(`REVOKE litellm FROM ${pg.master.user} GRANTED BY ${pg.master.user}`);

    // WHEN
    const changes = await bootstrap([litellm]);

    // THEN
    expect(changes).toEqual([
      'role "litellm": set LOGIN NOCREATEDB',
      'role "litellm": granted to the master user so it can manage the database',
      `database "litellm": owner changed from "${pg.master.user}" to "litellm"`,
      'database "litellm": revoked all privileges from PUBLIC',
    ]);
    const { roles, databases } = await clusterState();
    expect(roles[0]).toMatchObject({ rolcanlogin: true, rolcreatedb: false });
    expect(databases[0]).toMatchObject({ owner: 'litellm' });
    expect(databases[0]?.acl).not.toMatch(/(^|[{,])=/);
  });

  test.each(['set', 'inherit'])('closes the database to PUBLIC whatever createrole_self_grant gives the master (%s)', async (selfGrant) => {
    // GIVEN a parameter that grants new roles to their creator with some options already
    await pg.query(`ALTER ROLE ${pg.master.user} SET createrole_self_grant = '${selfGrant}'`);

    // WHEN
    await bootstrap([litellm]);

    // THEN
    const { databases, memberships } = await clusterState();
    expect(databases).toEqual([{ datname: 'litellm', owner: 'litellm', acl: '{litellm=CTc/litellm}' }]);
    expect(memberships).toContainEqual(expect.objectContaining({ member: MASTER_USER, inherit: true, set: true }));
  });

  test('adopts a role the master user created without a password by setting it from the secret', async () => {
    // GIVEN
    await asMaster(`CREATE ROLE litellm LOGIN`);

    // WHEN
    const changes = await bootstrap([litellm]);

    // THEN
    expect(changes).toContain('role "litellm": password set from its secret');
    await expectLogIn('litellm', litellm.password, 'litellm');
  });

  test('refuses, before changing anything, a role the master user holds no ADMIN OPTION on', async () => {
    // GIVEN a role made by another role (here the superuser): since PostgreSQL 16, CREATEROLE alone cannot change it
    await pg.query(`CREATE ROLE langfuse LOGIN`);
    const before = await clusterState();

    // WHEN
    const error = await bootstrap([litellm, langfuse]).catch((e: Error) => e);

    // THEN
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      `The master user "${MASTER_USER}" cannot manage these existing roles: PostgreSQL 16 and later require ADMIN OPTION on a ` +
        'role to change its password or grant it, and a CREATEROLE user holds that only on roles it created.\n' +
        `  - "langfuse": have its creator run GRANT "langfuse" TO "${MASTER_USER}" WITH ADMIN OPTION, or drop it so the bootstrap creates it`,
    );
    expect(await clusterState()).toEqual(before);
  });

  test('adopts that role once it is granted to the master user WITH ADMIN OPTION, as the message says', async () => {
    // GIVEN
    await pg.query(`CREATE ROLE langfuse LOGIN`);
    await pg.query(`GRANT langfuse TO ${MASTER_USER} WITH ADMIN OPTION`);

    // WHEN
    await bootstrap([langfuse]);

    // THEN
    await expectLogIn('langfuse', langfuse.password, 'langfuse');
  });

  /** Extensions in a database, with their owner, as the superuser sees them. */
  async function extensionsIn(database: string) {
    return pg.query(
      `SELECT extname, extversion, pg_get_userbyid(extowner) AS owner, extnamespace::regnamespace::text AS schema
         FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY extname`,
      [],
      database,
    );
  }

  test('creates the extension a database asks for, as the master user, in schema public', async () => {
    // WHEN
    const changes = await bootstrap([litellm, openwebui]);

    // THEN
    expect(changes.slice(-1)).toEqual([`database "openwebui": created extension "vector" ${PGVECTOR_STAND_IN_VERSION}`]);
    expect(changes.filter((c) => c.includes('extension'))).toHaveLength(1);
    expect(await extensionsIn('openwebui')).toEqual([
      { extname: 'vector', extversion: PGVECTOR_STAND_IN_VERSION, owner: MASTER_USER, schema: 'public' },
    ]);
    expect(await extensionsIn('litellm')).toEqual([]);
  });

  test('changes nothing when the extension exists already, and creates it again when it was dropped', async () => {
    // GIVEN
    await bootstrap([openwebui]);

    // WHEN / THEN
    expect(await bootstrap([openwebui])).toEqual([]);
    await pg.query(`DROP EXTENSION vector`, [], 'openwebui');
    expect(await bootstrap([openwebui])).toEqual([`database "openwebui": created extension "vector" ${PGVECTOR_STAND_IN_VERSION}`]);
  });

  test('the application role, which may not create the extension, uses it in tables of its own', async () => {
    // GIVEN
    await bootstrap([openwebui]);
    const client = await logIn('openwebui', openwebui.password, 'openwebui');
    try {
      // WHEN / THEN
      await client.query(`CREATE TABLE document_chunk (id text PRIMARY KEY, embedding vector)`);
      await client.query(`INSERT INTO document_chunk VALUES ('a', '{1,0,0}')`);
      const { rows } = await client.query(`SELECT tableowner FROM pg_tables WHERE tablename = 'document_chunk'`);
      expect(rows).toEqual([{ tableowner: 'openwebui' }]);
    } finally {
      await client.end();
    }
  });

  test('refuses the application role the CREATE EXTENSION it leaves to the master user (stand-in of pgvector not being trusted)', async () => {
    // GIVEN the database and role, but no extension yet
    await bootstrap([{ ...openwebui, extensions: [] }]);
    const client = await logIn('openwebui', openwebui.password, 'openwebui');
    try {
      // WHEN / THEN
      await expect(client.query(`CREATE EXTENSION vector`)).rejects.toMatchObject({
        code: '42501',
        message: 'permission denied to create extension "vector"',
      });
    } finally {
      await client.end();
    }
  });

  test('refuses, before changing anything, an extension the server does not ship', async () => {
    // GIVEN
    const before = await clusterState();

    // WHEN
    const error = await bootstrap([litellm, { ...openwebui, extensions: ['vector', 'not_shipped'] }]).catch((e: Error) => e);

    // THEN
    expect((error as Error).message).toBe(
      'This server ships no extension "not_shipped" (pg_available_extensions), which "openwebui" asked for: ' +
        'choose an engine version that ships it. Nothing was changed.',
    );
    expect(await clusterState()).toEqual(before);
    expect(await pg.query(`SELECT rolname FROM pg_roles WHERE rolname = 'openwebui'`)).toEqual([]);
  });

  test('logs in with passwords that need quoting in SQL', async () => {
    const awkward = { ...litellm, password: `it's a "quoted" \\ pass; --` };
    await bootstrap([awkward]);
    await expectLogIn('litellm', awkward.password, 'litellm');
  });
});

describe('bootstrapDatabases on an older server', () => {
  test('refuses PostgreSQL before 16, whose role rules it does not follow, before any change', async () => {
    // GIVEN a server that reports PostgreSQL 15 and records every statement
    const statements: string[] = [];
    const master = {
      query: async (sql: string) => {
        statements.push(sql);
        return { rows: [{ num: '150013', version: '15.13' }] };
      },
    } as unknown as Client;

    // WHEN / THEN
    await expect(bootstrapDatabases({ master, connect: jest.fn(), connectMaster: jest.fn(), databases: [litellm] })).rejects.toThrow(
      'PostgreSQL 15.13 is not supported: the database bootstrap needs PostgreSQL 16 or later (the Aurora engine versions the config allows).',
    );
    expect(statements).toHaveLength(1);
  });
});
