import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { JwtWithoutValidKidError, KidNotFoundInJwksError, JwksNotAvailableInCacheError } from 'aws-jwt-verify/error';
import { assertIsJwks, findJwkInJwks, type Jwks, type JwksCache, type JwkWithKid } from 'aws-jwt-verify/jwk';
import type { JwtHeader, JwtPayload } from 'aws-jwt-verify/jwt-model';
import { safeJsonParse } from 'aws-jwt-verify/safe-json-parse';

/** Milliseconds since the epoch; injected so cache windows are testable. */
export type Clock = () => number;

export type JwksFetcher = (uri: string) => Promise<Jwks>;

/** The JWKS could not be fetched and no usable copy is cached: a fault, not the caller's error. */
export class JwksUnavailableError extends Error {
  constructor(readonly causeName: string) {
    super('JWKS unavailable');
    this.name = 'JwksUnavailableError';
  }
}

/**
 * GET a JWKS with one deadline for the whole exchange, a size cap, no redirects and no retry.
 * `http:` is only reachable here for loopback URIs (config rejects anything else).
 */
export function createJwksFetcher(opts: { timeoutMs: number; maxBytes: number }): JwksFetcher {
  return (uri) =>
    new Promise<Jwks>((resolve, reject) => {
      const url = new URL(uri);
      const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
      let settled = false;
      const finish = (err: Error | undefined, jwks?: Jwks) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          req.destroy();
          reject(err);
        } else resolve(jwks as Jwks);
      };
      const req = request(url, { method: 'GET', headers: { accept: 'application/json' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          finish(new Error(`JWKS status ${res.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > opts.maxBytes) finish(new Error('JWKS too large'));
          else chunks.push(chunk);
        });
        res.on('error', (err) => finish(err));
        res.on('end', () => {
          try {
            const parsed = safeJsonParse(Buffer.concat(chunks).toString('utf8'));
            assertIsJwks(parsed);
            finish(undefined, parsed);
          } catch (err) {
            finish(err as Error);
          }
        });
      });
      const timer = setTimeout(() => finish(new Error(`JWKS fetch timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      timer.unref();
      req.on('error', (err) => finish(err));
      req.end();
    });
}

interface Entry {
  readonly jwks: Jwks;
  readonly fetchedAt: number;
}

export interface RateLimitedJwksCacheProps {
  readonly fetchJwks: JwksFetcher;
  readonly clock: Clock;
  /** At most one fetch per URI per window, including the failed ones. */
  readonly refreshWindowMs: number;
  /** Refresh a cached JWKS this old on the next verification (old copy kept if the refresh fails). */
  readonly maxAgeMs: number;
}

/**
 * A JwksCache for aws-jwt-verify that refetches on an unknown `kid` at most once per window, so a flood of
 * tokens with made-up kids costs one request to the identity provider per window, not one each.
 * Only the `kid` header selects a key; `jku`, `x5u` and embedded `jwk` headers are never looked at.
 */
export class RateLimitedJwksCache implements JwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lastAttempt = new Map<string, number>();
  private readonly lastError = new Map<string, string>();
  /** Fetches started, for tests and the benchmark. */
  fetchCount = 0;

  constructor(private readonly props: RateLimitedJwksCacheProps) {}

  addJwks(jwksUri: string, jwks: Jwks): void {
    this.entries.set(jwksUri, { jwks, fetchedAt: this.props.clock() });
  }

  async getJwks(jwksUri: string): Promise<Jwks> {
    await this.refresh(jwksUri, true);
    const entry = this.entries.get(jwksUri);
    if (!entry) throw new JwksUnavailableError('NotFetched');
    return entry.jwks;
  }

  getCachedJwk(jwksUri: string, decomposedJwt: { header: JwtHeader; payload: JwtPayload }): JwkWithKid {
    const kid = kidOf(decomposedJwt.header);
    const entry = this.entries.get(jwksUri);
    // Too old counts as absent, so callers take the async path that refreshes it.
    if (!entry || this.props.clock() - entry.fetchedAt >= this.props.maxAgeMs) {
      throw new JwksNotAvailableInCacheError(`JWKS for ${jwksUri} not cached`);
    }
    const jwk = findJwkInJwks(entry.jwks, kid);
    if (!jwk) throw new KidNotFoundInJwksError('kid not found in the JWKS');
    return jwk;
  }

  async getJwk(jwksUri: string, decomposedJwt: { header: JwtHeader; payload: JwtPayload }): Promise<JwkWithKid> {
    const kid = kidOf(decomposedJwt.header);
    const cached = this.entries.get(jwksUri);
    if (cached && this.props.clock() - cached.fetchedAt < this.props.maxAgeMs) {
      const jwk = findJwkInJwks(cached.jwks, kid);
      if (jwk) return jwk;
    }
    await this.refresh(jwksUri, false);
    const entry = this.entries.get(jwksUri);
    if (!entry) throw new JwksUnavailableError(this.lastError.get(jwksUri) ?? 'NotFetched');
    const jwk = findJwkInJwks(entry.jwks, kid);
    if (!jwk) throw new KidNotFoundInJwksError('kid not found in the JWKS');
    return jwk;
  }

  /** Joins a fetch in flight, or starts one unless the window forbids it. Never throws. */
  private async refresh(jwksUri: string, force: boolean): Promise<void> {
    const running = this.inFlight.get(jwksUri);
    if (running) return running;
    const now = this.props.clock();
    const last = this.lastAttempt.get(jwksUri);
    if (!force && last !== undefined && now - last < this.props.refreshWindowMs) return;
    this.lastAttempt.set(jwksUri, now);
    this.fetchCount += 1;
    const fetching = this.props
      .fetchJwks(jwksUri)
      .then((jwks) => {
        this.entries.set(jwksUri, { jwks, fetchedAt: this.props.clock() });
        this.lastError.delete(jwksUri);
      })
      .catch((err: unknown) => {
        this.lastError.set(jwksUri, err instanceof Error ? err.name : 'Error');
      })
      .finally(() => this.inFlight.delete(jwksUri));
    this.inFlight.set(jwksUri, fetching);
    return fetching;
  }
}

function kidOf(header: JwtHeader): string {
  if (typeof header.kid !== 'string' || header.kid === '') {
    throw new JwtWithoutValidKidError('JWT header has no valid kid');
  }
  return header.kid;
}
