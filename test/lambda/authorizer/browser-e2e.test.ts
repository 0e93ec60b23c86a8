import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CORS_ALLOWED_HEADERS } from '../../../lib/shared/cors';
import { LITELLM_KEY_HEADER } from '../../../lib/shared/litellm';
import { Captured, liveAuthorizer, VIRTUAL_KEY } from '../../support/authorizer-harness';
import { GatewayStandIn } from '../../support/authorizer-gateway';
import { accessClaims, CLIENT_ID, jwksOf, mint, PERSON, rsaKey, SPA_A, userAccessClaims } from '../../support/authorizer-tokens';
import { JwksServer } from '../../support/jwks-server';

const ORIGIN = 'https://dash.example.com';
const SPA_KEY = 'sk-dashboard_VirtualKey_000001';

/** An upstream that answers with the headers it received, so the test sees what the edge forwarded. */
async function echoUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('browser apps on loopback: real authorizer behind the edge stand-in, CORS and end user as the edge maps them', () => {
  const key = rsaKey();
  let jwks: JwksServer;
  let upstream: { server: Server; url: string };
  let gateway: GatewayStandIn;
  const out = new Captured();

  beforeAll(async () => {
    [jwks, upstream] = await Promise.all([JwksServer.start(jwksOf(key)), echoUpstream()]);
    const { handler } = liveAuthorizer(jwks.url, { [CLIENT_ID]: VIRTUAL_KEY, [SPA_A]: SPA_KEY }, out);
    gateway = await GatewayStandIn.start(handler, upstream.url, 300_000, { browserOrigins: [ORIGIN] });
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), jwks?.stop(), new Promise((r) => upstream?.server.close(r))]);
  });

  const call = (token: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, origin: ORIGIN, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'm', user: 'victim', messages: [] }),
    });

  test("a person's call from the app reaches LiteLLM with the app's key and the person over every end-user header", async () => {
    const res = await call(mint(key, userAccessClaims()), {
      'x-litellm-customer-id': 'victim',
      'x-litellm-end-user-id': 'victim',
      [LITELLM_KEY_HEADER]: 'sk-forged',
    });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as Record<string, string>;
    expect(seen).toMatchObject({ [LITELLM_KEY_HEADER]: SPA_KEY, 'x-litellm-customer-id': PERSON, 'x-litellm-end-user-id': PERSON });
  });

  test('a machine client is spent as itself even when it names a person in the headers', async () => {
    const seen = (await (await call(mint(key, accessClaims()), { 'x-litellm-customer-id': PERSON })).json()) as Record<string, string>;
    expect(seen).toMatchObject({
      [LITELLM_KEY_HEADER]: VIRTUAL_KEY,
      'x-litellm-customer-id': CLIENT_ID,
      'x-litellm-end-user-id': CLIENT_ID,
    });
  });

  test('the preflight of a configured origin is answered at the edge with the exact origin and the SDK headers', async () => {
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-headers')).toBe(CORS_ALLOWED_HEADERS.join(','));
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toBe('Origin');
  });

  test('denies a foreign origin before anything else: 403 with no CORS header, preflight or call', async () => {
    for (const method of ['OPTIONS', 'POST']) {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method,
        headers: { origin: 'https://evil.example.net', authorization: `Bearer ${mint(key, userAccessClaims())}` },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  test('no preflight on a route browser apps may not use (the MCP gateway)', async () => {
    const res = await fetch(`${gateway.url}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(404);
  });

  test("the edge's own refusals reach the app's JavaScript: a 401 and a 403 carry the configured origin", async () => {
    const unauthorized = await call('not-a-jwt');
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const machineOnBrowserId = await call(mint(key, accessClaims({ client_id: SPA_A })));
    expect(machineOnBrowserId.status).toBe(403);
    expect(machineOnBrowserId.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });
});
