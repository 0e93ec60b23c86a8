import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientCredentialsToken, foreignToken } from '../../bin/smoke-token';
import { attempt, bearer, harness, requestEvent } from '../support/authorizer-harness';
import { CLIENT_ID, ISSUER, nowSeconds, rsaKey, signWith } from '../support/authorizer-tokens';

describe('clientCredentialsToken against a token endpoint stand-in', () => {
  let server: Server;
  let url: string;
  let seen: { method?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{}' };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    seen = [];
  });

  const request = () =>
    clientCredentialsToken(fetch, {
      tokenUrl: url,
      clientId: 'client1',
      clientSecret: 's3cr3t',
      scope: 'genai-gateway/invoke',
      timeoutMs: 5000,
    });

  test('posts the client-credentials grant, form-encoded, with HTTP Basic client authentication', async () => {
    answer = { status: 200, body: JSON.stringify({ access_token: 'eyJ.a.b', expires_in: 3600, token_type: 'Bearer' }) };
    await expect(request()).resolves.toEqual({ ok: true, accessToken: 'eyJ.a.b' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('client1:s3cr3t').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'genai-gateway/invoke',
    });
  });

  test("returns the endpoint's refusal as status and parsed body", async () => {
    answer = { status: 400, body: '{"error":"invalid_client"}' };
    await expect(request()).resolves.toEqual({
      ok: false,
      status: 400,
      body: { error: 'invalid_client' },
      contentType: 'application/json',
    });
  });

  test('a 200 without an access token is no token', async () => {
    answer = { status: 200, body: '{"token_type":"Bearer"}' };
    await expect(request()).resolves.toMatchObject({ ok: false, status: 200 });
  });

  test('no response is a network error, not a throw', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await clientCredentialsToken(fetch, {
      tokenUrl: `http://127.0.0.1:${port}/oauth2/token`,
      clientId: 'c',
      clientSecret: 's',
      scope: 'x',
      timeoutMs: 2000,
    });
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('foreignToken, judged by the real authorizer', () => {
  const claims = { issuer: ISSUER, clientId: CLIENT_ID, scope: 'genai-gateway/invoke' };
  const parts = (token: string) => token.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString()) : p));

  test('has the claims of a Cognito client-credentials access token for the client', async () => {
    const [header, payload] = parts(await foreignToken(claims, 1_000_000, { expired: false }));
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: expect.stringMatching(/^smoke-foreign-/) });
    expect(payload).toMatchObject({
      iss: ISSUER,
      client_id: CLIENT_ID,
      token_use: 'access',
      scope: 'genai-gateway/invoke',
      iat: 1_000_000,
      exp: 1_003_600,
    });
  });

  test('the expired variant has exp in the past', async () => {
    const [, payload] = parts(await foreignToken(claims, 1_000_000, { expired: true }));
    expect(payload.exp).toBe(1_000_000 - 3600);
  });

  test.each([false, true])('is refused with 401 (expired: %s), while the same claims signed by the published key pass', async (expired) => {
    const h = harness();
    const token = await foreignToken(claims, nowSeconds(), { expired });
    expect(await attempt(h, requestEvent(bearer(token)))).toMatch(/^401:/);
    const [header, payload] = parts(token);
    const published = rsaKey();
    const resigned = signWith(published, { ...header, kid: published.kid }, payload);
    expect(await attempt(h, requestEvent(bearer(resigned)))).toBe(expired ? '401:expired' : 'allow');
  });
});
