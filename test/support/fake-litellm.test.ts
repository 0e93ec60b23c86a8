import OpenAI from 'openai';
import { FakeLiteLlm, fromRenderedConfig, hashedKey, liteLlmError, resolveVirtualKey } from './fake-litellm';

const KEY = 'sk-consumer-0001';
const NARROW = 'sk-narrow-0002';
const MASTER = 'sk-master-0000';

describe('resolveVirtualKey (LiteLLM user_api_key_auth key lookup)', () => {
  test.each<[string, Record<string, string>, string | undefined]>([
    ['a bare key in x-litellm-api-key', { 'x-litellm-api-key': KEY }, KEY],
    ['a Bearer key in x-litellm-api-key', { 'x-litellm-api-key': `Bearer ${KEY}` }, KEY],
    ['x-litellm-api-key over Authorization', { 'x-litellm-api-key': KEY, authorization: 'Bearer eyJhbGciOi.jwt' }, KEY],
    ['a Bearer key in Authorization', { authorization: `Bearer ${KEY}` }, KEY],
    ['a bare key in Authorization, as an empty key', { authorization: KEY }, ''],
    ['the Anthropic x-api-key when nothing else is sent', { 'x-api-key': KEY }, KEY],
    ['no key', {}, undefined],
    ['an empty x-litellm-api-key as absent', { 'x-litellm-api-key': '', authorization: `Bearer ${KEY}` }, KEY],
  ])('reads %s', (_what, headers, expected) => {
    expect(resolveVirtualKey(headers)).toBe(expected);
  });

  test.each<[string, Record<string, string>, string]>([
    ['blanks a bare key in the configured header', { 'x-litellm-api-key': KEY }, ''],
    ['accepts a Bearer key in the configured header', { 'x-litellm-api-key': `Bearer ${KEY}` }, KEY],
    ['ignores Authorization when the configured header is missing', { authorization: `Bearer ${KEY}` }, ''],
  ])('with litellm_key_header_name set, %s', (_what, headers, expected) => {
    expect(resolveVirtualKey(headers, 'x-litellm-api-key')).toBe(expected);
  });
});

