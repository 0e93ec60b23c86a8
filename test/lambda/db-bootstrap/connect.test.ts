import { ConnectTimeoutError, connectWithRetry, isTransient, pgConnect, type RetryOptions } from '../../../lambda/db-bootstrap/connect';
import { freePort, startPostgres, type LocalPostgres } from '../../support/postgres';
import { AURORA_ENGINE_VERSIONS } from '../../support/postgres-binaries';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A clock that only moves when the code under test sleeps. */
function fakeClock(options: Omit<RetryOptions, 'sleep' | 'now'>) {
  let time = 0;
  const sleeps: number[] = [];
  const retry: RetryOptions = {
    ...options,
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
  };
  return { retry, sleeps };
}

describe('connectWithRetry', () => {
  test('retries refused connections with exponential backoff until the server answers', async () => {
    // GIVEN a server that refuses three times (resuming from auto-pause), then answers
    const { retry, sleeps } = fakeClock({ timeoutMs: 120_000, initialDelayMs: 1_000, maxDelayMs: 3_000 });
    let calls = 0;
    const attempt = async () => {
      calls++;
      if (calls <= 3) throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
      return 'connected';
    };

    // WHEN
    const result = await connectWithRetry(attempt, 'cluster', retry);

    // THEN
    expect(result).toBe('connected');
    expect(sleeps).toEqual([1_000, 2_000, 3_000]);
  });

  test('gives up once its bound is spent, saying where it tried and why it failed', async () => {
    // GIVEN a server that never answers
    const { retry, sleeps } = fakeClock({ timeoutMs: 10_000, initialDelayMs: 1_000, maxDelayMs: 4_000 });
    const attempt = async () => {
      throw new Error('timeout expired');
    };

    // WHEN / THEN
    const error = await connectWithRetry(attempt, 'db.example:5432 as the master user', retry).catch((e) => e);
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect(error.message).toBe(
      'Could not connect to db.example:5432 as the master user within 10s (4 attempts). ' +
        "Check that the cluster is available and that this function's security group may reach it. " +
        'Last error: timeout expired',
    );
    expect(sleeps).toEqual([1_000, 2_000, 4_000]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_000);
  });

  test('fails at once on a wrong password: waiting will not fix it', async () => {
    const { retry, sleeps } = fakeClock({ timeoutMs: 120_000, initialDelayMs: 1_000, maxDelayMs: 15_000 });
    const attempt = async () => {
      throw withCode('password authentication failed for user "postgres"', '28P01');
    };

    await expect(connectWithRetry(attempt, 'cluster', retry)).rejects.toMatchObject({ code: '28P01' });
    expect(sleeps).toEqual([]);
  });

  test('gives up on a real closed port within its bound', async () => {
    // GIVEN a port nothing listens on
    const port = await freePort();
    const connect = pgConnect({ host: '127.0.0.1', port, ssl: false, connectionTimeoutMs: 500 });
    const started = Date.now();

    // WHEN
    const error = await connectWithRetry(
      () => connect({ user: 'postgres', password: 'irrelevant', database: 'postgres' }),
      `127.0.0.1:${port}`,
      { timeoutMs: 1_000, initialDelayMs: 100, maxDelayMs: 400 },
    ).catch((e) => e);

    // THEN
    expect(error).toBeInstanceOf(ConnectTimeoutError);
    expect(error.message).toMatch(
      new RegExp(
        `^Could not connect to 127\\.0\\.0\\.1:${port} within 1s \\(\\d+ attempts\\)\\. .*Last error: ECONNREFUSED connect ECONNREFUSED`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('isTransient', () => {
  test.each([
    ['a refused connection', withCode('connect ECONNREFUSED 10.0.0.1:5432', 'ECONNREFUSED')],
    ['a server still starting', withCode('the database system is starting up', '57P03')],
    ['a connect timeout', new Error('timeout expired')],
    ['a dropped socket', new Error('Connection terminated unexpectedly')],
  ])('retries %s', (_, error) => {
    expect(isTransient(error)).toBe(true);
  });

  test.each([
    ['a wrong password', withCode('password authentication failed', '28P01')],
    ['a server without TLS', new Error('The server does not support SSL connections')],
    ['an untrusted certificate', withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN')],
    ['a non-error', 'ECONNREFUSED'],
  ])('does not retry %s', (_, error) => {
    expect(isTransient(error)).toBe(false);
  });
});

describe.each(AURORA_ENGINE_VERSIONS)('pgConnect to Aurora PostgreSQL %s', (engineVersion) => {
  let pg: LocalPostgres;
  beforeAll(async () => {
    pg = await startPostgres(engineVersion);
  });
  afterAll(async () => {
    await pg?.stop();
  });

  test('opens a client logged in as the given user on the given database', async () => {
    const connect = pgConnect({ host: pg.host, port: pg.port, ssl: false, connectionTimeoutMs: 5_000 });
    const client = await connect({ ...pg.master, database: 'template1' });
    try {
      const { rows } = await client.query(`SELECT current_user AS "user", current_database() AS db`);
      expect(rows).toEqual([{ user: pg.master.user, db: 'template1' }]);
    } finally {
      await client.end();
    }
  });

  test('rejects a wrong password with PostgreSQL invalid_password', async () => {
    const connect = pgConnect({ host: pg.host, port: pg.port, ssl: false, connectionTimeoutMs: 5_000 });
    await expect(connect({ user: 'postgres', password: 'wrong', database: 'postgres' })).rejects.toMatchObject({
      code: '28P01',
    });
  });
});
