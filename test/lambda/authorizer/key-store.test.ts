import { VirtualKeyStore } from '../../../lambda/authorizer/key-store';
import { AuthorizerFault } from '../../../lambda/authorizer/outcome';
import { SecretSourceError } from '../../../lambda/authorizer/secrets-manager-source';
import { FakeSecrets, SECRET_PREFIX, VIRTUAL_KEY } from '../../support/authorizer-harness';
import { CLIENT_ID } from '../../support/authorizer-tokens';

const TTL = 300_000;
const STALE = 600_000;
const LOOKUP_MS = 50;

function setup(secrets = new FakeSecrets()) {
  const clock = { now: 1_000_000 };
  const store = new VirtualKeyStore({
    source: secrets.source,
    clock: () => clock.now,
    secretPrefix: SECRET_PREFIX,
    ttlMs: TTL,
    negativeTtlMs: 30_000,
    staleOnErrorMs: STALE,
    errorBackoffMs: 1_000,
    lookupTimeoutMs: LOOKUP_MS,
    maxEntries: 3,
  });
  return { store, secrets, clock };
}

const transient = () => new SecretSourceError('transient', 'ThrottlingException');
const faultOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: AuthorizerFault) => `${e.reason}/${e.causeName}`,
  );

describe('VirtualKeyStore', () => {
  test('reads the secret named <prefix><clientId> and caches it for the TTL', async () => {
    const { store, secrets, clock } = setup();
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
    clock.now += TTL - 1;
    await store.get(CLIENT_ID);
    expect(secrets.calls).toEqual([`${SECRET_PREFIX}${CLIENT_ID}`]);
    clock.now += 1;
    await store.get(CLIENT_ID);
    expect(secrets.calls).toHaveLength(2);
  });

  test('makes one Secrets Manager call for concurrent misses of one client', async () => {
    const { store, secrets } = setup();
    secrets.delayMs = 20;
    const results = await Promise.all(Array.from({ length: 50 }, () => store.get(CLIENT_ID)));
    expect(results.every((r) => r.kind === 'found')).toBe(true);
    expect(secrets.calls).toHaveLength(1);
    expect(store.calls).toBe(1);
  });

  test('remembers an unknown client for the negative TTL only', async () => {
    const { store, secrets, clock } = setup();
    expect(await store.get('stranger')).toEqual({ kind: 'unknown' });
    expect(await store.get('stranger')).toEqual({ kind: 'unknown' });
    expect(secrets.calls).toHaveLength(1);
    clock.now += 30_000;
    secrets.values.set(`${SECRET_PREFIX}stranger`, 'sk-onboarded_later_123');
    expect(await store.get('stranger')).toEqual({ kind: 'found', virtualKey: 'sk-onboarded_later_123' });
  });

  test('serves the last key during transient faults, within the stale window', async () => {
    const { store, secrets, clock } = setup();
    await store.get(CLIENT_ID);
    clock.now += TTL;
    secrets.failures.push(transient());
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
    // Backing off: no second call within a second of the fault.
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
    expect(secrets.calls).toHaveLength(2);
  });

  test('fails closed once the stale window has passed', async () => {
    const { store, secrets, clock } = setup();
    await store.get(CLIENT_ID);
    clock.now += TTL + STALE;
    secrets.failures.push(transient());
    expect(await faultOf(store.get(CLIENT_ID))).toBe('key_store_unavailable/ThrottlingException');
  });

  test('fails closed on a transient fault with nothing cached, then backs off', async () => {
    const { store, secrets, clock } = setup();
    secrets.failures.push(transient());
    expect(await faultOf(store.get(CLIENT_ID))).toBe('key_store_unavailable/ThrottlingException');
    expect(await faultOf(store.get(CLIENT_ID))).toBe('key_store_unavailable/ThrottlingException');
    expect(secrets.calls).toHaveLength(1);
    clock.now += 1_000;
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
  });

  test('ends a lookup that outlives lookupTimeoutMs: the call is aborted and counts as a transient fault', async () => {
    const { store, secrets } = setup();
    secrets.hang = true;
    const started = Date.now();
    expect(await faultOf(store.get(CLIENT_ID))).toBe('key_store_unavailable/LookupTimeout');
    expect(Date.now() - started).toBeLessThan(LOOKUP_MS + 200);
    expect(secrets.aborted).toBe(1);
  });

  test('serves the last key when a refresh hangs, as it does on an error', async () => {
    const { store, secrets, clock } = setup();
    await store.get(CLIENT_ID);
    clock.now += TTL;
    secrets.hang = true;
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
    // Backing off: the stale key is served at once, without waiting on Secrets Manager again.
    const again = Date.now();
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
    expect(Date.now() - again).toBeLessThan(LOOKUP_MS);
    expect(secrets.calls).toHaveLength(2);
  });

  test('a hung lookup holds no later request: concurrent ones share its deadline, the next one after the backoff asks again', async () => {
    const { store, secrets, clock } = setup();
    secrets.hang = true;
    const waiting = await Promise.all(Array.from({ length: 5 }, () => faultOf(store.get(CLIENT_ID))));
    expect(waiting).toEqual(Array(5).fill('key_store_unavailable/LookupTimeout'));
    expect(secrets.calls).toHaveLength(1);
    secrets.hang = false;
    clock.now += 1_000;
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'found', virtualKey: VIRTUAL_KEY });
    expect(secrets.calls).toHaveLength(2);
  });

  test('settles at its deadline even when the source ignores the abort', async () => {
    const { store } = setup();
    const s = new VirtualKeyStore({
      ...(store as unknown as { props: object }).props,
      source: () => new Promise<never>(() => undefined),
    } as never);
    expect(await faultOf(s.get(CLIENT_ID))).toBe('key_store_unavailable/LookupTimeout');
  });

  test.each<[string, SecretSourceError, string]>([
    ['access denied', new SecretSourceError('denied', 'AccessDeniedException'), 'key_access_denied/AccessDeniedException'],
    ['an unclassified error', new SecretSourceError('fatal', 'ValidationException'), 'key_store_unavailable/ValidationException'],
  ])('never serves a stale key after %s', async (_name, failure, expected) => {
    const { store, secrets, clock } = setup();
    await store.get(CLIENT_ID);
    clock.now += TTL;
    secrets.failures.push(failure);
    expect(await faultOf(store.get(CLIENT_ID))).toBe(expected);
  });

  test('treats a deleted secret as an unknown client even with a stale key cached', async () => {
    const { store, secrets, clock } = setup();
    await store.get(CLIENT_ID);
    clock.now += TTL;
    secrets.values.clear();
    expect(await store.get(CLIENT_ID)).toEqual({ kind: 'unknown' });
  });

  test('fails closed on a malformed secret and does not re-read it within the negative TTL', async () => {
    const { store, secrets } = setup(new FakeSecrets(new Map([[`${SECRET_PREFIX}${CLIENT_ID}`, 'not-a-key']])));
    expect(await faultOf(store.get(CLIENT_ID))).toBe('invalid_key_secret/InvalidSecretValue');
    expect(await faultOf(store.get(CLIENT_ID))).toBe('invalid_key_secret/InvalidSecretValue');
    expect(secrets.calls).toHaveLength(1);
  });

  test('fails closed on errors that are not SecretSourceErrors', async () => {
    const { store } = setup();
    const s = new VirtualKeyStore({
      ...(store as unknown as { props: object }).props,
      source: async () => {
        throw new TypeError('boom');
      },
    } as never);
    expect(await faultOf(s.get(CLIENT_ID))).toBe('key_store_unavailable/Unknown');
  });

  test('never builds a secret name from an invalid client id', async () => {
    const { store, secrets } = setup();
    expect(await store.get('../prod/other')).toEqual({ kind: 'unknown' });
    expect(secrets.calls).toHaveLength(0);
  });

  test('keeps at most maxEntries clients, evicting the oldest', async () => {
    const secrets = new FakeSecrets(new Map(['a', 'b', 'c', 'd'].map((c) => [`${SECRET_PREFIX}${c}`, `sk-key_for_client_${c}`])));
    const { store } = setup(secrets);
    for (const c of ['a', 'b', 'c', 'd']) await store.get(c);
    await store.get('b');
    await store.get('a');
    expect(secrets.calls.map((n) => n.slice(SECRET_PREFIX.length))).toEqual(['a', 'b', 'c', 'd', 'a']);
  });
});