describe('FakeLiteLlm', () => {
  let fake: FakeLiteLlm;
  beforeAll(async () => {
    fake = await FakeLiteLlm.start({
      masterKey: MASTER,
      keys: { [KEY]: { models: [], alias: 'team-a-app' }, [NARROW]: { models: ['haiku'] } },
      models: ['sonnet', 'haiku'],
    });
  });
  afterAll(() => fake.stop());

  const client = (key: string) =>
    new OpenAI({ apiKey: 'unused', baseURL: `${fake.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-litellm-api-key': key } });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fake.url}${path}`, { headers });

  test('lists only the models a key may use', async () => {
    expect((await client(KEY).models.list()).data.map((m) => m.id)).toEqual(['sonnet', 'haiku']);
    expect((await client(NARROW).models.list()).data.map((m) => m.id)).toEqual(['haiku']);
  });

  test('answers a non-streaming chat completion', async () => {
    const completion = await client(KEY).chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello from the fake gateway');
    expect(fake.requests.at(-1)).toMatchObject({ resolvedKey: KEY, keyAlias: 'team-a-app', status: 200 });
  });

  test('streams server-sent events ending with [DONE]', async () => {
    const res = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-litellm-api-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'haiku', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const text = events
      .slice(0, -1)
      .map((e) => JSON.parse(e.slice('data: '.length)).choices[0].delta.content ?? '')
      .join('');
    expect(text).toBe('Hello from the fake gateway');
  });

  test('refuses a missing key with LiteLLM 401 body', async () => {
    const res = await get('/v1/models');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(liteLlmError(401, 'Authentication Error, No api key passed in.', 'auth_error'));
  });

  test('refuses a bare key in Authorization as malformed', async () => {
    const res = await get('/v1/models', { authorization: KEY });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.',
    );
  });

  test('refuses an unknown key', async () => {
    const err = await client('sk-unknown-9999')
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).message).toContain('Invalid proxy server token passed');
  });

  test('refuses a model the key may not use', async () => {
    const err = await client(NARROW)
      .chat.completions.create({ model: 'sonnet', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  test('refuses admin routes to a consumer key and serves them to the master key', async () => {
    const asConsumer = await fetch(`${fake.url}/key/generate`, { method: 'POST', headers: { 'x-litellm-api-key': KEY } });
    expect(asConsumer.status).toBe(401);
    expect(((await asConsumer.json()) as { error: { type: string } }).error.type).toBe('auth_error');
    const asMaster = await fetch(`${fake.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` } });
    expect(asMaster.status).toBe(200);
  });

  test('serves health and the UI without a key', async () => {
    expect((await get('/health/liveliness')).status).toBe(200);
    expect((await get('/ui')).status).toBe(200);
  });

  test('with litellm_key_header_name configured, refuses the bare key the edge writes', async () => {
    const strict = await FakeLiteLlm.start({
      masterKey: MASTER,
      keys: { [KEY]: { models: [] } },
      models: ['sonnet'],
      keyHeaderName: 'x-litellm-api-key',
    });
    try {
      const res = await fetch(`${strict.url}/v1/models`, { headers: { 'x-litellm-api-key': KEY, authorization: 'Bearer eyJ.jwt' } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Malformed API Key');
    } finally {
      await strict.stop();
    }
  });
});

describe("FakeLiteLlm CORS (LiteLLM's CORSMiddleware, ./litellm-cors.ts)", () => {
  const ORIGIN = 'https://dash.example.com';
  let listed: FakeLiteLlm;
  let unconfigured: FakeLiteLlm;
  beforeAll(async () => {
    const base = { masterKey: MASTER, keys: { [KEY]: { models: [] } }, models: ['sonnet'], reply: ['a', 'b'] };
    [listed, unconfigured] = await Promise.all([
      FakeLiteLlm.start({
        ...base,
        cors: fromRenderedConfig(`general_settings:\n  cors_allow_origins: [${ORIGIN}]\n  cors_allow_credentials: false\n`).cors,
      }),
      FakeLiteLlm.start(base),
    ]);
  });
  afterAll(() => Promise.all([listed.stop(), unconfigured.stop()]));

  const chat = (fake: FakeLiteLlm, origin: string) =>
    fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-litellm-api-key': KEY, 'content-type': 'application/json', origin },
      body: JSON.stringify({ model: 'sonnet', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });

  test('a streamed answer names a configured origin, without credentials', async () => {
    const res = await chat(listed, ORIGIN);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await res.text()).toContain('[DONE]');
  });

  test('denies another origin any CORS header, errors included', async () => {
    const res = await chat(listed, 'https://evil.example.net');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const refused = await fetch(`${listed.url}/v1/models`, { headers: { origin: 'https://evil.example.net' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  test("without a list, LiteLLM's default: any origin, credentials on", async () => {
    const res = await chat(unconfigured, 'https://evil.example.net');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('FakeLiteLlm budgets, limits and model lists', () => {
  const TEAM = { id: 'team-uuid-1', alias: 'research', models: ['haiku'], maxBudget: 5, rpmLimit: 100, tags: ['team:research'] };
  const BUDGETED = 'sk-budgeted-0003';
  const LIMITED = 'sk-limited-0004';
  const PARALLEL = 'sk-parallel-0005';
  const TEAMED = 'sk-teamed-0006';
  let fake: FakeLiteLlm;
  beforeEach(async () => {
    fake = await FakeLiteLlm.start({
      masterKey: MASTER,
      models: ['sonnet', 'haiku'],
      costPerCompletionUsd: 0.5,
      chunkGapMs: 30,
      keys: {
        [BUDGETED]: { models: [], maxBudget: 1 },
        [LIMITED]: { models: [], rpmLimit: 2 },
        [PARALLEL]: { models: [], maxParallelRequests: 1 },
        [TEAMED]: { models: [], team: TEAM, tags: ['consumer:app', 'team:research'] },
      },
    });
  });
  afterEach(() => fake.stop());

  const chat = (key: string, model = 'haiku', stream = false) =>
    fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'x-litellm-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });

  test('charges each completion to the key and its team', async () => {
    expect((await chat(TEAMED)).status).toBe(200);
    expect(fake.spendOf(TEAMED)).toBe(0.5);
    expect(fake.spendOf(`team:${TEAM.id}`)).toBe(0.5);
  });

  test('refuses a key once its spend reaches max_budget with a 400 budget_exceeded', async () => {
    expect((await chat(BUDGETED)).status).toBe(200);
    expect((await chat(BUDGETED)).status).toBe(200);
    const res = await chat(BUDGETED);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(
      liteLlmError(400, 'Budget has been exceeded! Current cost: 1.0, Max budget: 1.0', 'budget_exceeded', null),
    );
  });

  test('refuses every key of a team once the team spend is over its budget', async () => {
    fake.setSpend(`team:${TEAM.id}`, 5);
    expect((await chat(TEAMED)).status).toBe(200);
    const res = await chat(TEAMED);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual(
      liteLlmError(400, `Budget has been exceeded! Team=${TEAM.id} Current cost: 5.5, Max budget: 5.0`, 'budget_exceeded', null),
    );
  });

  test('answers 429 once a key is over its rpm limit, counting refused requests too', async () => {
    expect((await chat(LIMITED)).status).toBe(200);
    expect((await chat(LIMITED)).status).toBe(200);
    const res = await chat(LIMITED);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('60');
    const body = (await res.json()) as { error: { message: string; type: string; param: string; code: string } };
    expect(body.error).toMatchObject({ type: 'None', param: 'None', code: '429' });
    expect(body.error.message).toMatch(
      new RegExp(`^Rate limit exceeded for api_key: ${hashedKey(LIMITED)}\\. Limit type: requests\\. Current limit: 2, Remaining: 0\\. `),
    );
    expect((await chat(LIMITED)).status).toBe(429);
  });

  test('answers 429 to a second request in flight over max_parallel_requests, and admits it once the first is done', async () => {
    const first = chat(PARALLEL, 'haiku', true);
    await new Promise((r) => setTimeout(r, 10));
    const second = await chat(PARALLEL);
    expect(second.status).toBe(429);
    expect(((await second.json()) as { error: { message: string } }).error.message).toContain('Limit type: max_parallel_requests');
    await (await first).text();
    expect((await chat(PARALLEL)).status).toBe(200);
  });

  test("refuses a model outside the team's list with team_model_access_denied", async () => {
    const res = await chat(TEAMED, 'sonnet');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual(
      liteLlmError(
        401,
        "team not allowed to access model. This team can only access models=['haiku']. Tried to access sonnet",
        'team_model_access_denied',
        'model',
      ),
    );
    const models = (await (await fetch(`${fake.url}/v1/models`, { headers: { 'x-litellm-api-key': TEAMED } })).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['haiku']);
  });

  test('records the trace tags of the key and then its team, each once', async () => {
    await chat(TEAMED);
    expect(fake.requests.at(-1)?.traceTags).toEqual(['consumer:app', 'team:research']);
  });
});
