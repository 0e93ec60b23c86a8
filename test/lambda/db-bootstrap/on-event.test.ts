import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Client } from 'pg';
import { createOnEventHandler, PHYSICAL_RESOURCE_ID } from '../../../lambda/db-bootstrap/on-event';
import { InvalidInputError } from '../../../lambda/db-bootstrap/properties';
import { startMoto, type LocalMoto } from '../../support/moto';
import { PGVECTOR_STAND_IN_VERSION, installPgvectorStandIn } from '../../support/pgvector-stand-in';
import { freePort, startPostgres, type LocalPostgres } from '../../support/postgres';
import { AURORA_ENGINE_VERSIONS, postgresBinaries } from '../../support/postgres-binaries';

const LITELLM_PASSWORD = 'LitellmPassword0123456789abcdefg';
const LANGFUSE_PASSWORD = 'LangfusePassword0123456789abcdef';
const ROTATED_PASSWORD = 'RotatedPassword0123456789abcdefg';
const OPENWEBUI_PASSWORD = 'OpenWebUiPassword0123456789abcde';

// One moto for the file; one PostgreSQL per engine version, with its own secrets.
let moto: LocalMoto;
let secretsManager: SecretsManagerClient;

beforeAll(async () => {
  moto = await startMoto();
  secretsManager = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
});

afterAll(async () => {
  secretsManager?.destroy();
  await moto?.stop();
});

async function createSecret(name: string, value: object): Promise<string> {
  const { ARN } = await secretsManager.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  return ARN!;
}

function event(requestType: 'Create' | 'Update' | 'Delete', properties: Record<string, unknown>): CloudFormationCustomResourceEvent {
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

// The tests run in order: Create, then Updates against what Create made, then Delete.
describe.each(AURORA_ENGINE_VERSIONS)('onEvent handler with Secrets Manager (moto) and Aurora PostgreSQL %s', (engineVersion) => {
  let pg: LocalPostgres;
  let masterArn: string;
  let litellmArn: string;
  let langfuseArn: string;
  /** What the handler logged during the current test. */
  let logs: string[];
  /** Everything it logged in this block, for the check that no secret ever reaches the log. */
  const allLogs: string[] = [];

  beforeAll(async () => {
    installPgvectorStandIn(postgresBinaries(engineVersion));
    pg = await startPostgres(engineVersion);
    // What RDS writes into the master secret; the master user is no superuser.
    masterArn = await createSecret(`${engineVersion}/cluster-master`, {
      username: pg.master.user,
      password: pg.master.password,
      host: pg.host,
      port: pg.port,
      engine: 'postgres',
      dbClusterIdentifier: 'cluster',
    });
    litellmArn = await createSecret(`${engineVersion}/litellm-db`, { username: 'litellm', password: LITELLM_PASSWORD, dbname: 'litellm' });
    langfuseArn = await createSecret(`${engineVersion}/langfuse-db`, {
      username: 'langfuse',
      password: LANGFUSE_PASSWORD,
      dbname: 'langfuse',
    });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  beforeEach(() => {
    logs = [];
  });

  function onEvent(retryTimeoutMs = 5_000) {
    return createOnEventHandler({
      secretsManager,
      ssl: false,
      retry: { timeoutMs: retryTimeoutMs, initialDelayMs: 100, maxDelayMs: 400 },
      connectionTimeoutMs: 2_000,
      log: (message) => {
        logs.push(message);
        allLogs.push(message);
      },
    });
  }

  function bothDatabases(): Record<string, unknown> {
    return {
      MasterSecretArn: masterArn,
      Databases: [
        { Name: 'litellm', UserSecretArn: litellmArn },
        { Name: 'langfuse', UserSecretArn: langfuseArn },
      ],
    };
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
    const response = await onEvent()(event('Create', bothDatabases()));

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
    const response = await onEvent()(event('Update', bothDatabases()));

    // THEN
    expect(response).toEqual({ PhysicalResourceId: 'application-databases' });
    expect(await rolePasswords()).toEqual(before);
    expect(logs).toEqual(['Update: litellm, langfuse ready; nothing changed']);
  });

  test('Update after a secret rotation lets only the new password log in', async () => {
    // GIVEN the litellm secret has a new password
    await secretsManager.send(
      new PutSecretValueCommand({
        SecretId: litellmArn,
        SecretString: JSON.stringify({ username: 'litellm', password: ROTATED_PASSWORD, dbname: 'litellm' }),
      }),
    );

    // WHEN
    await onEvent()(event('Update', bothDatabases()));

    // THEN
    expect(await canLogIn('litellm', ROTATED_PASSWORD, 'litellm')).toBe(true);
    expect(await canLogIn('litellm', LITELLM_PASSWORD, 'litellm')).toBe(false);
    expect(logs).toContain('role "litellm": password set from its secret');
  });

  test('Update that adds a database with an extension creates both, the extension as the master user in that database', async () => {
    // GIVEN Open WebUI's database, asking for pgvector (here the stand-in: test/support/pgvector-stand-in.ts)
    const openwebuiArn = await createSecret(`${engineVersion}/openwebui-db`, {
      username: 'openwebui',
      password: OPENWEBUI_PASSWORD,
      dbname: 'openwebui',
    });
    const properties = bothDatabases();
    const databases = [...(properties.Databases as object[]), { Name: 'openwebui', UserSecretArn: openwebuiArn, Extensions: ['vector'] }];

    // WHEN
    await onEvent()(event('Update', { ...properties, Databases: databases }));

    // THEN
    expect(await canLogIn('openwebui', OPENWEBUI_PASSWORD, 'openwebui')).toBe(true);
    expect(
      await pg.query(`SELECT extname, pg_get_userbyid(extowner) AS owner FROM pg_extension WHERE extname = 'vector'`, [], 'openwebui'),
    ).toEqual([{ extname: 'vector', owner: pg.master.user }]);
    expect(logs).toContain(`database "openwebui": created extension "vector" ${PGVECTOR_STAND_IN_VERSION}`);
    expect(logs.at(-1)).toBe('Update: litellm, langfuse, openwebui ready; 5 change(s)');
  });

  test('never logs a password or secret JSON', () => {
    // Runs after the tests above, which logged creation, no-op and rotation.
    const everything = allLogs.join('\n');
    expect(everything).toContain('password set from its secret');
    for (const secret of [pg.master.password, LITELLM_PASSWORD, LANGFUSE_PASSWORD, ROTATED_PASSWORD, '{']) {
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
    const unreachableArn = await createSecret(`${engineVersion}/unreachable-master`, {
      username: pg.master.user,
      password: pg.master.password,
      host: '127.0.0.1',
      port,
      engine: 'postgres',
    });
    const started = Date.now();

    // WHEN
    const error = await onEvent(1_000)(event('Update', { ...bothDatabases(), MasterSecretArn: unreachableArn })).catch((e) => e);

    // THEN
    expect(error.message).toMatch(
      new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${port} as the master user within 1s \\(\\d+ attempts\\)\\.`),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
