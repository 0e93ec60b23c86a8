/**
 * The admin client against a LiteLLM that lies (test/support/hostile-litellm.ts, on loopback): every answer that
 * is not upstream's success shape fails closed, with a message that holds no key in any form. The shapes it
 * expects are upstream's, stated in test/contracts/litellm-admin.test.ts.
 */
import {
  keyHash,
  KEY_LIST_PAGE_SIZE,
  LiteLlmAdmin,
  LiteLlmAdminError,
  MAX_BODY_BYTES,
  redactSecrets,
  type LiteLlmAdminOptions,
} from '../../../lambda/tenants/litellm-admin';
import { HostileLiteLlm, type HostileAnswer, type HostileRequest } from '../../support/hostile-litellm';

const MASTER = 'sk-Master_Key-value/with+odd=chars-000001';
const KEY = 'sk-Consumer_Key-value-0000000000000000002';
const OTHER_KEY = 'sk-Someone-elses-key-000000000000000000003';

let hostile: HostileLiteLlm | undefined;
afterEach(async () => {
  await hostile?.stop();
  hostile = undefined;
});

async function against(answer: (req: HostileRequest) => HostileAnswer, options: Partial<LiteLlmAdminOptions> = {}): Promise<LiteLlmAdmin> {
  hostile = await HostileLiteLlm.start(answer);
  return new LiteLlmAdmin({ baseUrl: hostile.url, masterKey: MASTER, timeoutMs: 2_000, ...options });
}

/** The error a call fails with; fails the test when the call succeeds. */
async function failure(call: Promise<unknown>): Promise<LiteLlmAdminError> {
  const outcome = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(LiteLlmAdminError);
  return outcome as LiteLlmAdminError;
}

/** Every form of a secret the messages must not contain. */
function formsOf(secret: string): string[] {
  const bare = secret.slice('sk-'.length);
  return [secret, bare, encodeURIComponent(secret), encodeURIComponent(bare), JSON.stringify(secret).slice(1, -1)];
}

function expectKeyFree(message: string): void {
  for (const secret of [MASTER, KEY, OTHER_KEY]) for (const form of formsOf(secret)) expect(message).not.toContain(form);
}

const liteLlmError = (message: string) => ({ error: { message, type: 'internal_server_error', param: 'None', code: '400' } });

