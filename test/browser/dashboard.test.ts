/**
 * A browser app on the gateway, end to end in a real browser engine (Debian's Chromium driven by playwright-core):
 * the example app in ./app signs a person in against a stand-in Cognito (authorization code + PKCE), then streams
 * a chat completion through the edge stand-in (test/support/authorizer-gateway.ts with the app's origin: the web
 * ACL's origin rule, the preflight and the error answers' CORS from lib/shared/cors.ts), which runs the real
 * authorizer (keys from Secrets Manager on moto_server), to the LiteLLM stand-in run from the config.yaml the chart
 * renders with this app (its CORS list included). Every origin is https on 127.0.0.1 with a throwaway certificate,
 * as a deployment serves them.
 */
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Duration } from 'aws-cdk-lib';
import { Testing } from 'cdk8s';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { authorizerEnvironment } from '../../constructs/jwt-authorizer';
import { INVOKE_SCOPE, RESOURCE_SERVER_ID } from '../../constructs/machine-identity';
import { BROWSER_TOKEN_VALIDITY } from '../../constructs/workforce-identity';
import { NAMES } from '../../k8s/endpoints';
import { loadConfig } from '../../lambda/authorizer/config';
import { createEmfMetrics, createLogger } from '../../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../../lambda/authorizer/wiring';
import { LITELLM_END_USER_HEADERS } from '../../lib/shared/litellm';
import { Captured } from '../support/authorizer-harness';
import { GatewayStandIn } from '../support/authorizer-gateway';
import { AuthorizerMoto } from '../support/authorizer-moto';
import { launchChromium } from '../support/chromium';
import { CognitoIssuerStandIn } from '../support/cognito-issuer';
import { FakeLiteLlm, fromRenderedConfig } from '../support/fake-litellm';
import { JwksServer } from '../support/jwks-server';
import { selfSignedTls, TlsFront } from '../support/loopback-tls';
import { charts, config as environment, find } from '../k8s/support/charts';
import type { DashboardConfig } from './app/config';

/** The workforce pool (employees, browser apps' clients) and the machine pool: the authorizer trusts both. */
const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Workforce';
const MACHINE_ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Machines';
const APP_CLIENT = 'dashboardapp1';
const SECRET_PREFIX = 'genai-gateway/dev/virtual-keys/';
/** The team key of the consumer the browser app belongs to. */
const TEAM_KEY = 'sk-dashboard_team_key_0123456789';
const CHUNKS = ['Hello', ' from', ' the', ' gateway', '!'];
const GAP_MS = 60;
const PERSON = { sub: '7d2b9c1e-4f3a-4b8e-9c6d-0a1b2c3d4e5f', username: 'ada', email: 'ada@example.com' };

