import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { readBody, sendJson } from './http';

/**
 * A loopback stand-in for a Cognito user pool's managed sign-in with a public app client (no secret): the
 * authorization code grant with PKCE, as test/contracts/cognito-authorization-code.test.ts states it from the
 * sources read there. It signs Cognito-shaped ID and access tokens with jose (RS256, a `kid` published at
 * /.well-known/jwks.json) under the pool's issuer name, which the tests give (the real one is
 * https://cognito-idp.<region>.amazonaws.com/<pool id>, not this server's address).
 *
 * - GET /oauth2/authorize: an unknown client or a redirect_uri that is not one of the client's callback URLs
 *   exactly gets an error page and no redirect; a scope the client may not ask for, `invalid_scope` on the redirect
 *   (RFC 6749 4.1.2.1; Cognito's own answer was not read); otherwise the sign-in page, which posts the fixed test user to
 *   /login at once (managed login's form, without a person typing).
 * - POST /login: a single-use code, valid five minutes, bound to client, redirect_uri and code_challenge; a 302 to
 *   the redirect_uri with code and state.
 * - POST /oauth2/token: form-encoded; the code, client_id, the same redirect_uri and, when the code has a
 *   challenge, a code_verifier whose S256 hash is that challenge. A code is spent by its first redemption, even a
 *   refused one.
 */

/** A public app client: the authorization code grant, no secret, its callback URLs matched exactly. */
export interface PublicClient {
  readonly clientId: string;
  readonly callbackUrls: readonly string[];
  /** The scopes it may ask for (AllowedOAuthScopes). */
  readonly scopes: readonly string[];
}

/** The person the sign-in page signs in. */
export interface TestUser {
  /** The user's `sub`: a UUID Cognito assigns and never reuses. */
  readonly sub: string;
  readonly username: string;
  readonly email: string;
  readonly groups?: readonly string[];
}

export interface CognitoIssuerOptions {
  /** The `iss` of every token. */
  readonly issuer: string;
  readonly clients: readonly PublicClient[];
  readonly user: TestUser;
  readonly tokenLifetimeSeconds?: number;
  /** Serve https with this key and certificate (what a browser app's OAuth library insists on); plain http without. */
  readonly tls?: ServerOptions;
}

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge?: string;
  readonly scope: string;
  readonly nonce?: string;
  readonly expiresAt: number;
}

/** Codes live five minutes (re:Post, see the contract test). */
const CODE_TTL_MS = 5 * 60_000;
const KID = 'stand-in-1';

export class CognitoIssuerStandIn {
  /** The OAuth error codes answered, in order, for the tests to read. */
  readonly refusals: string[] = [];
  /** Access tokens issued. */
  readonly accessTokens: string[] = [];
  private readonly codes = new Map<string, PendingCode>();

  private constructor(
    private readonly server: Server,
    private readonly options: CognitoIssuerOptions,
    private readonly privateKey: KeyLike,
    readonly jwk: JWK,
  ) {}

