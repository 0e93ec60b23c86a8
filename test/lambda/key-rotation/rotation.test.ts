/**
 * The rotation state machine step by step, as Secrets Manager drives it: Secrets Manager is moto_server
 * (the pending version made as RotateSecret makes it, ./rotation-moto.ts), LiteLLM the key stand-in.
 */
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { newVirtualKey } from '../../../lambda/tenants/key-secret';
import { httpLiteLlm } from '../../../lambda/key-rotation/litellm-keys';
import { jsonLog } from '../../../lambda/key-rotation/redact';
import { ROTATION_STEPS, createRotationHandler, type RotationStep } from '../../../lambda/key-rotation/rotation';
import { secretVersions, type SecretVersions } from '../../../lambda/key-rotation/secret-versions';
import {
  CONSUMER_SECRET_TAG,
  MANAGED_BY_METADATA_KEY,
  TEAM_SECRET_TAG,
  consumerOfRetiredAlias,
  managedByValue,
  retiredKeyAlias,
} from '../../../lib/shared/tenants';
import { OPEN_WEBUI_CONSUMER, builtinKeySecretName } from '../../../lib/shared/web';
import { startMoto, type LocalMoto } from '../../support/moto';
import { sha256, type FakeKeyRow } from '../../support/fake-litellm-admin';
import { LiteLlmStandIn } from './litellm-stand-in';
import { consumerKeySecret, stageHolder, stages, startRotation } from './rotation-moto';

const MASTER = 'sk-master-key-for-the-stand-in-0001';
const GRACE = 1500;

let moto: LocalMoto;
let client: SecretsManagerClient;
let litellm: LiteLlmStandIn;
/** Every log line of every rotation in this file; none may carry a key. */
const logs: string[] = [];
/** Every key value the tests made or saw. */
const keys = new Set<string>([MASTER]);

beforeAll(async () => {
  [moto, litellm] = await Promise.all([startMoto(), LiteLlmStandIn.start(MASTER)]);
  client = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  client?.destroy();
  await Promise.all([moto?.stop(), litellm?.stop()]);
});

type KeyFields = Partial<Omit<FakeKeyRow, 'token'>>;

const managed = (consumer: string, extra: KeyFields = {}): KeyFields => ({
  key_alias: consumer,
  team_id: 'team-uuid-platform-eng',
  models: ['claude-sonnet'],
  max_budget: 10,
  budget_duration: '1d',
  rpm_limit: 30,
  tpm_limit: null,
  max_parallel_requests: null,
  metadata: { [MANAGED_BY_METADATA_KEY]: managedByValue('dev'), tags: ['environment:dev', 'team:platform-eng', `consumer:${consumer}`] },
  ...extra,
});

let counter = 0;
/** A consumer whose key the reconciler issued: in LiteLLM and current in its secret, rotation on. */
async function consumer(name: string, row: KeyFields = managed(name)) {
  const oldKey = newVirtualKey();
  keys.add(oldKey);
  litellm.admin.seedKey(oldKey, row);
  counter += 1;
  const clientId = `client${counter}x`;
  const arn = await consumerKeySecret(client, { environment: 'dev', clientId, consumer: name, team: 'platform-eng', key: oldKey });
  return { arn, oldKey, clientId };
}

function rotation(secrets: SecretVersions = secretVersions(client)) {
  return createRotationHandler({
    secrets,
    litellm: httpLiteLlm({ baseUrl: litellm.url, masterKey: async () => MASTER }),
    graceSeconds: GRACE,
    now: () => litellm.now,
    newKey: () => {
      const key = newVirtualKey();
      keys.add(key);
      return key;
    },
    log: jsonLog((line) => logs.push(line)),
  });
}

const event = (Step: RotationStep, SecretId: string, ClientRequestToken: string) => ({ Step, SecretId, ClientRequestToken });

async function keyIn(arn: string, stage: string): Promise<string> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: stage }));
  return (JSON.parse(out.SecretString!) as { virtualKey: string }).virtualKey;
}

/** Whether a client presenting this key gets past LiteLLM's key check. */
async function authenticates(key: string): Promise<boolean> {
  const res = await fetch(`${litellm.url}/v1/models`, { headers: { 'x-litellm-api-key': key } });
  await res.arrayBuffer();
  return res.status === 200;
}

async function rotateFully(arn: string, rotate = rotation()): Promise<string> {
  const token = randomUUID();
  await startRotation(client, arn, token);
  for (const step of ROTATION_STEPS) await rotate(event(step, arn, token));
  return token;
}

