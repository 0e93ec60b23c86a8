import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  LANGFUSE_KEY_LOGICAL_IDS,
  LANGFUSE_PUBLIC_KEY_PREFIX,
  LANGFUSE_SECRET_KEY_PREFIX,
  hasTrace,
  langfuseKeys,
  traceMetadata,
  tracesUrl,
  waitForTrace,
} from '../../bin/smoke-langfuse';
import { loadEnvironment } from '../../lib/config/load-config';
import { renderEnvironmentManifests } from '../../k8s/manifests';
import { synthEnvironment } from '../support/app';

test("the project keys are the secrets' random parts behind the prefixes the charts add", () => {
  expect(langfuseKeys({ publicKey: 'abc', secretKey: 'def' })).toEqual({ publicKey: 'pk-lf-abc', secretKey: 'sk-lf-def' });
  const yaml = Object.values(renderEnvironmentManifests(loadEnvironment('dev'))).join('\n');
  const values = (name: string) => [...yaml.matchAll(new RegExp(`${name}: ([^\\n]+)`, 'g'))].map((m) => m[1]);
  const publicKeys = [...values('LANGFUSE_PUBLIC_KEY'), ...values('LANGFUSE_INIT_PROJECT_PUBLIC_KEY')];
  const secretKeys = [...values('LANGFUSE_SECRET_KEY'), ...values('LANGFUSE_INIT_PROJECT_SECRET_KEY')];
  expect(publicKeys.length).toBeGreaterThanOrEqual(2);
  expect(secretKeys.length).toBeGreaterThanOrEqual(2);
  for (const v of publicKeys) expect(v).toMatch(new RegExp(`^${LANGFUSE_PUBLIC_KEY_PREFIX}\\{\\{ \\.\\w+ \\}\\}$`));
  for (const v of secretKeys) expect(v).toMatch(new RegExp(`^${LANGFUSE_SECRET_KEY_PREFIX}\\{\\{ \\.\\w+ \\}\\}$`));
});

test('the data stack holds one secret for each init key, under the logical ids the smoke run looks for', () => {
  const secrets = Object.keys(synthEnvironment('dev').templates.data.findResources('AWS::SecretsManager::Secret'));
  for (const prefix of Object.values(LANGFUSE_KEY_LOGICAL_IDS)) expect(secrets.filter((id) => id.startsWith(prefix))).toHaveLength(1);
});

test("the chat request's metadata names the trace user, which LiteLLM's Langfuse integrations make the trace's userId", () => {
  expect(traceMetadata('smoke-1')).toEqual({ trace_user_id: 'smoke-1', generation_name: 'smoke-test' });
});

test('the traces query filters by user and time', () => {
  expect(tracesUrl('http://lb:3000/', 'smoke-1', new Date('2026-11-29T10:00:00Z'))).toBe(
    'http://lb:3000/api/public/traces?userId=smoke-1&fromTimestamp=2026-11-29T10%3A00%3A00.000Z&limit=10',
  );
});

test('a trace counts only when a 200 lists one of that user', () => {
  expect(hasTrace({ status: 200, body: { data: [{ id: 't', userId: 'smoke-1' }], meta: {} } }, 'smoke-1')).toBe(true);
  expect(hasTrace({ status: 200, body: { data: [{ id: 't', userId: 'other' }] } }, 'smoke-1')).toBe(false);
  expect(hasTrace({ status: 401, body: { data: [{ userId: 'smoke-1' }] } }, 'smoke-1')).toBe(false);
});

describe('waitForTrace against a Langfuse stand-in', () => {
  let server: Server;
  let url: string;
  const seen: IncomingMessage[] = [];
  let answers: { status: number; body: unknown }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const next = answers.shift() ?? { status: 200, body: { data: [] } };
      res.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const wait = (clock: { t: number }, timeoutMs = 10_000) =>
    waitForTrace({
      fetch,
      now: () => clock.t,
      sleep: async (ms) => {
        clock.t += ms;
      },
      langfuseUrl: url,
      keys: { publicKey: 'pk-lf-p', secretKey: 'sk-lf-s' },
      userId: 'smoke-1',
      since: new Date(0),
      timeoutMs,
      pollMs: 2000,
      requestTimeoutMs: 5000,
    });

  test('polls with the project keys as Basic auth until the trace shows up', async () => {
    answers = [
      { status: 200, body: { data: [] } },
      { status: 200, body: { data: [] } },
      { status: 200, body: { data: [{ userId: 'smoke-1' }] } },
    ];
    const result = await wait({ t: 0 });
    expect(result.found).toBe(true);
    expect(seen).toHaveLength(3);
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('pk-lf-p:sk-lf-s').toString('base64')}`);
  });

  test('gives up at the deadline with the last empty answer', async () => {
    answers = [];
    const result = await wait({ t: 0 }, 5000);
    expect(result).toEqual({ found: false, last: expect.objectContaining({ status: 200 }) });
    expect(seen).toHaveLength(3);
  });

  test('stops at once when Langfuse refuses the keys', async () => {
    answers = [{ status: 401, body: { message: 'Invalid credentials' } }];
    const result = await wait({ t: 0 });
    expect(result.found).toBe(false);
    expect(result.last.status).toBe(401);
    expect(seen).toHaveLength(1);
  });
});