  static async start(options: CognitoIssuerOptions): Promise<CognitoIssuerStandIn> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      self.handle(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
      });
    };
    const server = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
    const self = new CognitoIssuerStandIn(server, options, privateKey, jwk);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  /** The pool domain's base URL (https://<prefix>.auth.<region>.amazoncognito.com upstream). */
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get jwksUri(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/.well-known/jwks.json') return sendJson(res, 200, { keys: [this.jwk] });
    if (req.method === 'GET' && url.pathname === '/oauth2/authorize') return this.authorize(url.searchParams, res);
    if (req.method === 'POST' && url.pathname === '/login') {
      return this.login(new URLSearchParams((await readBody(req)).toString('utf8')), res);
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      return this.token(req, new URLSearchParams((await readBody(req)).toString('utf8')), res);
    }
    res.writeHead(404).end();
  }

  /** The checks /oauth2/authorize and /login share; a string is the error page's code. */
  private checkRequest(params: URLSearchParams): { error: string; redirect?: string } | undefined {
    const client = this.options.clients.find((c) => c.clientId === params.get('client_id'));
    if (!client) return { error: 'invalid_client' };
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!client.callbackUrls.includes(redirectUri)) return { error: 'redirect_mismatch' };
    if (params.get('response_type') !== 'code') return { error: 'unsupported_response_type', redirect: redirectUri };
    const asked = (params.get('scope') ?? '').split(' ').filter(Boolean);
    if (asked.some((scope) => !client.scopes.includes(scope))) return { error: 'invalid_scope', redirect: redirectUri };
    const challenge = params.get('code_challenge');
    if (challenge !== null && params.get('code_challenge_method') !== 'S256') return { error: 'invalid_request', redirect: redirectUri };
    return undefined;
  }

  private refuse(res: ServerResponse, problem: { error: string; redirect?: string }, state: string | null): void {
    this.refusals.push(problem.error);
    if (!problem.redirect) {
      // Never to an unchecked address: a page of our own.
      res.writeHead(400, { 'content-type': 'text/html' }).end(`<h1>${problem.error}</h1>`);
      return;
    }
    const target = new URL(problem.redirect);
    target.searchParams.set('error', problem.error);
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.href }).end();
  }

  private authorize(params: URLSearchParams, res: ServerResponse): void {
    const problem = this.checkRequest(params);
    if (problem) return this.refuse(res, problem, params.get('state'));
    const fields = [...params, ['username', this.options.user.username]]
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k!)}" value="${escapeHtml(v!)}">`)
      .join('');
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        `<!doctype html><title>Sign in</title><form method="post" action="/login">${fields}<button>Sign in</button></form>` +
          `<script>document.forms[0].submit()</script>`,
      );
  }

  private login(params: URLSearchParams, res: ServerResponse): void {
    const problem = this.checkRequest(params);
    if (problem) return this.refuse(res, problem, params.get('state'));
    if (params.get('username') !== this.options.user.username) {
      this.refusals.push('not_authorized');
      res.writeHead(401, { 'content-type': 'text/html' }).end('<h1>Incorrect username or password.</h1>');
      return;
    }
    const code = randomUUID();
    this.codes.set(code, {
      clientId: params.get('client_id')!,
      redirectUri: params.get('redirect_uri')!,
      codeChallenge: params.get('code_challenge') ?? undefined,
      scope: params.get('scope') ?? 'openid',
      nonce: params.get('nonce') ?? undefined,
      expiresAt: Date.now() + CODE_TTL_MS,
    });
    const target = new URL(params.get('redirect_uri')!);
    target.searchParams.set('code', code);
    const state = params.get('state');
    if (state !== null) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.href }).end();
  }

  private async token(req: IncomingMessage, params: URLSearchParams, res: ServerResponse): Promise<void> {
    // A browser app calls this from its own origin. Which CORS answer Cognito gives here was not found in AWS's
    // pages; SPAs redeem codes from the browser against it, so it lets them read the answer (assumed `*`).
    res.setHeader('access-control-allow-origin', '*');
    const fail = (error: string) => {
      this.refusals.push(error);
      sendJson(res, 400, { error });
    };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return fail('invalid_request');
    if (params.get('grant_type') !== 'authorization_code') return fail('unsupported_grant_type');
    const clientId = params.get('client_id');
    if (!this.options.clients.some((c) => c.clientId === clientId)) return fail('invalid_client');
    const code = params.get('code') ?? '';
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expiresAt < Date.now() || pending.clientId !== clientId) return fail('invalid_grant');
    if (params.get('redirect_uri') !== pending.redirectUri) return fail('invalid_grant');
    if (pending.codeChallenge !== undefined) {
      const verifier = params.get('code_verifier');
      if (!verifier) return fail('invalid_request');
      if (createHash('sha256').update(verifier).digest('base64url') !== pending.codeChallenge) return fail('invalid_grant');
    }
    const lifetime = this.options.tokenLifetimeSeconds ?? 3600;
    const [accessToken, idToken] = await Promise.all([this.accessToken(pending, lifetime), this.idToken(pending, lifetime)]);
    this.accessTokens.push(accessToken);
    sendJson(res, 200, {
      access_token: accessToken,
      id_token: idToken,
      refresh_token: randomBytes(32).toString('base64url'),
      token_type: 'Bearer',
      expires_in: lifetime,
    });
  }

  /** A user access token as Cognito shapes it: no `aud`; `client_id`, `token_use: access`, `scope`, `username`. */
  private accessToken(pending: PendingCode, lifetime: number): Promise<string> {
    const { user } = this.options;
    return this.sign(
      {
        ...(user.groups ? { 'cognito:groups': [...user.groups] } : {}),
        version: 2,
        client_id: pending.clientId,
        origin_jti: randomUUID(),
        event_id: randomUUID(),
        token_use: 'access',
        scope: pending.scope,
        auth_time: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        username: user.username,
      },
      lifetime,
    );
  }

  /** An ID token: `aud` is the client, `token_use: id`, the user's e-mail and the nonce the app sent. */
  private idToken(pending: PendingCode, lifetime: number): Promise<string> {
    const { user } = this.options;
    return this.sign(
      {
        ...(user.groups ? { 'cognito:groups': [...user.groups] } : {}),
        aud: pending.clientId,
        email_verified: true,
        'cognito:username': user.username,
        origin_jti: randomUUID(),
        event_id: randomUUID(),
        token_use: 'id',
        auth_time: Math.floor(Date.now() / 1000),
        email: user.email,
        jti: randomUUID(),
        ...(pending.nonce ? { nonce: pending.nonce } : {}),
      },
      lifetime,
    );
  }

  private sign(claims: Record<string, unknown>, lifetime: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KID })
      .setIssuer(this.options.issuer)
      .setSubject(this.options.user.sub)
      .setIssuedAt()
      .setExpirationTime(`${lifetime}s`)
      .sign(this.privateKey);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
