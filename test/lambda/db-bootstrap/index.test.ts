import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { startMoto, type LocalMoto } from '../../support/moto';
import { startPostgres, type LocalPostgres } from '../../support/postgres';
import { AURORA_ENGINE_VERSIONS } from '../../support/postgres-binaries';

// The production handler as Lambda loads it. Its SDK client is pointed at moto through the SDK's own
// AWS_ENDPOINT_URL_SECRETS_MANAGER setting, so the handler carries no test hook.
const ENV_KEYS = ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

let pg: LocalPostgres;
let moto: LocalMoto;
let handler: (event: CloudFormationCustomResourceEvent) => Promise<unknown>;

beforeAll(async () => {
  // One engine version is enough: the client refuses a server without TLS before any SQL runs.
  [pg, moto] = await Promise.all([startPostgres(AURORA_ENGINE_VERSIONS[0]!), startMoto()]);
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = moto.endpoint;
  process.env.AWS_REGION = moto.region;
  process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
  // Loaded only now, after the environment is set, as Lambda would load it.
  ({ handler } = jest.requireActual<typeof import('../../../lambda/db-bootstrap/index')>('../../../lambda/db-bootstrap/index'));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  jest.restoreAllMocks();
  await Promise.all([pg?.stop(), moto?.stop()]);
});

const common = {
  ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/',
  StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/data/guid',
  RequestId: 'request-1',
  LogicalResourceId: 'ApplicationDatabases',
  ResourceType: 'Custom::ApplicationDatabases',
};

describe('handler', () => {
  test('answers Delete with the physical id it was given', async () => {
    const response = await handler({
      ...common,
      RequestType: 'Delete',
      PhysicalResourceId: 'application-databases',
      ResourceProperties: { ServiceToken: common.ServiceToken },
    });
    expect(response).toEqual({ PhysicalResourceId: 'application-databases' });
  });

  test('insists on TLS: a server without it fails at once instead of receiving credentials in plaintext', async () => {
    // GIVEN secrets in Secrets Manager pointing at a PostgreSQL without TLS
    const client = new SecretsManagerClient({});
    const secret = async (Name: string, value: object) =>
      (await client.send(new CreateSecretCommand({ Name, SecretString: JSON.stringify(value) }))).ARN!;
    const masterArn = await secret('master', {
      username: pg.master.user,
      password: pg.master.password,
      host: pg.host,
      port: pg.port,
      engine: 'postgres',
    });
    const userArn = await secret('litellm', { username: 'litellm', password: 'L'.repeat(32), dbname: 'litellm' });
    client.destroy();
    const started = Date.now();

    // WHEN
    const result = handler({
      ...common,
      RequestType: 'Create',
      ResourceProperties: {
        ServiceToken: common.ServiceToken,
        MasterSecretArn: masterArn,
        Databases: [{ Name: 'litellm', UserSecretArn: userArn }],
      },
    });

    // THEN the secrets were read from moto (else the error would be about them) and TLS was required
    await expect(result).rejects.toThrow('The server does not support SSL connections');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await pg.query(`SELECT 1 FROM pg_database WHERE datname = 'litellm'`)).toEqual([]);
  });
});