describe('key rotation against moto_server and the LiteLLM stand-in', () => {
  test('issues a new key under the alias with the old key’s team, limits and metadata, makes it current and retires the old one', async () => {
    // GIVEN
    const { arn, oldKey } = await consumer('app-happy');
    const writesBefore = litellm.writes().length;

    // WHEN
    const token = await rotateFully(arn);

    // THEN the secret's current key is the new one, the old one is AWSPREVIOUS
    const versions = await stages(client, arn);
    expect(stageHolder(versions, 'AWSCURRENT')).toBe(token);
    const newKey = await keyIn(arn, 'AWSCURRENT');
    expect(newKey).not.toBe(oldKey);
    expect(await keyIn(arn, 'AWSPREVIOUS')).toBe(oldKey);
    // the new key is the consumer's in LiteLLM, a copy of the old one's grants
    const { token: _token, key_alias: _alias, expires: _expires, ...grants } = litellm.row(oldKey)!;
    expect(litellm.row(newKey)).toEqual({ ...grants, token: sha256(newKey), key_alias: 'app-happy', expires: null });
    // the old key is renamed and expires after the grace period, from when AWSCURRENT moved
    expect(litellm.row(oldKey)).toMatchObject({
      key_alias: retiredKeyAlias('app-happy', litellm.now / 1000),
      expires: new Date(litellm.now + GRACE * 1000).toISOString(),
    });
    expect(litellm.writes().slice(writesBefore)).toEqual(['POST /key/update', 'POST /key/generate', 'POST /key/update']);
    expect(await authenticates(newKey)).toBe(true);
  });

  test('every step run twice, as Secrets Manager may retry it, ends where a single run ends, with one key issued', async () => {
    const { arn, oldKey } = await consumer('app-retried');
    const rotate = rotation();
    const token = randomUUID();
    await startRotation(client, arn, token);
    const writesBefore = litellm.writes().length;
    const versionsBefore = Object.keys(await stages(client, arn)).length;

    for (const step of ROTATION_STEPS) {
      await rotate(event(step, arn, token));
      await rotate(event(step, arn, token));
    }

    expect(litellm.writes().slice(writesBefore)).toEqual(['POST /key/update', 'POST /key/generate', 'POST /key/update']);
    expect(Object.keys(await stages(client, arn))).toHaveLength(versionsBefore);
    expect(stageHolder(await stages(client, arn), 'AWSCURRENT')).toBe(token);
    expect(litellm.rowsWithAlias('app-retried')).toHaveLength(1);
    expect(consumerOfRetiredAlias(litellm.row(oldKey)!.key_alias!)).toBe('app-retried');
  });

  test('a failure halfway through setSecret, after the rename or with the new key’s answer lost, converges on retry with one new key', async () => {
    const { arn, oldKey } = await consumer('app-flaky');
    const rotate = rotation();
    const token = randomUUID();
    await startRotation(client, arn, token);
    await rotate(event('createSecret', arn, token));

    // /key/generate refused after the old key was renamed: the alias is free, the old key still current
    litellm.failNext('/key/generate', 500);
    await expect(rotate(event('setSecret', arn, token))).rejects.toThrow('LiteLLM POST /key/generate answered 500: injected failure');
    expect(consumerOfRetiredAlias(litellm.row(oldKey)!.key_alias!)).toBe('app-flaky');
    expect(await authenticates(oldKey)).toBe(true);

    // then LiteLLM issues the key but its answer is lost
    litellm.failNext('/key/generate', 502, { afterApplying: true });
    await expect(rotate(event('setSecret', arn, token))).rejects.toThrow('LiteLLM POST /key/generate answered 502');

    // Secrets Manager retries: the retry finds the issued key and goes on
    for (const step of ROTATION_STEPS) await rotate(event(step, arn, token));
    const newKey = await keyIn(arn, 'AWSCURRENT');
    expect(litellm.rowsWithAlias('app-flaky')).toEqual([expect.objectContaining({ key_alias: 'app-flaky' })]);
    expect(litellm.row(newKey)?.key_alias).toBe('app-flaky');
    expect(litellm.calls.filter((c) => c.path === '/key/generate' && c.alias === 'app-flaky')).toHaveLength(2);
  });

  test('a PutSecretValue that fails in createSecret is retried into the same pending version', async () => {
    const { arn } = await consumer('app-put-fails');
    const real = secretVersions(client);
    let failures = 1;
    const flaky: SecretVersions = {
      ...real,
      putPending: async (...args) => {
        if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return real.putPending(...args);
      },
    };
    const rotate = rotation(flaky);
    const token = randomUUID();
    await startRotation(client, arn, token);
    await expect(rotate(event('createSecret', arn, token))).rejects.toThrow('Rate exceeded');
    for (const step of ROTATION_STEPS) await rotate(event(step, arn, token));
    expect(stageHolder(await stages(client, arn), 'AWSCURRENT')).toBe(token);
  });

  test('a rotation whose new key fails its test leaves the old key current, working and not expiring', async () => {
    const { arn, oldKey } = await consumer('app-untested');
    const rotate = rotation();
    const token = randomUUID();
    await startRotation(client, arn, token);
    await rotate(event('createSecret', arn, token));
    await rotate(event('setSecret', arn, token));
    litellm.failNext('/v1/models', 401);

    await expect(rotate(event('testSecret', arn, token))).rejects.toThrow('LiteLLM GET /v1/models answered 401');

    expect(await keyIn(arn, 'AWSCURRENT')).toBe(oldKey);
    expect(litellm.row(oldKey)!.expires).toBeNull();
    litellm.now += (GRACE + 3600) * 1000;
    expect(await authenticates(oldKey)).toBe(true);
  });

  test('the old key authenticates until the grace period after finishSecret is over, then LiteLLM refuses it as expired', async () => {
    const { arn, oldKey } = await consumer('app-grace');
    await rotateFully(arn);
    const newKey = await keyIn(arn, 'AWSCURRENT');
    const finishedAt = litellm.now;

    litellm.now = finishedAt + (GRACE - 1) * 1000;
    expect(await authenticates(oldKey)).toBe(true);
    litellm.now = finishedAt + (GRACE + 1) * 1000;
    expect(await authenticates(oldKey)).toBe(false);
    expect(await authenticates(newKey)).toBe(true);
  });

  test('refuses a token whose version is not AWSPENDING and a secret whose rotation is off, without calling LiteLLM', async () => {
    const { arn } = await consumer('app-refused');
    const previous = stageHolder(await stages(client, arn), 'AWSPREVIOUS')!;
    const callsBefore = litellm.calls.length;
    await expect(rotation()(event('createSecret', arn, previous))).rejects.toThrow(
      `Secret version ${previous} not set as AWSPENDING for rotation of secret ${arn}`,
    );
    const unknown = randomUUID();
    await expect(rotation()(event('setSecret', arn, unknown))).rejects.toThrow(
      `Secret version ${unknown} has no stage for rotation of secret ${arn}`,
    );

    const oldKey = newVirtualKey();
    keys.add(oldKey);
    const off = await consumerKeySecret(client, {
      environment: 'dev',
      clientId: 'clientoff',
      consumer: 'app-off',
      team: 'platform-eng',
      key: oldKey,
      rotation: false,
    });
    expect((await client.send(new DescribeSecretCommand({ SecretId: off }))).RotationEnabled).not.toBe(true);
    await expect(rotation()(event('createSecret', off, randomUUID()))).rejects.toThrow(`Secret ${off} is not enabled for rotation`);
    expect(litellm.calls.length).toBe(callsBefore);
  });

  test("refuses Open WebUI's built-in key even when started by hand: its pods read the key only at start", async () => {
    const key = newVirtualKey();
    keys.add(key);
    litellm.admin.seedKey(key, managed(OPEN_WEBUI_CONSUMER));
    const { ARN } = await client.send(
      new CreateSecretCommand({
        Name: builtinKeySecretName('dev', OPEN_WEBUI_CONSUMER, 'a1b2c3d4'),
        SecretString: JSON.stringify({ virtualKey: key }),
        Tags: [
          { Key: CONSUMER_SECRET_TAG, Value: OPEN_WEBUI_CONSUMER },
          { Key: TEAM_SECRET_TAG, Value: 'platform-eng' },
        ],
      }),
    );
    await client.send(new RotateSecretCommand({ SecretId: ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
    await client.send(new PutSecretValueCommand({ SecretId: ARN, SecretString: JSON.stringify({ virtualKey: key }) }));
    const token = randomUUID();
    await startRotation(client, ARN!, token);
    const callsBefore = litellm.calls.length;
    for (const step of ROTATION_STEPS) {
      await expect(rotation()(event(step, ARN!, token))).rejects.toThrow(
        `Secret ${ARN} holds the built-in consumer open-webui's key, which is never rotated (its workload reads the key only at start; constructs/tenants.ts)`,
      );
    }
    expect(litellm.calls.length).toBe(callsBefore);
    expect(await keyIn(ARN!, 'AWSCURRENT')).toBe(key);
  });

  test('a token already AWSCURRENT is a finished rotation: its steps do nothing again', async () => {
    const { arn } = await consumer('app-finished');
    const token = await rotateFully(arn);
    const writes = litellm.writes().length;
    const versions = await stages(client, arn);
    for (const step of ROTATION_STEPS) await rotation()(event(step, arn, token));
    expect(litellm.writes().length).toBe(writes);
    expect(await stages(client, arn)).toEqual(versions);
  });

  test('rotates again: the second rotation retires the first rotation’s key', async () => {
    const { arn, oldKey } = await consumer('app-twice');
    await rotateFully(arn);
    const firstNew = await keyIn(arn, 'AWSCURRENT');
    litellm.now += 60_000;
    await rotateFully(arn);
    const secondNew = await keyIn(arn, 'AWSCURRENT');
    expect(new Set([oldKey, firstNew, secondNew]).size).toBe(3);
    expect(litellm.row(secondNew)!.key_alias).toBe('app-twice');
    expect(consumerOfRetiredAlias(litellm.row(firstNew)!.key_alias!)).toBe('app-twice');
    expect(litellm.row(firstNew)!.key_alias).not.toBe(litellm.row(oldKey)!.key_alias);
  });

  test('createSecret refuses a secret that holds no key yet: the reconciler issues the first one', async () => {
    const { arn, clientId } = await consumer('app-no-key');
    await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'placeholder-not-a-key' }));
    const token = randomUUID();
    await startRotation(client, arn, token);
    await expect(rotation()(event('createSecret', arn, token))).rejects.toThrow(
      `consumer app-no-key (secret genai-gateway/dev/virtual-keys/${clientId}): the current value is not a virtual key; the tenants reconciler issues the first key (deploy the environment), rotation only replaces it`,
    );
  });

  test('setSecret leaves alone a current key the platform did not issue', async () => {
    const { arn, oldKey } = await consumer('app-by-hand', managed('app-by-hand', { metadata: { owner: 'someone' } }));
    const token = randomUUID();
    await startRotation(client, arn, token);
    await rotation()(event('createSecret', arn, token));
    await expect(rotation()(event('setSecret', arn, token))).rejects.toThrow(
      `the current key is not marked ${MANAGED_BY_METADATA_KEY}=${managedByValue('dev')} in LiteLLM; only keys this platform issued are rotated`,
    );
    expect(litellm.row(oldKey)!.key_alias).toBe('app-by-hand');
  });

  test('a key an abandoned rotation left under the alias is deleted, not left to block the new one', async () => {
    const { arn, oldKey } = await consumer('app-abandoned');
    // An earlier rotation renamed the current key and issued a key whose pending version was then given up.
    const stray = newVirtualKey();
    keys.add(stray);
    litellm.admin.seedKey(oldKey, { ...managed('app-abandoned'), key_alias: retiredKeyAlias('app-abandoned', litellm.now / 1000 - 3600) });
    litellm.admin.seedKey(stray, managed('app-abandoned'));

    await rotateFully(arn);

    const newKey = await keyIn(arn, 'AWSCURRENT');
    expect(litellm.row(newKey)!.key_alias).toBe('app-abandoned');
    expect(litellm.row(stray)).toBeUndefined();
    expect(consumerOfRetiredAlias(litellm.row(oldKey)!.key_alias!)).toBe('app-abandoned');
  });

  test('an error that echoes a key reaches neither the log nor the thrown message', async () => {
    const { arn } = await consumer('app-echo');
    const token = randomUUID();
    await startRotation(client, arn, token);
    await rotation()(event('createSecret', arn, token));
    await rotation()(event('setSecret', arn, token));
    const pending = await keyIn(arn, 'AWSPENDING');
    // LiteLLM puts parts of a key (last four characters, hash) in some refusals; a whole one must not pass.
    litellm.failNext('/v1/models', 401, {
      message: `Authentication Error, Invalid proxy server token passed. Received API Key = ${pending}`,
    });
    const failure = rotation()(event('testSecret', arn, token));
    await expect(failure).rejects.toThrow(
      'LiteLLM GET /v1/models answered 401: Authentication Error, Invalid proxy server token passed. Received API Key = sk-[redacted]',
    );
    await failure.catch((err: Error) => expect(err.stack).not.toContain(pending));
    expect(logs.at(-1)).toContain('"event":"rotation.failed"');
    expect(logs.at(-1)).toContain('sk-[redacted]');
  });

  test('no log line of any rotation above, finished or failed, carries a key or the master key', () => {
    expect(logs.length).toBeGreaterThan(40);
    for (const line of logs) for (const key of keys) expect(line).not.toContain(key);
  });
});
