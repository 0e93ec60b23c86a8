import { FakeLiteLlmAdmin, durationSeconds, sha256 } from './fake-litellm-admin';

const MASTER = 'sk-master-fake-0001';
const KEY = 'sk-fake-admin-key-0002';

let fake: FakeLiteLlmAdmin;
beforeEach(async () => {
  fake = await FakeLiteLlmAdmin.start({ masterKey: MASTER });
});
afterEach(async () => {
  await fake.stop();
});

const post = (route: string, body: unknown) =>
  fetch(`${fake.url}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('FakeLiteLlmAdmin', () => {
  test('records calls without key values: a key in a body or query appears only as its hash', async () => {
    await post('/key/generate', { key: KEY, key_alias: 'a' });
    await fetch(`${fake.url}/key/info?key=${KEY}`, { headers: { authorization: `Bearer ${MASTER}` } });
    await post('/key/delete', { keys: [KEY] });
    expect(JSON.stringify(fake.calls)).not.toContain(KEY);
    expect(fake.calls.map((c) => `${c.method} ${c.route} ${c.status}`)).toEqual([
      'POST /key/generate 200',
      'GET /key/info 200',
      'POST /key/delete 200',
    ]);
    expect(fake.calls[0]!.body).toEqual({ key: `sha256:${sha256(KEY)}`, key_alias: 'a' });
    expect(fake.writes()).toHaveLength(2);
  });

  test('fails the named route once with a 500 in LiteLLM’s error shape and changes nothing', async () => {
    fake.failOnce({ route: '/team/new' });
    const failed = await post('/team/new', { team_alias: 't' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      error: { message: 'Internal Server Error (injected by the test)', type: 'internal_server_error', param: 'None', code: '500' },
    });
    expect(fake.teams.size).toBe(0);
    expect((await post('/team/new', { team_alias: 't' })).status).toBe(200);
    expect(fake.teams.size).toBe(1);
  });

  test('fails the nth write counted from now, whatever its route', async () => {
    await post('/team/new', { team_alias: 'before' });
    fake.failOnce({ nthWrite: 2, status: 503 });
    expect((await post('/team/new', { team_alias: 'one' })).status).toBe(200);
    await fetch(`${fake.url}/team/list`, { headers: { authorization: `Bearer ${MASTER}` } });
    expect((await post('/team/new', { team_alias: 'two' })).status).toBe(503);
    expect((await post('/team/new', { team_alias: 'three' })).status).toBe(200);
    expect([...fake.teams.values()].map((t) => t.team_alias).sort()).toEqual(['before', 'one', 'three']);
  });

  test('readiness fails for the given number of polls, then answers db connected', async () => {
    fake.failReadiness(2, 'db-disconnected');
    const dbs = [];
    for (let i = 0; i < 3; i++) dbs.push(((await (await fetch(`${fake.url}/health/readiness`)).json()) as { db: string }).db);
    expect(dbs).toEqual(['disconnected', 'disconnected', 'connected']);
    expect(fake.adminCalls()).toEqual([]);
  });

  test('seeded keys are stored by hash and found by alias; durations read as LiteLLM reads them', () => {
    const row = fake.seedKey(KEY, { key_alias: 'seeded' });
    expect(row.token).toBe(sha256(KEY));
    expect(fake.keyByAlias('seeded')).toBe(row);
    expect([durationSeconds('30s'), durationSeconds('2h'), durationSeconds('30d'), durationSeconds('1mo')]).toEqual([
      30, 7200, 2592000, 2592000,
    ]);
  });
});
