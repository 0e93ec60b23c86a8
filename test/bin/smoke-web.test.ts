import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckResult } from '../../bin/smoke-checks';
import { edgeOutputs, WEB_OUTPUT_KEYS } from '../../bin/smoke-outputs';
import { WEB_CAUSES, checkWebEntrance, type WebEntrance } from '../../bin/smoke-web';
import { WebHostStandIn } from './smoke-stand-ins';

const SIGN_IN = 'https://genai-dev-workforce.auth.us-east-1.amazoncognito.com';

interface Hosts {
  chat?: { oidcRegistered?: boolean };
  litellm?: { signInRule?: boolean; hostRule?: boolean };
  langfuse?: { signInRule?: boolean; hostRule?: boolean };
  signInUrl?: string;
}

async function run(hosts: Hosts = {}, override: Partial<WebEntrance> = {}): Promise<CheckResult[]> {
  const signInUrl = hosts.signInUrl ?? SIGN_IN;
  const [chat, litellm, langfuse] = await Promise.all([
    WebHostStandIn.start('open-webui', { signInUrl, ...hosts.chat }),
    WebHostStandIn.start('admin', { signInUrl, ...hosts.litellm }),
    WebHostStandIn.start('admin', { signInUrl, ...hosts.langfuse }),
  ]);
  const results: CheckResult[] = [];
  try {
    await checkWebEntrance(
      { fetch, now: Date.now, timeoutMs: 5000 },
      { chat: chat.url, litellm: litellm.url, langfuse: langfuse.url, signInUrl: SIGN_IN, ...override },
      (r) => results.push(r),
    );
    return results;
  } finally {
    await Promise.all([chat.stop(), litellm.stop(), langfuse.stop()]);
  }
}

describe('web entrance smoke checks', () => {
  test('passes when Open WebUI and both admin hostnames send a browser without a session to the identity provider', async () => {
    const results = await run();
    expect(results.map((r) => [r.name.replace(/http:\/\/127\.0\.0\.1:\d+/, '<host>'), r.outcome])).toEqual([
      ['<host>/oauth/oidc/login without a session goes to the identity provider', 'pass'],
      ['<host>/ without a session goes to the identity provider', 'pass'],
      ['<host>/ without a session goes to the identity provider', 'pass'],
    ]);
  });

  test('fails an admin UI that answers without a sign-in', async () => {
    const [, litellm, langfuse] = await run({ litellm: { signInRule: false } });
    expect(litellm).toMatchObject({ outcome: 'fail', detail: 'got 200', cause: WEB_CAUSES.notSignedIn });
    expect(langfuse!.outcome).toBe('pass');
  });

  test("names the load balancer's default rule when no rule matches the host (or the source is not allowlisted)", async () => {
    const [, , langfuse] = await run({ langfuse: { hostRule: false } });
    expect(langfuse).toMatchObject({ outcome: 'fail', detail: 'got 404', cause: WEB_CAUSES.defaultRule });
  });

  test('names a missing OIDC provider in Open WebUI', async () => {
    const [chat] = await run({ chat: { oidcRegistered: false } });
    expect(chat).toMatchObject({ outcome: 'fail', detail: 'got 404', cause: WEB_CAUSES.oidcNotConfigured });
  });

  test('fails a redirect to any host but the identity provider', async () => {
    const [chat] = await run({ signInUrl: 'https://login.example.org' });
    expect(chat).toMatchObject({
      outcome: 'fail',
      detail: 'got 302 to https://login.example.org/oauth2/authorize',
      cause: WEB_CAUSES.elsewhere,
    });
  });

  test('fails a hostname that does not answer', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const [chat] = await run({}, { chat: closed });
    expect(chat).toMatchObject({ outcome: 'fail', cause: WEB_CAUSES.unreachable });
    expect(chat!.detail).toMatch(/^no response: /);
  });

  test('reads the web entrance from the edge outputs only when all four are there', () => {
    const base = { GatewayUrl: 'https://abc.execute-api.us-east-1.amazonaws.com/api/v1' };
    const web = {
      [WEB_OUTPUT_KEYS.chat]: 'https://chat.dev.genai.example.com',
      [WEB_OUTPUT_KEYS.litellm]: 'https://litellm.dev.genai.example.com',
      [WEB_OUTPUT_KEYS.langfuse]: 'https://langfuse.dev.genai.example.com',
      [WEB_OUTPUT_KEYS.signInUrl]: `${SIGN_IN}/`,
    };
    expect(edgeOutputs({ ...base, ...web }, 'test').web).toEqual({
      chat: 'https://chat.dev.genai.example.com',
      litellm: 'https://litellm.dev.genai.example.com',
      langfuse: 'https://langfuse.dev.genai.example.com',
      signInUrl: SIGN_IN,
    });
    expect(edgeOutputs(base, 'test').web).toBeUndefined();
    const { [WEB_OUTPUT_KEYS.signInUrl]: _signIn, ...partial } = web;
    expect(edgeOutputs({ ...base, ...partial }, 'test').web).toBeUndefined();
  });
});
