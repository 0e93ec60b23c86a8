import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Client } from 'pg';
import { createOnEventHandler, PHYSICAL_RESOURCE_ID } from '../../../lambda/db-bootstrap/on-event';
import { InvalidInputError } from '../../../lambda/db-bootstrap/properties';
import { startMoto, type LocalMoto } from '../../support/moto';
import { freePort, startPostgres, type LocalPostgres } from '../../support/postgres';

const MASTER = { username: 'cluster_admin', password: 'MasterPassword0123456789' };
const LITELLM_PASSWORD = 'LitellmPassword0123456789abcdefg';
const LANGFUSE_PASSWORD = 'LangfusePassword0123456789abcdef';

let pg: LocalPostgres;
let moto: LocalMoto;
let secretsManager: SecretsManagerClient;
let masterArn: string;
let litellmArn: string;
let langfuseArn: string;
let logs: string[];

beforeAll(async () => {
  [pg, moto] = await Promise.all([startPostgres(), startMoto()]);
  // Like the RDS master user: may create roles and databases, but is no superuser.
  await pg.query(`CREATE ROLE ${MASTER.username} LOGIN CREATEROLE CREATEDB PASSWORD '${MASTER.password}'`);
  secretsManager = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  masterArn = await createSecret('cluster-master', {
    ...MASTER,
    host: pg.host,
    port: pg.port,
    engine: 'postgres',
    dbClusterIdentifier: 'cluster',
  });
  litellmArn = await createSecret('litellm-db', { username: 'litellm', password: LITELLM_PASSWORD, dbname: 'litellm' });
  langfuseArn = await createSecret('langfuse-db', { username: 'langfuse', password: LANGFUSE_PASSWORD, dbname: 'langfuse' });
});

afterAll(async () => {
  secretsManager?.destroy();
  await Promise.all([pg?.stop(), moto?.stop()]);
});

beforeEach(() => {
  logs = [];
});

async function createSecret(name: string, value: object): Promise<string> {
  const { ARN } = await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  return ARN!;
}

function onEvent(retryTimeoutMs = 5_000) {
  return createOnEventHandler({
    secretsManager,
    ssl: false,
    retry: { timeoutMs: retryTimeoutMs, initialDelayMs: 100, maxDelayMs: 400 },
    connectionTimeoutMs: 2_000,
    log: (message) => logs.push(message),
  });
}

function event(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown> = {
    MasterSecretArn: masterArn,
    Databases: [
      { Name: 'litellm', UserSecretArn: litellmArn },
      { Name: 'langfuse', UserSecretArn: langfuseArn },
    ],
  },
): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/data/guid',
    RequestId: 'request-1',
    LogicalResourceId: 'ApplicationDatabases',
    ResourceType: 'Custom::ApplicationDatabases',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', ...properties },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return { ...common, RequestType: 'Update', PhysicalResourceId: PHYSICAL_RESOURCE_ID, OldResourceProperties: common.ResourceProperties };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: PHYSICAL_RESOURCE_ID };
}

