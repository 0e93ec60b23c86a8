/**
 * Cognito's authorization code grant with PKCE for a public app client (a browser app has no secret), as the
 * browser stand-in issuer (test/support/cognito-issuer.ts) plays it in test/browser/dashboard.test.ts.
 *
 * Sources, read 2026-12-06 (restated in our own words):
 * - Cognito developer guide, authorization-endpoint.html (docs.aws.amazon.com/cognito/latest/developerguide/ and
 *   its docs.amazonaws.cn .md copy): GET /oauth2/authorize with response_type (code or token), client_id,
 *   redirect_uri, state, scope, nonce, code_challenge and code_challenge_method; it leads to managed login with the
 *   same parameters.
 * - token-endpoint.html (same guide): /oauth2/token redeems an authorization code for ID, access and refresh tokens.
 * - repost.aws questions QU82Bu0s1qQlOQai_BcW5hSw (AWS answer: S256 is the only code_challenge_method Cognito
 *   supports; code_verifier goes to the token endpoint) and QUribd4ytZTnmoxKt_B7DXFg (AWS answer: a code is spent
 *   by its first redemption, a second one is invalid_grant; codes must be redeemed within five minutes; a verifier
 *   that does not match the challenge is refused).
 * - Pasted Cognito guidance (pastebin Tb0v6Mf4, third party): a redirect_uri that is not exactly one of the
 *   client's callback URLs gets `redirect_mismatch`.
 * - The user access token's claims (no `aud`; `client_id`, `token_use: access`, `scope`, `username`) are the shape
 *   the machine tokens in test/support/authorizer-tokens.ts already follow plus the user's `username`; the AWS page
 *   on the access token's payload was not re-read here.
 * Not confirmed: whether Cognito requires PKCE of a public client (the stand-in, like the pages read, does not),
 * and which CORS headers /oauth2/token sends (the stand-in sends `*`; a deployed smoke test must confirm a browser
 * app can redeem its code).
 */
import { createHash } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CognitoIssuerStandIn } from '../support/cognito-issuer';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Browser';
const CALLBACK = 'https://dashboard.example.com/callback';
const CLIENT = { clientId: 'dashboardclient', callbackUrls: [CALLBACK], scopes: ['openid', 'email'] };
const USER = { sub: '5f0c7a52-0000-4000-8000-000000000001', username: 'ada', email: 'ada@example.com' };
const VERIFIER = 'a-verifier-of-forty-three-characters-or-more-000';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

describe('Cognito authorization code grant with PKCE (the browser tests stand-in)', () => {
  let issuer: CognitoIssuerStandIn;
  beforeAll(async () => {
    issuer = await CognitoIssuerStandIn.start({ issuer: ISSUER, clients: [CLIENT], user: USER });
  });
  afterAll(() => issuer.stop());

  const authorizeParams = (overrides: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: CALLBACK,
      state: 'st4te',
      scope: 'openid email',
      code_challenge: CHALLENGE,
      code_challenge_method: 'S256',
      ...overrides,
    });

  /** The sign-in form's post, as the page's script sends it: a code on the redirect. */
  async function signIn(overrides: Record<string, string> = {}): Promise<URL> {
    const body = authorizeParams(overrides);
    body.set('username', USER.username);
    const res = await fetch(`${issuer.url}/login`, { method: 'POST', body, redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  const redeem = (fields: Record<string, string>) =>
    fetch(`${issuer.url}/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: CLIENT.clientId, redirect_uri: CALLBACK, ...fields }),
    });

  test('the authorize endpoint shows the sign-in page for a known client and an exact callback URL', async () => {
    const res = await fetch(`${issuer.url}/oauth2/authorize?${authorizeParams().toString()}`, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('action="/login"');
  });

  test('denies a redirect_uri that is not exactly a callback URL, with an error page and no redirect', async () => {
    for (const redirect of [`${CALLBACK}/`, `${CALLBACK}?x=1`, 'https://evil.example.com/callback', CALLBACK.toUpperCase()]) {
      const res = await fetch(`${issuer.url}/oauth2/authorize?${authorizeParams({ redirect_uri: redirect }).toString()}`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
    expect(issuer.refusals.slice(-4)).toEqual(Array(4).fill('redirect_mismatch'));
  });

  test('denies an unknown client without redirecting, and a plain challenge method back to the app', async () => {
    const unknown = await fetch(`${issuer.url}/oauth2/authorize?${authorizeParams({ client_id: 'other' }).toString()}`, {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
    const plain = await fetch(`${issuer.url}/oauth2/authorize?${authorizeParams({ code_challenge_method: 'plain' }).toString()}`, {
      redirect: 'manual',
    });
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  test('denies a scope the client may not ask for, back to the app', async () => {
    const res = await fetch(`${issuer.url}/oauth2/authorize?${authorizeParams({ scope: 'openid admin' }).toString()}`, {
      redirect: 'manual',
    });
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  test('redirects to the callback with the code and the state unchanged', async () => {
    const location = await signIn();
    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
    expect(location.searchParams.get('state')).toBe('st4te');
    expect(location.searchParams.get('code')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('redeems a code with the matching verifier for Cognito-shaped tokens', async () => {
    const code = (await signIn()).searchParams.get('code')!;
    const res = await redeem({ code, code_verifier: VERIFIER });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const access = decodeJwt(body.access_token as string);
    expect(decodeProtectedHeader(body.access_token as string)).toMatchObject({ alg: 'RS256', kid: issuer.jwk.kid });
    expect(access).toMatchObject({ iss: ISSUER, sub: USER.sub, client_id: CLIENT.clientId, token_use: 'access', username: 'ada' });
    expect(access.aud).toBeUndefined();
    expect(access.scope).toBe('openid email');
    expect(decodeJwt(body.id_token as string)).toMatchObject({ aud: CLIENT.clientId, token_use: 'id', email: USER.email, sub: USER.sub });
  });

  test('denies a wrong verifier, a missing verifier, another redirect_uri and a second redemption', async () => {
    const wrong = await redeem({ code: (await signIn()).searchParams.get('code')!, code_verifier: `${VERIFIER}x` });
    const missing = await redeem({ code: (await signIn()).searchParams.get('code')! });
    const otherRedirect = await redeem({
      code: (await signIn()).searchParams.get('code')!,
      code_verifier: VERIFIER,
      redirect_uri: 'https://evil.example.com/callback',
    });
    const code = (await signIn()).searchParams.get('code')!;
    expect((await redeem({ code, code_verifier: VERIFIER })).status).toBe(200);
    const replay = await redeem({ code, code_verifier: VERIFIER });
    expect([wrong, missing, otherRedirect, replay].map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(issuer.refusals.slice(-4)).toEqual(['invalid_grant', 'invalid_request', 'invalid_grant', 'invalid_grant']);
  });

  test("denies redeeming another client's code, and a code is spent by a refused attempt too", async () => {
    const code = (await signIn()).searchParams.get('code')!;
    expect((await redeem({ code, code_verifier: VERIFIER, client_id: 'someoneelse' })).status).toBe(400);
    expect((await redeem({ code, code_verifier: `${VERIFIER}x` })).status).toBe(400);
    expect((await redeem({ code, code_verifier: VERIFIER })).status).toBe(400);
  });
});
