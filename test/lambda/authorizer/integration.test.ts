import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_LIMITS } from '../../../lambda/authorizer/config';
import { secretsManagerClientConfig } from '../../../lambda/authorizer/secrets-manager-source';
import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { buildAuthorizer, type AuthorizerParts } from '../../../lambda/authorizer/wiring';
import { attempt, bearer, Captured, requestEvent, SECRET_PREFIX, testConfig } from '../../support/authorizer-harness';
import { AuthorizerMoto, SwitchableEndpoint } from '../../support/authorizer-moto';
import { accessClaims, CLIENT_ID, jwksOf, mint, rsaKey, SPA_A, SPA_B } from '../../support/authorizer-tokens';
import { JwksServer } from '../../support/jwks-server';

/** Real HTTP JWKS fetch on loopback and the real AWS SDK against moto_server. */
describe('integration: local JWKS server + Secrets Manager on moto_server', () => {
  let moto: AuthorizerMoto;
  let jwks: JwksServer;
  let sm: SecretsManagerClient;
  const key = rsaKey();
  const clock = { now: Date.now() };
  const out = new Captured();
  let parts: AuthorizerParts;

  beforeAll(async () => {
    [moto, jwks] = await Promise.all([AuthorizerMoto.start(), JwksServer.start(jwksOf(key))]);
    // The endpoint override lives in the test's client, not in any production code path.
    sm = new SecretsManagerClient({ ...moto.clientConfig(), maxAttempts: 1 });
    await sm.send(new CreateSecretCommand({ Name: `${SECRET_PREFIX}${CLIENT_ID}`, SecretString: 'sk-plain_key_for_client7' }));
    await sm.send(
      new CreateSecretCommand({
        Name: `${SECRET_PREFIX}json-client`,
        SecretString: JSON.stringify({ virtualKey: 'sk-json_key_for_client' }),
      }),
    );
    await sm.send(new CreateSecretCommand({ Name: `${SECRET_PREFIX}bad-client`, SecretString: 'hunter2' }));
    parts = buildAuthorizer(
      testConfig({ JWKS_URI: jwks.url, JWT_CLIENT_IDS: `${CLIENT_ID},json-client,bad-client,unknown-client,${SPA_A},${SPA_B}` }),
      {
        logger: createLogger({ write: out.write, clock: () => clock.now }),
        metrics: createEmfMetrics({ write: out.write, clock: () => clock.now }),
        clock: () => clock.now,
        secretsManager: sm,
      },
    );
  }, 30_000);

  afterAll(async () => {
    sm?.destroy();
    await Promise.all([moto?.stop(), jwks?.stop()]);
  });

  const h = () => ({ handler: parts.handler, out });
  const tokenFor = (clientId: string) => mint(key, accessClaims({ client_id: clientId, sub: clientId }));

  test('allows a client and injects its plain-text key', async () => {
    const result = await parts.handler(requestEvent(bearer(tokenFor(CLIENT_ID))));
    expect(result.context).toEqual({
      clientId: CLIENT_ID,
      endUser: CLIENT_ID,
      virtualKey: 'sk-plain_key_for_client7',
      virtualKeyBearer: 'Bearer sk-plain_key_for_client7',
    });
    expect(jwks.hits).toBe(1);
  });

  test('reads the JSON secret form', async () => {
    expect((await parts.handler(requestEvent(bearer(tokenFor('json-client'))))).context).toEqual({
      clientId: 'json-client',
      endUser: 'json-client',
      virtualKey: 'sk-json_key_for_client',
      virtualKeyBearer: 'Bearer sk-json_key_for_client',
    });
  });

  test('denies a client without a secret with a 403', async () => {
    expect(await attempt(h(), requestEvent(bearer(tokenFor('unknown-client'))))).toBe('403:unknown_client');
  });

  test('fails closed on a secret that is not a virtual key', async () => {
    expect(await attempt(h(), requestEvent(bearer(tokenFor('bad-client'))))).toBe('5xx:invalid_key_secret');
  });

  test('calls Secrets Manager at most once per client per TTL, and picks up a rotation after it', async () => {
    const before = parts.keyStore?.calls ?? 0;
    for (let i = 0; i < 20; i++) await parts.handler(requestEvent(bearer(tokenFor(CLIENT_ID))));
    expect(parts.keyStore?.calls).toBe(before);
    await sm.send(new PutSecretValueCommand({ SecretId: `${SECRET_PREFIX}${CLIENT_ID}`, SecretString: 'sk-rotated_key_for_client7' }));
    expect((await parts.handler(requestEvent(bearer(tokenFor(CLIENT_ID))))).context?.virtualKey).toBe('sk-plain_key_for_client7');
    clock.now += 300_000;
    expect((await parts.handler(requestEvent(bearer(tokenFor(CLIENT_ID))))).context?.virtualKey).toBe('sk-rotated_key_for_client7');
    expect(parts.keyStore?.calls).toBe(before + 1);
    expect(jwks.hits).toBe(1);
  });

  test('denies an off-boarded client once its secret is deleted and the TTL has passed', async () => {
    await sm.send(new DeleteSecretCommand({ SecretId: `${SECRET_PREFIX}json-client`, ForceDeleteWithoutRecovery: true }));
    clock.now += 300_000;
    expect(await attempt(h(), requestEvent(bearer(tokenFor('json-client'))))).toBe('403:unknown_client');
  });

  test('fails closed when Secrets Manager is unreachable and no key is cached', async () => {
    const down = new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    const local = new Captured();
    const isolated = buildAuthorizer(testConfig({ JWKS_URI: jwks.url }), {
      logger: createLogger({ write: local.write, clock: Date.now }),
      metrics: createEmfMetrics({ write: local.write, clock: Date.now }),
      clock: Date.now,
      secretsManager: down,
    });
    expect(await attempt({ handler: isolated.handler, out: local }, requestEvent(bearer(tokenFor(CLIENT_ID))))).toBe(
      '5xx:key_store_unavailable',
    );
    down.destroy();
  });

  /**
   * The authorizer's own Secrets Manager client (production settings, DEFAULT_LIMITS) pointed at a TCP
   * endpoint that accepts connections and never answers, then relays to moto_server once it "recovers".
   */
  describe('Secrets Manager that accepts connections and never answers', () => {
    const budget = DEFAULT_LIMITS.keyLookupTimeoutMs;
    let endpoint: SwitchableEndpoint;
    let client: SecretsManagerClient;
    let hung: AuthorizerParts;
    const hungOut = new Captured();
    const hungClock = { now: Date.now() };
    const secretOf = (clientId: string) => `${SECRET_PREFIX}${clientId}`;
    const timed = async (clientId: string) => {
      const started = Date.now();
      const outcome = await attempt({ handler: hung.handler, out: hungOut }, requestEvent(bearer(tokenFor(clientId))));
      return { outcome, ms: Date.now() - started };
    };
    const keyServedTo = async (clientId: string) => (await hung.handler(requestEvent(bearer(tokenFor(clientId))))).context?.virtualKey;
    const allClosedByClient = async () => {
      for (let i = 0; i < 100 && endpoint.closedByClient < endpoint.held; i++) await new Promise((r) => setTimeout(r, 10));
      return endpoint.closedByClient === endpoint.held;
    };

    beforeAll(async () => {
      endpoint = await SwitchableEndpoint.start(moto.endpoint);
      client = new SecretsManagerClient({ ...secretsManagerClientConfig(DEFAULT_LIMITS), ...moto.clientConfig(), endpoint: endpoint.url });
      await sm.send(new CreateSecretCommand({ Name: secretOf('hang-fresh'), SecretString: 'sk-key_for_hang_fresh' }));
      await sm.send(new CreateSecretCommand({ Name: secretOf('hang-stale'), SecretString: 'sk-key_for_hang_stale' }));
      hung = buildAuthorizer(testConfig({ JWKS_URI: jwks.url, JWT_CLIENT_IDS: `hang-fresh,hang-stale,${SPA_A},${SPA_B}` }), {
        logger: createLogger({ write: hungOut.write, clock: () => hungClock.now }),
        metrics: createEmfMetrics({ write: hungOut.write, clock: () => hungClock.now }),
        clock: () => hungClock.now,
        secretsManager: client,
      });
    });
    afterAll(async () => {
      client?.destroy();
      await endpoint?.stop();
    });

    test('with nothing cached, every waiting request fails closed at the lookup deadline, and the hung connections are cut', async () => {
      endpoint.behaviour = 'hang';
      const results = await Promise.all(Array.from({ length: 5 }, () => timed('hang-fresh')));
      for (const { outcome, ms } of results) {
        // A key-store fault within the lookup budget, not the handler's 4 s decision timeout.
        expect(outcome).toBe('5xx:key_store_unavailable');
        expect(ms).toBeLessThan(budget + 500);
      }
      // The five requests shared one lookup: at most maxAttempts connections, each closed by the client.
      expect(endpoint.held).toBeGreaterThanOrEqual(1);
      expect(endpoint.held).toBeLessThanOrEqual(2);
      expect(await allClosedByClient()).toBe(true);
    });

    test('once the endpoint answers again, the next lookup after the backoff succeeds at once instead of waiting on the hung one', async () => {
      endpoint.behaviour = 'forward';
      hungClock.now += DEFAULT_LIMITS.keyErrorBackoffMs;
      const started = Date.now();
      expect(await keyServedTo('hang-fresh')).toBe('sk-key_for_hang_fresh');
      expect(Date.now() - started).toBeLessThan(DEFAULT_LIMITS.keyLookupAttemptTimeoutMs);
    });

    test('with a key cached past its TTL, a hung refresh serves the last key (stale-on-error), then the rotated key after recovery', async () => {
      endpoint.behaviour = 'forward';
      expect(await keyServedTo('hang-stale')).toBe('sk-key_for_hang_stale');
      await sm.send(new PutSecretValueCommand({ SecretId: secretOf('hang-stale'), SecretString: 'sk-rotated_for_hang_stale' }));
      hungClock.now += 300_000;

      endpoint.behaviour = 'hang';
      const before = endpoint.held;
      const started = Date.now();
      expect(await keyServedTo('hang-stale')).toBe('sk-key_for_hang_stale');
      expect(Date.now() - started).toBeLessThan(budget + 500);
      // Within the backoff the stale key is served without another call.
      const again = Date.now();
      expect(await keyServedTo('hang-stale')).toBe('sk-key_for_hang_stale');
      expect(Date.now() - again).toBeLessThan(200);
      expect(endpoint.held - before).toBeGreaterThanOrEqual(1);
      expect(endpoint.held - before).toBeLessThanOrEqual(2);
      expect(await allClosedByClient()).toBe(true);

      endpoint.behaviour = 'forward';
      hungClock.now += DEFAULT_LIMITS.keyErrorBackoffMs;
      expect(await keyServedTo('hang-stale')).toBe('sk-rotated_for_hang_stale');
    });
  });

  test('never logs tokens or keys', () => {
    expect(out.text()).not.toMatch(/sk-(plain|json|rotated)/);
    expect(out.text()).not.toContain(tokenFor(CLIENT_ID).split('.')[2]);
  });
});