describe('LiteLlmAdmin against a hostile LiteLLM', () => {
  test.each([
    ['POST /team/update', (a: LiteLlmAdmin) => a.updateTeam({ team_id: 't-1', max_budget: 1 })],
    ['POST /team/delete', (a: LiteLlmAdmin) => a.deleteTeams(['t-1'])],
    ['POST /key/update', (a: LiteLlmAdmin) => a.updateKey({ key: KEY, max_budget: 1 })],
    ['POST /key/delete', (a: LiteLlmAdmin) => a.deleteKeys({ hashes: [KEY] })],
  ])('denies a 200 that carries an error body as success (%s)', async (route, call) => {
    const admin = await against(() => ({ status: 200, json: liteLlmError('Team not found, passed team_id=t-1') }));
    const err = await failure(call(admin));
    expect(err.route).toBe(route);
    expect(err.message).toBe(`LiteLLM ${route} answered 200: answered 200 with an error: Team not found, passed team_id=t-1`);
  });

  test('denies a 200 without JSON, a FastAPI detail, an update answer for another team and a delete answer without deleted keys', async () => {
    const answers: HostileAnswer[] = [
      { status: 200, text: '<html>ok</html>', contentType: 'text/html' },
      { status: 200, json: { detail: 'Not authenticated' } },
      { status: 200, json: { team_id: 't-other', data: {} } },
      { status: 200, json: { message: 'ok' } },
    ];
    const admin = await against(() => answers.shift()!);
    expect((await failure(admin.updateTeam({ team_id: 't-1' }))).liteLlmMessage).toBe('answered 200 with no JSON: <html>ok</html>');
    expect((await failure(admin.updateTeam({ team_id: 't-1' }))).liteLlmMessage).toBe('answered 200 with an error: Not authenticated');
    expect((await failure(admin.updateTeam({ team_id: 't-1' }))).liteLlmMessage).toBe('the answer is not the updated team');
    expect((await failure(admin.deleteKeys({ aliases: ['a'] }))).liteLlmMessage).toBe('the answer names no deleted keys');
  });

  test('denies a /key/generate that stored another key than the one requested, and names neither key', async () => {
    const admin = await against(() => ({ status: 200, json: { key: OTHER_KEY, token: keyHash(OTHER_KEY), key_alias: 'app' } }));
    const err = await failure(admin.generateKey({ key: KEY, key_alias: 'app' }));
    expect(err.message).toBe('LiteLLM POST /key/generate answered 200: the answer holds another key than the one requested');
    expectKeyFree(err.message);
  });

  test('denies a /key/generate whose token is not the hash of its key, and a /team/new for another alias', async () => {
    const answers: HostileAnswer[] = [
      { status: 200, json: { key: KEY, token: keyHash(OTHER_KEY) } },
      { status: 200, json: { team_id: 't-1', team_alias: 'someone-else' } },
    ];
    const admin = await against(() => answers.shift()!);
    expect((await failure(admin.generateKey({ key: KEY, key_alias: 'app' }))).liteLlmMessage).toBe(
      'the answer holds another key than the one requested',
    );
    expect((await failure(admin.newTeam({ team_alias: 'mine', models: [], metadata: {} }))).liteLlmMessage).toBe(
      'the answer names another team than the one asked for',
    );
  });

  test.each<[string, (secret: string) => HostileAnswer]>([
    ['as sent', (s) => ({ status: 400, json: liteLlmError(`bad key ${s}`) })],
    ['without its sk- prefix', (s) => ({ status: 400, json: liteLlmError(`bad key ${s.slice(3)}`) })],
    ['URL-encoded', (s) => ({ status: 400, json: liteLlmError(`GET /x?key=${encodeURIComponent(s)} failed`) })],
    ['URL-encoded in lower case', (s) => ({ status: 400, json: liteLlmError(`key=${encodeURIComponent(s).toLowerCase()}`) })],
    ['URL-encoded without its prefix', (s) => ({ status: 400, json: liteLlmError(`key=${encodeURIComponent(s.slice(3))}`) })],
    ['inside JSON in the message', (s) => ({ status: 400, json: liteLlmError(JSON.stringify({ request: { api_key: s } })) })],
    ['as a JSON detail object', (s) => ({ status: 422, json: { detail: [{ msg: 'bad', input: { key: s } }] } })],
    ['as the whole body', (s) => ({ status: 401, text: s })],
    ['in a 200 error body', (s) => ({ status: 200, json: liteLlmError(`auth ${s}`) })],
  ])('redacts the master key and the key it sent when the server echoes them %s', async (_how, echo) => {
    for (const secret of [MASTER, KEY]) {
      const admin = await against(() => echo(secret));
      const err = await failure(admin.updateKey({ key: KEY, max_budget: 1 }));
      expectKeyFree(err.message);
      expectKeyFree(err.liteLlmMessage);
      await hostile!.stop();
      hostile = undefined;
    }
  });

  test('redacts a key a transport error echoes (a message built from the URL or headers)', async () => {
    const admin = new LiteLlmAdmin({
      baseUrl: 'http://127.0.0.1:9',
      masterKey: MASTER,
      fetch: async () => {
        throw new TypeError('fetch failed', {
          cause: new Error(`connect refused for Bearer ${MASTER.slice(3)} and ${encodeURIComponent(KEY)}`),
        });
      },
    });
    const err = await failure(admin.updateKey({ key: KEY }));
    expect(err.status).toBe(0);
    expectKeyFree(err.message);
    expect(err.message).toContain('<master key>');
  });

  test('stops reading an answer larger than the cap, with a clear error, without holding it', async () => {
    const chunk = `{"keys":[${'"x",'.repeat(16 * 1024)}`;
    const admin = await against(() => ({ status: 200, endlessChunk: chunk }));
    const before = process.memoryUsage().rss;
    const err = await failure(admin.listTeams());
    expect(err.message).toBe(`LiteLLM GET /team/list answered 200: the answer is larger than ${MAX_BODY_BYTES} bytes: refused to read it`);
    // Nothing near the 64 MB the issue saw was held: well under twice the cap.
    expect(process.memoryUsage().rss - before).toBeLessThan(2 * MAX_BODY_BYTES + 32 * 1024 * 1024);
  });

  test('refuses a declared body over the cap without reading it', async () => {
    const admin = await against(() => ({ status: 200, text: 'x'.repeat(2048) }), { maxBodyBytes: 1024 });
    expect((await failure(admin.listTeams())).liteLlmMessage).toBe('the answer is larger than 1024 bytes: refused to read it');
  });

  test('stops following a key listing that never ends after the page cap', async () => {
    const page = (n: number) => ({
      keys: Array.from({ length: KEY_LIST_PAGE_SIZE }, (_, i) => ({ token: keyHash(`sk-page-${n}-${i}`), key_alias: `k${n}-${i}` })),
      total_pages: 1_000_000,
    });
    const admin = await against((req) => ({ status: 200, json: page(Number(req.query.get('page'))) }), { maxKeyListPages: 5 });
    const err = await failure(admin.listKeys());
    expect(err.liteLlmMessage).toBe(
      'still more keys after 5 pages of 100: refused to read on (raise maxKeyListPages if the environment really holds that many keys)',
    );
    expect(hostile!.requests).toHaveLength(5);
  });

  test('keeps the overall deadline: a call that hangs is cut off at it, and no call is sent after it', async () => {
    let clock = Date.now();
    const admin = await against(() => ({ hang: true }), { timeoutMs: 60_000, deadline: clock + 300, now: () => clock });
    const started = Date.now();
    const err = await failure(admin.listTeams());
    expect(err.message).toBe('LiteLLM GET /team/list failed: no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
    clock += 301;
    const late = await failure(admin.listTeams());
    expect(late.message).toBe('LiteLLM GET /team/list failed: not sent: the run has no time left before its deadline');
    expect(hostile!.requests).toHaveLength(1);
  });

  test('still accepts upstream success shapes', async () => {
    const admin = await against((req) => {
      if (req.path === '/team/update') return { status: 200, json: { team_id: req.body!.team_id, data: { team_id: req.body!.team_id } } };
      if (req.path === '/key/generate') return { status: 200, json: { key: req.body!.key, token: keyHash(req.body!.key as string) } };
      if (req.path === '/key/delete') return { status: 200, json: { deleted_keys: req.body!.keys } };
      return { status: 200, json: { team_id: 't', team_alias: req.body!.team_alias } };
    });
    await admin.updateTeam({ team_id: 't-1', max_budget: 1 });
    await expect(admin.generateKey({ key: KEY, key_alias: 'a' })).resolves.toMatchObject({ key: KEY });
    await admin.deleteKeys({ hashes: [KEY] });
    await expect(admin.newTeam({ team_alias: 'mine', models: [], metadata: {} })).resolves.toMatchObject({ team_id: 't' });
  });
});

describe('redactSecrets', () => {
  test('replaces every form of each secret, the longest first, and leaves short fragments alone', () => {
    const text = `a ${MASTER} b ${MASTER.slice(3)} c ${encodeURIComponent(MASTER)} d ${encodeURIComponent(encodeURIComponent(MASTER))}`;
    expect(redactSecrets(text, [{ value: MASTER, label: '<m>' }])).toBe('a <m> b <m> c <m> d <m>');
    expect(redactSecrets('sk-abc and abc', [{ value: 'sk-abc', label: '<k>' }])).toBe('sk-abc and abc');
  });
});
