import type { Client } from 'pg';
import { bootstrapDatabases } from '../../../lambda/db-bootstrap/bootstrap';
import { pgConnect, type Connect } from '../../../lambda/db-bootstrap/connect';
import type { ApplicationDatabase } from '../../../lambda/db-bootstrap/properties';
import { startPostgres, type LocalPostgres } from '../../support/postgres';

// Like the RDS master user: may create roles and databases, but is no superuser.
const MASTER = { user: 'cluster_admin', password: 'master-password-1' };

const litellm: ApplicationDatabase = { name: 'litellm', username: 'litellm', password: 'LitellmPassword0123456789abcdefg' };
const langfuse: ApplicationDatabase = { name: 'langfuse', username: 'langfuse', password: 'LangfusePassword0123456789abcdef' };

let pg: LocalPostgres;
let connect: Connect;

beforeAll(async () => {
  pg = await startPostgres();
  await pg.query(`CREATE ROLE ${MASTER.user} LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER.password}'`);
  connect = pgConnect({ host: pg.host, port: pg.port, ssl: false, connectionTimeoutMs: 5_000 });
});

afterAll(async () => {
  await pg?.stop();
});

beforeEach(async () => {
  for (const db of [litellm, langfuse]) {
    await pg.query(`DROP DATABASE IF EXISTS ${db.name}`);
    await pg.query(`DROP ROLE IF EXISTS ${db.username}`);
  }
});

/** Runs the bootstrap as the master user, as the Lambda does. */
async function bootstrap(databases: ApplicationDatabase[]): Promise<string[]> {
  const master = await connect({ ...MASTER, database: 'postgres' });
  try {
    return await bootstrapDatabases({ master, connect, databases });
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
  return { roles, databases };
}

async function logIn(user: string, password: string, database: string): Promise<Client> {
  return connect({ user, password, database });
}

async function expectLogIn(user: string, password: string, database: string): Promise<void> {
  const client = await logIn(user, password, database);
  await client.end();
}

describe('bootstrapDatabases', () => {
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
    expect(changes).toEqual(
      expect.arrayContaining([
        'role "litellm": created',
        'database "litellm": created, owned by "litellm"',
        'database "litellm": revoked all privileges from PUBLIC',
      ]),
    );
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
  });

  test("one application's role cannot connect to the other's database", async () => {
    // GIVEN
    await bootstrap([litellm, langfuse]);

    // WHEN / THEN
    await expect(logIn('litellm', litellm.password, 'langfuse')).rejects.toMatchObject({ code: '42501' });
    await expect(logIn('langfuse', langfuse.password, 'litellm')).rejects.toMatchObject({ code: '42501' });
  });

  test('repairs a role, owner and ACL that drifted from the contract', async () => {
    // GIVEN someone made the role a NOLOGIN CREATEDB role, took the database and opened it to PUBLIC
    await bootstrap([litellm]);
    await pg.query(`ALTER ROLE litellm NOLOGIN CREATEDB`);
    await pg.query(`ALTER DATABASE litellm OWNER TO ${MASTER.user}`);
    await pg.query(`GRANT CONNECT ON DATABASE litellm TO PUBLIC`);

    // WHEN
    const changes = await bootstrap([litellm]);

    // THEN
    expect(changes).toEqual([
      'role "litellm": set LOGIN NOCREATEDB',
      `database "litellm": owner changed from "${MASTER.user}" to "litellm"`,
      'database "litellm": revoked all privileges from PUBLIC',
    ]);
    const { roles, databases } = await clusterState();
    expect(roles[0]).toMatchObject({ rolcanlogin: true, rolcreatedb: false });
    expect(databases[0]).toMatchObject({ owner: 'litellm' });
    expect(databases[0]?.acl).not.toMatch(/(^|[{,])=/);
  });

  test('adopts a role that exists without a password by setting it from the secret', async () => {
    // GIVEN
    await pg.query(`CREATE ROLE litellm LOGIN`);

    // WHEN
    const changes = await bootstrap([litellm]);

    // THEN
    expect(changes).toContain('role "litellm": password set from its secret');
    await expectLogIn('litellm', litellm.password, 'litellm');
  });

  test('logs in with passwords that need quoting in SQL', async () => {
    const awkward = { ...litellm, password: `it's a "quoted" \\ pass; --` };
    await bootstrap([awkward]);
    await expectLogIn('litellm', awkward.password, 'litellm');
  });
});
