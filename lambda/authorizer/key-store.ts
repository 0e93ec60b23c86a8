import { CLIENT_ID_PATTERN } from './config';
import type { Clock } from './jwks-cache';
import { AuthorizerFault, type FaultReason } from './outcome';
import { SecretSourceError, type SecretSource } from './secrets-manager-source';
import { parseVirtualKeySecret } from './virtual-key-secret';

export type KeyLookup = { readonly kind: 'found'; readonly virtualKey: string } | { readonly kind: 'unknown' };

export interface VirtualKeyStoreProps {
  readonly source: SecretSource;
  readonly clock: Clock;
  /** Secret name is `<prefix><clientId>`. */
  readonly secretPrefix: string;
  readonly ttlMs: number;
  /** How long "no such client" is remembered. */
  readonly negativeTtlMs: number;
  /** How long past its TTL a key may still be served while Secrets Manager has transient faults. */
  readonly staleOnErrorMs: number;
  /** Pause between calls for one client after a transient fault. */
  readonly errorBackoffMs: number;
  /** One lookup; past it the source is aborted and the lookup counts as a transient fault. */
  readonly lookupTimeoutMs: number;
  readonly maxEntries: number;
}

type Entry =
  | { readonly kind: 'found'; readonly virtualKey: string; readonly fetchedAt: number; readonly retryAt: number }
  | { readonly kind: 'unknown'; readonly fetchedAt: number }
  | { readonly kind: 'fault'; readonly reason: FaultReason; readonly code: string; readonly until: number };

/**
 * Client id → LiteLLM virtual key, read from Secrets Manager at most once per client per TTL.
 * Concurrent misses for one client share one call, which ends within `lookupTimeoutMs` whatever the
 * source does, so a hung call never holds later requests. Transient faults (a hang included) fall back to
 * the last key for a bounded time; access denied, malformed secrets and unknown errors never do.
 */
export class VirtualKeyStore {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<KeyLookup>>();
  /** Secrets Manager calls made, for tests and the benchmark. */
  calls = 0;

  constructor(private readonly props: VirtualKeyStoreProps) {}

  get(clientId: string): Promise<KeyLookup> {
    // Checked again here: the id becomes part of a secret name.
    if (!CLIENT_ID_PATTERN.test(clientId)) return Promise.resolve({ kind: 'unknown' });
    const now = this.props.clock();
    const entry = this.entries.get(clientId);
    if (entry) {
      const fresh = this.answerFromCache(entry, now);
      if (fresh) return fresh;
    }
    const running = this.inFlight.get(clientId);
    if (running) return running;
    const lookup = this.load(clientId, entry).finally(() => this.inFlight.delete(clientId));
    this.inFlight.set(clientId, lookup);
    return lookup;
  }

  private answerFromCache(entry: Entry, now: number): Promise<KeyLookup> | undefined {
    switch (entry.kind) {
      case 'found':
        if (now - entry.fetchedAt < this.props.ttlMs) return Promise.resolve({ kind: 'found', virtualKey: entry.virtualKey });
        // Stale, and Secrets Manager failed moments ago: keep serving without asking again.
        if (now < entry.retryAt && now - entry.fetchedAt < this.props.ttlMs + this.props.staleOnErrorMs) {
          return Promise.resolve({ kind: 'found', virtualKey: entry.virtualKey });
        }
        return undefined;
      case 'unknown':
        return now - entry.fetchedAt < this.props.negativeTtlMs ? Promise.resolve({ kind: 'unknown' }) : undefined;
      case 'fault':
        return now < entry.until ? Promise.reject(new AuthorizerFault(entry.reason, entry.code)) : undefined;
    }
  }

  private async load(clientId: string, previous: Entry | undefined): Promise<KeyLookup> {
    this.calls += 1;
    let secretString: string | undefined;
    try {
      secretString = await this.readWithDeadline(`${this.props.secretPrefix}${clientId}`);
    } catch (err) {
      return this.onFailure(clientId, previous, err);
    }
    const now = this.props.clock();
    const virtualKey = parseVirtualKeySecret(secretString);
    if (virtualKey === undefined) {
      this.remember(clientId, {
        kind: 'fault',
        reason: 'invalid_key_secret',
        code: 'InvalidSecretValue',
        until: now + this.props.negativeTtlMs,
      });
      throw new AuthorizerFault('invalid_key_secret', 'InvalidSecretValue');
    }
    this.remember(clientId, { kind: 'found', virtualKey, fetchedAt: now, retryAt: 0 });
    return { kind: 'found', virtualKey };
  }

  /** Settles by the deadline even if the source ignores the abort (its late answer is dropped). */
  private async readWithDeadline(secretId: string): Promise<string | undefined> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const timeout = new SecretSourceError('transient', 'LookupTimeout');
        controller.abort(timeout);
        reject(timeout);
      }, this.props.lookupTimeoutMs);
    });
    try {
      return await Promise.race([this.props.source(secretId, controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private onFailure(clientId: string, previous: Entry | undefined, err: unknown): KeyLookup {
    const now = this.props.clock();
    const failure = err instanceof SecretSourceError ? err : new SecretSourceError('fatal', 'Unknown');
    switch (failure.kind) {
      case 'not_found':
        this.remember(clientId, { kind: 'unknown', fetchedAt: now });
        return { kind: 'unknown' };
      case 'transient':
        if (previous?.kind === 'found' && now - previous.fetchedAt < this.props.ttlMs + this.props.staleOnErrorMs) {
          this.remember(clientId, { ...previous, retryAt: now + this.props.errorBackoffMs });
          return { kind: 'found', virtualKey: previous.virtualKey };
        }
        this.remember(clientId, {
          kind: 'fault',
          reason: 'key_store_unavailable',
          code: failure.code,
          until: now + this.props.errorBackoffMs,
        });
        throw new AuthorizerFault('key_store_unavailable', failure.code);
      case 'denied':
        this.remember(clientId, { kind: 'fault', reason: 'key_access_denied', code: failure.code, until: now + this.props.negativeTtlMs });
        throw new AuthorizerFault('key_access_denied', failure.code);
      default:
        this.remember(clientId, {
          kind: 'fault',
          reason: 'key_store_unavailable',
          code: failure.code,
          until: now + this.props.errorBackoffMs,
        });
        throw new AuthorizerFault('key_store_unavailable', failure.code);
    }
  }

  private remember(clientId: string, entry: Entry): void {
    this.entries.delete(clientId);
    if (this.entries.size >= this.props.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(clientId, entry);
  }
}
