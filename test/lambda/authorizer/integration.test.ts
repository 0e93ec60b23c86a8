import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { buildAuthorizer, type AuthorizerParts } from '../../../lambda/authorizer/wiring';
import { attempt, bearer, Captured, requestEvent, SECRET_PREFIX, testConfig } from '../../support/authorizer-harness';
import { AuthorizerMoto } from '../../support/authorizer-moto';
import { accessClaims, CLIENT_ID, jwksOf, mint, rsaKey } from '../../support/authorizer-tokens';
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
    parts = buildAuthorizer(testConfig({ JWKS_URI: jwks.url, JWT_CLIENT_IDS: `${CLIENT_ID},json-client,bad-client,unknown-client` }), {
      logger: createLogger({ write: out.write, clock: () => clock.now }),
      metrics: createEmfMetrics({ write: out.write, clock: () => clock.now }),
      clock: () => clock.now,
      secretsManager: sm,
    });
  }, 30_000);

  afterAll(async () => {
    sm?.destroy();
    await Promise.all([moto?.stop(), jwks?.stop()]);
  });

  const h = () => ({ handler: parts.handler, out });
  const tokenFor = (clientId: string) => mint(key, accessClaims({ client_id: clientId, sub: clientId }));

  test('allows a client and injects its plain-text key', async () => {
    const result = await parts.handler(requestEvent(bearer(tokenFor(CLIENT_ID))));
    expect(result.context).toEqual({ clientId: CLIENT_ID, virtualKey: 'sk-plain_key_for_client7' });
    expect(jwks.hits).toBe(1);
  });

  test('reads the JSON secret form', async () => {
    expect((await parts.handler(requestEvent(bearer(tokenFor('json-client'))))).context).toEqual({
      clientId: 'json-client',
      virtualKey: 'sk-json_key_for_client',
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

  test('never logs tokens or keys', () => {
    expect(out.text()).not.toMatch(/sk-(plain|json|rotated)/);
    expect(out.text()).not.toContain(tokenFor(CLIENT_ID).split('.')[2]);
  });
});
