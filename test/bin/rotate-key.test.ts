import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CreateSecretCommand, DescribeSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkConsumer, parseRotateKeyArgs, rotateKey } from '../../bin/rotate-key-run';
import { loadEnvironment } from '../../lib/config/load-config';
import { CONSUMER_SECRET_TAG, TEAM_SECRET_TAG, virtualKeySecretPrefix } from '../../lib/shared/tenants';
import { startMoto, type LocalMoto } from '../support/moto';
import { ENVIRONMENTS } from '../../lib/config/environments';

const ROOT = join(__dirname, '..', '..');
const KEY_VALUE = '{"virtualKey":"sk-current-key-of-demo-app-0001"}';

let moto: LocalMoto;
let client: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  client = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  client?.destroy();
  await moto?.stop();
});

async function keySecret(environment: string, clientId: string, consumer: string, rotation: boolean): Promise<string> {
  const { ARN } = await client.send(
    new CreateSecretCommand({
      Name: `${virtualKeySecretPrefix(environment)}${clientId}`,
      SecretString: KEY_VALUE,
      Tags: [
        { Key: CONSUMER_SECRET_TAG, Value: consumer },
        { Key: TEAM_SECRET_TAG, Value: 'platform-eng' },
      ],
    }),
  );
  // moto turns rotation on when a RotateSecret call carries rotation rules (it has no function to invoke).
  if (rotation) await client.send(new RotateSecretCommand({ SecretId: ARN, RotationRules: { AutomaticallyAfterDays: 30 } }));
  return ARN!;
}

function run(environment: string, consumer: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = rotateKey({ environment, consumer }, { secretsManager: client, print: (l) => out.push(l), printError: (l) => err.push(l) });
  return code.then((exitCode) => ({ exitCode, out, err }));
}

describe('parseRotateKeyArgs', () => {
  test('takes an environment and a consumer', () => {
    expect(parseRotateKeyArgs(['dev', 'demo-app'])).toEqual({ environment: 'dev', consumer: 'demo-app' });
    expect(parseRotateKeyArgs(['--help'])).toBe('help');
  });

  test('refuses a missing consumer, extra names and options', () => {
    // One line: the usage is what --help prints.
    expect(() => parseRotateKeyArgs(['dev'])).toThrow(/^rotate-key needs an environment and a consumer$/);
    expect(() => parseRotateKeyArgs(['dev', 'a', 'b'])).toThrow('rotate-key takes one environment and one consumer (got dev a b)');
    expect(() => parseRotateKeyArgs(['dev', 'demo-app', '--force'])).toThrow('unknown option "--force" (allowed: --help)');
  });
});

describe('checkConsumer', () => {
  test('names the consumers the environment declares when the one asked for is not among them', () => {
    expect(() => checkConsumer({ environment: 'dev', consumer: 'demo-ap' }, loadEnvironment('dev'))).toThrow(
      'consumer "demo-ap" is not declared in environment dev (allowed: demo-app)',
    );
    expect(() => checkConsumer({ environment: 'dev', consumer: 'demo-app' }, loadEnvironment('dev'))).not.toThrow();
  });

  test("refuses Open WebUI's built-in key and says how to replace it by hand, with the restart it needs", () => {
    expect(() => checkConsumer({ environment: 'dev', consumer: 'open-webui' }, loadEnvironment('dev'))).toThrow(
      'consumer "open-webui" is Open WebUI\'s built-in consumer, whose key is not rotated: Open WebUI reads it only when a pod starts, ' +
        'so a rotated-out key would expire under the running pods. To replace it: put {} into the secret ' +
        'genai-gateway/dev/builtin-keys/open-webui-<platform stack id block>, deploy with -c reconcile=$(date +%s) (the reconciler deletes the old key ' +
        'and issues a new one), then, once the in-cluster secret has synced, run kubectl -n open-webui rollout restart deployment. ' +
        'The chat fails between the deploy and the restart.',
    );
  });
});

describe('rotateKey against moto_server', () => {
  test("starts the rotation of the consumer's secret in that environment and prints the new version, never a key", async () => {
    // GIVEN the consumer's secret, a same-named consumer in another environment, another consumer here
    const arn = await keySecret('dev', 'client1demo', 'demo-app', true);
    const other = await keySecret('stg', 'client1stg', 'demo-app', true);
    await keySecret('dev', 'client2other', 'other-app', true);
    const before = await client.send(new DescribeSecretCommand({ SecretId: other }));

    // WHEN
    const { exitCode, out, err } = await run('dev', 'demo-app');

    // THEN the new version is the one Secrets Manager made, on that secret only
    expect(err).toEqual([]);
    expect(exitCode).toBe(0);
    const after = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    const newest = Object.keys(after.VersionIdsToStages ?? {}).at(-1)!;
    expect(out[0]).toBe(`Rotation of demo-app's key started: secret genai-gateway/dev/virtual-keys/client1demo, new version ${newest}.`);
    expect((await client.send(new DescribeSecretCommand({ SecretId: other }))).VersionIdsToStages).toEqual(before.VersionIdsToStages);
    expect([...out, ...err].join('\n')).not.toContain('sk-');
  });

  test('says what to do when no secret is tagged for the consumer, or rotation is not on', async () => {
    const missing = await run('dev', 'nobody');
    expect(missing.exitCode).toBe(1);
    expect(missing.err).toEqual([
      `No key secret for consumer nobody: nothing named genai-gateway/dev/virtual-keys/* is tagged ${CONSUMER_SECRET_TAG}=nobody in this account and region. Deploy the environment first, or check the credentials' account and region.`,
    ]);

    await keySecret('dev', 'client3norot', 'not-rotated', false);
    const off = await run('dev', 'not-rotated');
    expect(off.exitCode).toBe(1);
    expect(off.err).toEqual([
      'Rotation is not turned on for genai-gateway/dev/virtual-keys/client3norot: deploy environment dev (its Tenants construct schedules rotation for every consumer key).',
    ]);
  });
});

describe('npm run rotate-key (the command line)', () => {
  const cli = (args: string[], env: Record<string, string | undefined>) =>
    spawnSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'bin', 'rotate-key.ts'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env },
      timeout: 30_000,
    });

  test('exits 2 with the config error for an unknown environment', () => {
    const result = cli(['nope', 'demo-app'], {});
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`env: unknown environment "nope" (allowed: ${Object.keys(ENVIRONMENTS).join(', ')})`);
  });

  test('exits 1 and says to log in when there are no AWS credentials', () => {
    const result = cli(['dev', 'demo-app'], {
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('could not list the key secrets of environment dev: no AWS credentials (');
    expect(result.stderr).toContain("Log in to the environment's account");
  });
});