/** An https server answering each path with fixed content. */
async function staticServer(tls: { key: Buffer; cert: Buffer }, files: () => Record<string, [string, string]>): Promise<Server> {
  const server = createServer(tls, (req, res) => {
    const file = files()[(req.url ?? '/').split('?')[0]!];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const originOf = (server: Server) => `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe('a browser dashboard: PKCE sign-in, CORS at the edge, a streamed completion attributed to the person', () => {
  const out = new Captured();
  let moto: AuthorizerMoto;
  let jwks: JwksServer;
  let issuer: CognitoIssuerStandIn;
  let litellm: FakeLiteLlm;
  let gateway: GatewayStandIn;
  let edge: TlsFront;
  let appServer: Server;
  let otherServer: Server;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let appConfig: DashboardConfig;
  let model: string;

  beforeAll(async () => {
    const tls = selfSignedTls();
    const bundle = build({
      entryPoints: [join(__dirname, 'app', 'dashboard.ts')],
      tsconfig: join(__dirname, 'app', 'tsconfig.json'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      write: false,
    });
    const html = readFileSync(join(__dirname, 'app', 'index.html'), 'utf8');
    let script = '';
    // The app's page fills in once every server's address is known.
    appServer = await staticServer(tls, () => ({
      '/': ['text/html', html.replace('{{CONFIG}}', JSON.stringify(appConfig).replace(/</g, '\\u003c'))],
      '/dashboard.js': ['text/javascript', script],
    }));
    // A page on an origin no app configured: it may hold a stolen token, it must still not read an answer.
    otherServer = await staticServer(tls, () => ({ '/': ['text/html', '<!doctype html><title>elsewhere</title>'] }));
    const appOrigin = originOf(appServer);

    // LiteLLM's config.yaml as the chart renders it with this app among dev's consumers: its CORS list is the app's.
    const dev = environment('dev');
    const browserApp = { origins: [appOrigin], redirectUrls: [`${appOrigin}/`], logoutUrls: [] };
    const withApp = {
      ...dev,
      tenants: {
        ...dev.tenants,
        consumers: [...dev.tenants.consumers, { name: 'dashboard', team: dev.tenants.teams[0]!.name, browser: browserApp, tags: {} }],
      },
    };
    const rendered = fromRenderedConfig(
      find(Testing.synth(charts(withApp).litellm), 'ConfigMap', NAMES.litellm.config).data['config.yaml'],
    );
    model = rendered.models[0]!;
    // The scopes the app client may ask for (constructs/workforce-identity.ts): OpenID and the gateway's.
    const scope = `${RESOURCE_SERVER_ID}/${INVOKE_SCOPE}`;

    [moto, issuer, litellm, browser] = await Promise.all([
      AuthorizerMoto.start(),
      CognitoIssuerStandIn.start({
        issuer: ISSUER,
        clients: [{ clientId: APP_CLIENT, callbackUrls: [`${appOrigin}/`], scopes: ['openid', scope] }],
        user: PERSON,
        tokenLifetimeSeconds: BROWSER_TOKEN_VALIDITY.accessToken.toSeconds(),
        tls,
      }),
      FakeLiteLlm.start({
        ...rendered,
        masterKey: 'sk-master-browser',
        keys: { [TEAM_KEY]: { models: [], alias: 'dashboard-team' } },
        reply: CHUNKS,
        chunkGapMs: GAP_MS,
      }),
      launchChromium(),
    ]);
    jwks = await JwksServer.start({ keys: [issuer.jwk] });
    const secrets = new SecretsManagerClient({ ...moto.clientConfig(), maxAttempts: 1 });
    await secrets.send(new CreateSecretCommand({ Name: `${SECRET_PREFIX}${APP_CLIENT}`, SecretString: TEAM_KEY }));

    // The authorizer's environment as the Edge stack writes it for a browser app of the workforce pool; only the
    // key set's address is the stand-in's (the real one is derived from each pool's issuer).
    const env = authorizerEnvironment({
      mode: 'inject',
      issuer: {
        kind: 'cognito',
        issuer: MACHINE_ISSUER,
        clientIds: [],
        requiredScope: scope,
        browser: { issuer: ISSUER, clientIds: [APP_CLIENT] },
      },
      virtualKeySecretPrefix: SECRET_PREFIX,
      cacheTtl: Duration.minutes(5),
    });
    const authorizerConfig = loadConfig({ ...env, JWKS_URI: jwks.url });
    const { handler } = buildAuthorizer(authorizerConfig, {
      logger: createLogger({ write: out.write, clock: Date.now }),
      metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
      clock: Date.now,
      secretsManager: secrets,
    });
    gateway = await GatewayStandIn.start(handler, litellm.url, 300_000, { browserOrigins: [appOrigin] });
    edge = await TlsFront.start(tls, gateway.url);

    appConfig = {
      issuer: ISSUER,
      authorizationEndpoint: `${issuer.url}/oauth2/authorize`,
      tokenEndpoint: `${issuer.url}/oauth2/token`,
      clientId: APP_CLIENT,
      redirectUri: `${appOrigin}/`,
      scope: `openid ${scope}`,
      gatewayUrl: edge.url,
      model,
    };
    script = (await bundle).outputFiles[0]!.text;
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([edge?.stop(), gateway?.stop(), litellm?.stop(), issuer?.stop(), jwks?.stop(), moto?.stop()]);
    await Promise.all([appServer, otherServer].map((s) => s && new Promise((resolve) => s.close(resolve))));
  });

  /** A fetch from inside a page: its status and body, or the browser's error when it refused the call. */
  const fetchFrom = (on: Page, url: string, init: { method: string; headers: Record<string, string>; body?: string }) =>
    on.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, init);
          return { status: response.status, body: await response.text() };
        } catch (err) {
          return { error: String(err) };
        }
      },
      { url, init },
    );
  const completion = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model, stream: false, messages: [{ role: 'user', content: 'hi' }], ...extra });
  const signedInToken = () => issuer.accessTokens.at(-1)!;

  test('signs in with PKCE and shows the completion as it streams in', async () => {
    await page.goto(`${originOf(appServer)}/`);
    await page.click('#sign-in');
    await page.waitForSelector('#status:text-is("signed in")');
    // Back on the redirect URL: the code left the address bar once redeemed.
    expect(page.url()).toBe(appConfig.redirectUri);

    await page.click('#ask');
    // Text appears before the stream ends: the edge and the page pass chunks on as they come.
    const firstSeen = await page.waitForFunction(
      // Read in the page the moment text first shows (a string: this file is type-checked without the DOM).
      `document.getElementById('answer').textContent && [document.getElementById('answer').textContent, document.getElementById('status').textContent]`,
    );
    const [partial, statusThen] = (await firstSeen.jsonValue()) as [string, string];
    expect(statusThen).toBe('signed in');
    expect(CHUNKS.join('').startsWith(partial) && partial.length < CHUNKS.join('').length).toBe(true);
    await page.waitForSelector('#status:text-is("done")');
    expect(await page.textContent('#answer')).toBe(CHUNKS.join(''));
  });

  test("LiteLLM saw the app's team key and the signed-in person as the end user", () => {
    const seen = litellm.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
    expect(seen).toMatchObject({ status: 200, resolvedKey: TEAM_KEY, keyAlias: 'dashboard-team' });
    for (const header of LITELLM_END_USER_HEADERS) expect(seen.headers[header]).toBe(PERSON.sub);
    // The token was the app's user token, not a machine token.
    expect(JSON.parse(Buffer.from(signedInToken().split('.')[1]!, 'base64url').toString())).toMatchObject({
      client_id: APP_CLIENT,
      sub: PERSON.sub,
      token_use: 'access',
    });
  });

  test('denies the page naming another end user: a header it cannot send, a body field the edge outranks', async () => {
    const before = litellm.requests.length;
    const url = `${edge.url}/v1/chat/completions`;
    const auth = { authorization: `Bearer ${signedInToken()}`, 'content-type': 'application/json' };
    // The preflight never allows an x-litellm-* header, so the browser refuses to send the request at all.
    for (const header of LITELLM_END_USER_HEADERS) {
      const spoofed = await fetchFrom(page, url, { method: 'POST', headers: { ...auth, [header]: 'mallory' }, body: completion() });
      expect(spoofed).toEqual({ error: 'TypeError: Failed to fetch' });
    }
    expect(litellm.requests.length).toBe(before);
    // `user` in the body goes through; the headers the edge wrote carry the person (LiteLLM prefers them).
    const viaBody = await fetchFrom(page, url, { method: 'POST', headers: auth, body: completion({ user: 'mallory' }) });
    expect(viaBody).toMatchObject({ status: 200 });
    const seen = litellm.requests.at(-1)!;
    for (const header of LITELLM_END_USER_HEADERS) expect(seen.headers[header]).toBe(PERSON.sub);
  });

  test('an edge 401 reaches the page with CORS headers, so the app reads the real status', async () => {
    const answer = await fetchFrom(page, `${edge.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer not.a.token', 'content-type': 'application/json' },
      body: completion(),
    });
    expect(answer).toMatchObject({ status: 401 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ error: { code: '401' } });
  });

  test("LiteLLM's own error reaches the page too (its CORS list names the app's origin)", async () => {
    const answer = await fetchFrom(page, `${edge.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${signedInToken()}`, 'content-type': 'application/json' },
      body: completion({ model: 'no-such-model' }),
    });
    expect(answer).toMatchObject({ status: 400 });
    expect(JSON.parse((answer as { body: string }).body)).toMatchObject({ error: { code: '400' } });
  });

  test('denies a page on an origin no app configured, even with a valid token: the browser blocks the call', async () => {
    const other = await context.newPage();
    await other.goto(`${originOf(otherServer)}/`);
    const before = litellm.requests.length;
    const authorizerCalls = gateway.invocations;
    const stolen = await fetchFrom(other, `${edge.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${signedInToken()}`, 'content-type': 'application/json' },
      body: completion(),
    });
    expect(stolen).toEqual({ error: 'TypeError: Failed to fetch' });
    // Its preflight, like any request naming a foreign origin, is refused before the authorizer or LiteLLM see it.
    expect(gateway.invocations).toBe(authorizerCalls);
    expect(litellm.requests.length).toBe(before);
    // A request that needs no preflight reaches the edge, but its answer carries no CORS header: unreadable.
    const simple = await fetchFrom(other, `${edge.url}/v1/models`, { method: 'GET', headers: {} });
    expect(simple).toEqual({ error: 'TypeError: Failed to fetch' });
    await other.close();
  });
});
