import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { newVirtualKey } from '../../../lambda/tenants/key-secret';
import { ROTATION_STEPS } from '../../../lambda/key-rotation/rotation';
import { MANAGED_BY_METADATA_KEY, managedByValue } from '../../../lib/shared/tenants';
import { startMoto, type LocalMoto } from '../../support/moto';
import { LiteLlmStandIn } from './litellm-stand-in';
import { consumerKeySecret, startRotation } from './rotation-moto';

// The production handler as Lambda loads it: configured by its environment, its SDK client pointed at moto
// through the SDK's own AWS_ENDPOINT_URL_SECRETS_MANAGER, so the handler carries no test hook.
const ENV_KEYS = [
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'LITELLM_URL',
  'MASTER_KEY_SECRET_ARN',
  'GRACE_SECONDS',
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

/** Stored without the sk- the LiteLLM chart adds (k8s/litellm-chart.ts: `sk-{{ .masterKey }}`). */
const STORED_MASTER = 'Zm9vYmFyYmF6cXV4MDAwMDAwMDAx';

let moto: LocalMoto;
let litellm: LiteLlmStandIn;
let client: SecretsManagerClient;
const lines: string[] = [];

beforeAll(async () => {
  [moto, litellm] = await Promise.all([startMoto(), LiteLlmStandIn.start(`sk-${STORED_MASTER}`)]);
  client = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  const { ARN } = await client.send(
    new CreateSecretCommand({ Name: 'genai-dev-litellm-master-key', SecretString: JSON.stringify({ value: STORED_MASTER }) }),
  );
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: moto.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.credentials.secretAccessKey,
    LITELLM_URL: litellm.url,
    MASTER_KEY_SECRET_ARN: ARN,
    GRACE_SECONDS: '1500',
  });
  jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  jest.restoreAllMocks();
  client?.destroy();
  await Promise.all([moto?.stop(), litellm?.stop()]);
});

describe('handler', () => {
  test('rotates a consumer key end to end with the master key read from its secret, logging JSON lines without keys', async () => {
    // GIVEN a key the reconciler issued
    const oldKey = newVirtualKey();
    litellm.admin.seedKey(oldKey, {
      key_alias: 'demo-app',
      team_id: 'team-1',
      models: [],
      metadata: { [MANAGED_BY_METADATA_KEY]: managedByValue('dev') },
    });
    const arn = await consumerKeySecret(client, {
      environment: 'dev',
      clientId: 'clientdemo',
      consumer: 'demo-app',
      team: 'platform-eng',
      key: oldKey,
    });
    const token = randomUUID();
    await startRotation(client, arn, token);
    let handler!: (event: unknown) => Promise<void>;
    jest.isolateModules(() => {
      ({ handler } = jest.requireActual<typeof import('../../../lambda/key-rotation/index')>('../../../lambda/key-rotation/index'));
    });

    // WHEN Secrets Manager runs the four steps
    for (const Step of ROTATION_STEPS) await handler({ Step, SecretId: arn, ClientRequestToken: token });

    // THEN
    const current = JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSCURRENT' }))).SecretString!);
    expect(litellm.row(current.virtualKey)?.key_alias).toBe('demo-app');
    expect(litellm.row(oldKey)?.expires).not.toBeNull();
    expect(lines.map((l) => (JSON.parse(l) as { event: string }).event)).toEqual([
      'createSecret.stored-pending-key',
      'setSecret.renamed-current-key',
      'setSecret.issued-pending-key',
      'testSecret.pending-key-authenticates',
      'finishSecret.moved-current',
      'finishSecret.previous-key-expires',
    ]);
    for (const secret of [oldKey, current.virtualKey, STORED_MASTER]) expect(lines.join('\n')).not.toContain(secret);
  });

  test('a configuration error stops the cold start, naming every problem', () => {
    const saved = process.env.GRACE_SECONDS;
    process.env.GRACE_SECONDS = 'soon';
    try {
      expect(() =>
        jest.isolateModules(() => {
          jest.requireActual('../../../lambda/key-rotation/index');
        }),
      ).toThrow('Invalid key rotation configuration:\n  - GRACE_SECONDS: "soon" is not a whole number of seconds from 1 to 604800');
    } finally {
      process.env.GRACE_SECONDS = saved;
    }
  });
});
