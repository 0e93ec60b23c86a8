/**
 * Runs the database bootstrap's extension step and Open WebUI's pgvector setup on PGlite, which ships the REAL
 * pgvector, and prints what it observed as one JSON line. A separate Node process (`tsx`), because PGlite loads its
 * WebAssembly and extension bundles with dynamic import(), which jest's module sandbox refuses.
 * Usage: tsx test/support/pglite-pgvector.ts <16|17>. Used by test/lambda/db-bootstrap/pgvector.test.ts.
 */
import { escapeIdentifier } from 'pg';
import { PGlite as PGlite16 } from 'pglite-16';
import { vector as vector16 } from 'pglite-16/vector';
import { PGlite as PGlite17 } from 'pglite-17';
import { vector as vector17 } from 'pglite-17/vector';
import { ensureExtensions, type RunSql } from '../../lambda/db-bootstrap/bootstrap';

interface Session {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

/** What the test asserts on. */
export interface PgvectorObservations {
  readonly serverVersion: string;
  readonly pgvectorVersion: string;
  /** pg_available_extension_versions for the default version: who may create it. */
  readonly control: { superuser: boolean; trusted: boolean };
  /** The application role's own CREATE EXTENSION vector, refused. */
  readonly appCreate: { code?: string; message: string } | 'succeeded';
  /** Changes recorded by two runs of ensureExtensions. */
  readonly changes: string[];
  readonly schema: string;
  /** Open WebUI's setup and one nearest-neighbour query, run as the application role. */
  readonly search: { id: string; similarity: number; role: string }[];
}

const SESSIONS: Record<string, () => Promise<Session>> = {
  16: () => PGlite16.create({ extensions: { vector: vector16 } }),
  17: () => PGlite17.create({ extensions: { vector: vector17 } }),
};

const APP_ROLE = 'openwebui';

export async function observe(major: string): Promise<PgvectorObservations> {
  const create = SESSIONS[major];
  if (!create) throw new Error(`No PGlite for PostgreSQL ${major} (allowed: ${Object.keys(SESSIONS).join(', ')})`);
  const db = await create();
  const run: RunSql = async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows;
  try {
    const [server] = await run(`SELECT current_setting('server_version') AS version, current_database() AS database`);
    const [available] = await run(`SELECT default_version FROM pg_available_extensions WHERE name = 'vector'`);
    const pgvectorVersion = String(available?.default_version);
    const [control] = await run(`SELECT superuser, trusted FROM pg_available_extension_versions WHERE name = 'vector' AND version = $1`, [
      pgvectorVersion,
    ]);

    // As the bootstrap leaves it: the application role owns the database (so it may create tables in public).
    await db.exec(`CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    await db.exec(`ALTER DATABASE ${escapeIdentifier(String(server?.database))} OWNER TO ${APP_ROLE}`);

    await db.exec(`SET ROLE ${APP_ROLE}`);
    let appCreate: PgvectorObservations['appCreate'] = 'succeeded';
    try {
      await db.exec(`CREATE EXTENSION vector`);
    } catch (err) {
      const { code, message } = err as { code?: string; message: string };
      appCreate = { code, message };
    }
    await db.exec(`RESET ROLE`);

    // The master user's part (here the superuser: PGlite has no rds_superuser), twice.
    const changes: string[] = [];
    await ensureExtensions(run, 'openwebui', ['vector'], (c) => changes.push(c));
    await ensureExtensions(run, 'openwebui', ['vector'], (c) => changes.push(c));
    const [installed] = await run(`SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'`);

    // What Open WebUI's PgvectorClient does (open-webui backend/open_webui/retrieval/vector/dbs/pgvector.py): create
    // the extension only when pg_extension lacks it, a table with a vector(n) column, an ivfflat or hnsw index with
    // cosine ops, inserts and a nearest-neighbour query; here as the application role.
    await db.exec(`SET ROLE ${APP_ROLE}`);
    await db.exec(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') THEN CREATE EXTENSION IF NOT EXISTS vector; END IF;
    END $$;`);
    await db.exec(`CREATE TABLE document_chunk (id text PRIMARY KEY, vector vector(3), collection_name text NOT NULL, text text)`);
    await db.exec(`CREATE INDEX idx_document_chunk_vector ON document_chunk USING ivfflat (vector vector_cosine_ops) WITH (lists = 1)`);
    await db.exec(
      `CREATE INDEX idx_document_chunk_hnsw ON document_chunk USING hnsw (vector vector_cosine_ops) WITH (m = 16, ef_construction = 64)`,
    );
    await db.exec(
      `INSERT INTO document_chunk VALUES ('a', '[1,0,0]', 'c', 'alpha'), ('b', '[0,1,0]', 'c', 'beta'), ('c', '[0,0,1]', 'c', 'gamma')`,
    );
    const search = await run(
      `SELECT id, (1 - (vector <=> '[0.1,0.9,0]'))::float8 AS similarity, current_user::text AS role
         FROM document_chunk WHERE collection_name = 'c' ORDER BY vector <=> '[0.1,0.9,0]' LIMIT 1`,
    );

    return {
      serverVersion: String(server?.version),
      pgvectorVersion,
      control: { superuser: Boolean(control?.superuser), trusted: Boolean(control?.trusted) },
      appCreate,
      changes,
      schema: String(installed?.schema),
      search: search.map((r) => ({ id: String(r.id), similarity: Number(r.similarity), role: String(r.role) })),
    };
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  observe(process.argv[2] ?? '').then(
    (observations) => process.stdout.write(`${JSON.stringify(observations)}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