async function canLogIn(user: string, password: string, database: string): Promise<boolean> {
  const client = new Client({ host: pg.host, port: pg.port, user, password, database });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function rolePasswords() {
  return pg.query(`SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('litellm', 'langfuse') ORDER BY rolname`);
}

async function databaseNames(): Promise<string[]> {
  const rows = await pg.query<{ datname: string }>(`SELECT datname FROM pg_database ORDER BY datname`);
  return rows.map((r) => r.datname);
}

// The tests run in order: Create, then Updates against what Create made, then Delete.
describe('onEvent handler with Secrets Manager (moto) and PostgreSQL', () => {
  test('rejects an invalid database name before any SQL runs', async () => {
    // GIVEN one valid and one invalid entry
    const properties = {
      MasterSecretArn: masterArn,
      Databases: [
        { Name: 'litellm', UserSecretArn: litellmArn },
        { Name: 'Lang-Fuse', UserSecretArn: langfuseArn },
      ],
    };

    // WHEN / THEN
    await expect(onEvent()(event('Create', properties))).rejects.toThrow('Databases[1].Name: "Lang-Fuse" is not a valid database name');
    expect(await databaseNames()).not.toContain('litellm');
  });

  test('rejects a user secret that does not belong to its database before any SQL runs', async () => {
    const properties = {
      MasterSecretArn: masterArn,
      Databases: [
        { Name: 'litellm', UserSecretArn: litellmArn },
        { Name: 'langfuse', UserSecretArn: litellmArn },
      ],
    };

    const error = await onEvent()(event('Create', properties)).catch((e) => e);

    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.message).toBe(
      `Invalid user secret ${litellmArn} (database "langfuse"):\n  - dbname: must be "langfuse", the Name it is listed under`,
    );
    expect(await databaseNames()).not.toContain('litellm');
  });

  test('Create makes both databases and roles and returns the stable physical id without data', async () => {
    // WHEN
    const response = await onEvent()(event('Create'));

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'application-databases' });
    expect(await databaseNames()).toEqual(expect.arrayContaining(['litellm', 'langfuse']));
    expect(await canLogIn('litellm', LITELLM_PASSWORD, 'litellm')).toBe(true);
    expect(await canLogIn('langfuse', LANGFUSE_PASSWORD, 'langfuse')).toBe(true);
    expect(await canLogIn('litellm', LITELLM_PASSWORD, 'langfuse')).toBe(false);
    expect(logs).toContain('Create: litellm, langfuse ready; 8 change(s)');
  });

  test('Update with the same secrets changes nothing', async () => {
    // GIVEN
    const before = await rolePasswords();

    // WHEN
    const response = await onEvent()(event('Update'));

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'application-databases' });
    expect(await rolePasswords()).toEqual(before);
    expect(logs).toEqual(['Update: litellm, langfuse ready; nothing changed']);
  });

  test('Update after a secret rotation lets only the new password log in', async () => {
    // GIVEN the litellm secret has a new password
    const rotated = 'RotatedPassword0123456789abcdefg';
    await secretsManager.send(
      new PutSecretValueCommand({
        SecretId: litellmArn,
        SecretString: JSON.stringify({ username: 'litellm', password: rotated, dbname: 'litellm' }),
      }),
    );

    // WHEN
    await onEvent()(event('Update'));

    // THEN
    expect(await canLogIn('litellm', rotated, 'litellm')).toBe(true);
    expect(await canLogIn('litellm', LITELLM_PASSWORD, 'litellm')).toBe(false);
    expect(logs).toContain('role "litellm": password set from its secret');
  });

  test('never logs a password or secret JSON', () => {
    // Runs after the tests above, which logged creation, no-op and rotation.
    const everything = logs.join('\n');
    for (const secret of [MASTER.password, LITELLM_PASSWORD, LANGFUSE_PASSWORD, 'RotatedPassword0123456789abcdefg', '{']) {
      expect(everything).not.toContain(secret);
    }
  });

  test('Delete is a no-op that returns the physical id it was given, even with unusable properties', async () => {
    // WHEN
    const response = await onEvent()(event('Delete', { MasterSecretArn: '', Databases: 'not-a-list' }));

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'application-databases' });
    expect(await databaseNames()).toEqual(expect.arrayContaining(['litellm', 'langfuse']));
    expect(await canLogIn('langfuse', LANGFUSE_PASSWORD, 'langfuse')).toBe(true);
  });

  test('fails with a clear message when the cluster stays unreachable for the retry bound', async () => {
    // GIVEN a master secret pointing at a port nothing listens on
    const port = await freePort();
    const unreachableArn = await createSecret('unreachable-master', { ...MASTER, host: '127.0.0.1', port, engine: 'postgres' });
    const started = Date.now();

    // WHEN
    const error = await onEvent(1_000)(event('Update', { ...event('Update').ResourceProperties, MasterSecretArn: unreachableArn })).catch(
      (e) => e,
    );

    // THEN
    expect(error.message).toMatch(
      new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${port} as the master user within 1s \\(\\d+ attempts\\)\\.`),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
