import { AURORA_ENGINE_VERSIONS } from './postgres-binaries';
import { MASTER_USER, startPostgres, type LocalPostgres } from './postgres';

describe.each(AURORA_ENGINE_VERSIONS)('startPostgres(%s)', (engineVersion) => {
  let pg: LocalPostgres;
  beforeAll(async () => {
    pg = await startPostgres(engineVersion);
  });
  afterAll(async () => {
    await pg?.stop();
  });

  test('runs the same major and minor release as the Aurora engine version', async () => {
    const [row] = await pg.query<{ server_version: string }>(`SHOW server_version`);
    expect(row?.server_version).toBe(engineVersion);
  });

  test("logs the master user in like Aurora's: no superuser, may create roles and databases, inherits, in rds_superuser", async () => {
    // WHEN
    const master = await pg.connect(pg.master);
    try {
      const { rows } = await master.query(
        `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolinherit, rolreplication, rolbypassrls,
                pg_has_role(current_user, 'rds_superuser', 'MEMBER') AS in_rds_superuser
           FROM pg_roles WHERE rolname = current_user`,
      );

      // THEN
      expect(rows).toEqual([
        {
          rolname: MASTER_USER,
          rolsuper: false,
          rolcreaterole: true,
          rolcreatedb: true,
          rolinherit: true,
          rolreplication: false,
          rolbypassrls: false,
          in_rds_superuser: true,
        },
      ]);
      // Like RDS, which hides pg_authid: password hashes are for the superuser only.
      await expect(master.query(`SELECT rolpassword FROM pg_authid`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await master.end();
    }
  });

  test('has one superuser, rdsadmin, as on RDS', async () => {
    const rows = await pg.query(`SELECT rolname FROM pg_roles WHERE rolsuper`);
    expect(rows).toEqual([{ rolname: 'rdsadmin' }]);
  });

  test('checks passwords on TCP logins', async () => {
    await expect(pg.connect({ user: MASTER_USER, password: 'wrong' })).rejects.toMatchObject({ code: '28P01' });
  });
});
