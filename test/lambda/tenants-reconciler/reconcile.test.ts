/**
 * Whole runs of the reconciler's onEvent handler against the LiteLLM admin stand-in
 * (test/support/fake-litellm-admin.ts, checked by test/contracts/litellm-admin.test.ts) and Secrets Manager in
 * moto_server. The run logs of the create, no-op, change and delete runs are kept as a snapshot
 * (__snapshots__/reconcile.test.ts.snap) so a reviewer reads exactly what a deploy prints.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClient as Client,
} from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { parseVirtualKeySecret } from '../../../lambda/authorizer/virtual-key-secret';
import { masterKeyReader } from '../../../lambda/tenants/master-key';
import { createOnEventHandler, DEADLINE_MARGIN_MS, type OnEventResponse } from '../../../lambda/tenants-reconciler/on-event';
import { retiredKeyAlias, type DesiredTenants } from '../../../lib/shared/tenants';
import { OPEN_WEBUI_CONSUMER, builtinKeySecretName } from '../../../lib/shared/web';
import { FakeLiteLlmAdmin, sha256 } from '../../support/fake-litellm-admin';
import { startMoto, type LocalMoto } from '../../support/moto';

const MASTER_VALUE = 'master-value-from-secrets-manager-0001';
const START = Date.parse('2026-11-29T10:00:00Z');

let moto: LocalMoto;
let sm: SecretsManagerClient;
let masterArn: string;

beforeAll(async () => {
  moto = await startMoto();
  sm = new SecretsManagerClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
  masterArn = (
    await sm.send(
      new CreateSecretCommand({ Name: 'genai-gateway/dev/litellm-master-key', SecretString: JSON.stringify({ value: MASTER_VALUE }) }),
    )
  ).ARN!;
});

afterAll(async () => {
  sm?.destroy();
  await moto?.stop();
});

interface World {
  readonly admin: FakeLiteLlmAdmin;
  readonly secretArns: Record<string, string>;
  readonly logs: string[];
  /** Runs one event through a handler built like index.ts builds it (fake clock, no real sleeping). */
  run(type: 'Create' | 'Update' | 'Delete', desired: DesiredTenants, client?: Client, remainingMs?: number): Promise<OnEventResponse>;
  desired(change?: (d: DesiredTenants) => DesiredTenants): DesiredTenants;
  secretKey(consumer: string): Promise<string | undefined>;
  clock: { now: number };
}

let world: World;
let worldCount = 0;

beforeEach(async () => {
  const clock = { now: START };
  const admin = await FakeLiteLlmAdmin.start({ masterKey: `sk-${MASTER_VALUE}`, now: () => clock.now });
  worldCount++;
  const secretArns: Record<string, string> = {};
  for (const c of ['app-one', 'app-two', 'batch-jobs']) {
    // As the stack leaves them: the Secret construct's generated placeholder, not a key.
    const out = await sm.send(
      new CreateSecretCommand({
        Name: `genai-gateway/dev/virtual-keys/client-${c}-${worldCount}`,
        SecretString: 'Xk3!generated-placeholder-password',
      }),
    );
    secretArns[c] = out.ARN!;
  }
  // Open WebUI's built-in key: a secret outside the authorizer's prefix (moto keeps names across worlds, hence the suffix).
  secretArns[OPEN_WEBUI_CONSUMER] = (
    await sm.send(
      new CreateSecretCommand({
        Name: builtinKeySecretName('dev', OPEN_WEBUI_CONSUMER, String(worldCount)),
        SecretString: 'Xk3!generated-placeholder-password',
      }),
    )
  ).ARN!;
  const logs: string[] = [];
  const base: DesiredTenants = {
    environment: 'dev',
    teams: [
      {
        alias: 'research',
        models: ['claude-sonnet', 'nova-lite'],
        tags: { 'cost-centre': 'cc-1001' },
        maxBudgetUsd: 200,
        budgetDuration: '30d',
        tpmLimit: 200000,
      },
      {
        alias: 'support',
        models: ['nova-lite'],
        tags: { 'cost-centre': 'cc-2002' },
        maxBudgetUsd: 50,
        budgetDuration: '1mo',
        rpmLimit: 120,
      },
    ],
    consumers: [
      {
        name: 'app-one',
        team: 'research',
        clientId: 'client-app-one',
        secretArn: secretArns['app-one']!,
        tags: {},
        maxBudgetUsd: 40,
        rpmLimit: 60,
      },
      {
        name: 'batch-jobs',
        team: 'research',
        clientId: 'client-batch-jobs',
        secretArn: secretArns['batch-jobs']!,
        tags: { owner: 'data' },
        maxParallelRequests: 2,
      },
      { name: 'app-two', team: 'support', clientId: 'client-app-two', secretArn: secretArns['app-two']!, tags: {} },
      // Built-in: no client id and no limits of its own; its team's budget holds it.
      { name: OPEN_WEBUI_CONSUMER, team: 'support', secretArn: secretArns[OPEN_WEBUI_CONSUMER], tags: {} },
    ],
  };
  world = {
    admin,
    secretArns,
    logs,
    clock,
    desired: (change) => (change ? change(base) : base),
    async run(type, desired, client = sm, remainingMs) {
      const handler = createOnEventHandler({
        secretsManager: client,
        litellmUrl: admin.url,
        masterKey: masterKeyReader(sm, masterArn),
        readiness: { timeoutMs: 30_000, intervalMs: 10_000 },
        callTimeoutMs: 5_000,
        log: (line) => logs.push(line),
        now: () => clock.now,
        sleep: async (ms) => {
          clock.now += ms;
        },
      });
      return handler(event(type, desired), remainingMs);
    },
    async secretKey(consumer) {
      const out = await sm.send(new GetSecretValueCommand({ SecretId: secretArns[consumer] }));
      return parseVirtualKeySecret(out.SecretString);
    },
  };
});

afterEach(async () => {
  await world.admin.stop();
});

function event(type: 'Create' | 'Update' | 'Delete', desired: DesiredTenants): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/genai-dev-platform/1',
    RequestId: 'request-1',
    LogicalResourceId: 'TenantsReconcilerResource',
    ResourceType: 'Custom::LiteLlmTenants',
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
      DesiredTenants: JSON.stringify(desired),
    },
  };
  if (type === 'Create') return { ...common, RequestType: 'Create' };
  if (type === 'Update')
    return { ...common, RequestType: 'Update', PhysicalResourceId: 'tenants', OldResourceProperties: common.ResourceProperties };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'tenants' };
}

/** The run's log lines, then clears them. */
function takeLogs(): string[] {
  return world.logs.splice(0);
}

/** Every consumer's secret holds a key LiteLLM knows under the consumer's alias, bound to its team. */
async function expectConverged(desired: DesiredTenants): Promise<void> {
  for (const c of desired.consumers) {
    const key = await world.secretKey(c.name);
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    const row = world.admin.keys.get(sha256(key!));
    expect(row).toMatchObject({ key_alias: c.name, team_id: world.admin.teamByAlias(c.team)!.team_id, models: [] });
  }
  expect([...world.admin.teams.values()].map((t) => t.team_alias).sort()).toEqual(desired.teams.map((t) => t.alias).sort());
}

describe('tenants reconciler, whole runs', () => {
  test('create, then no-op, then change, then delete: each run makes only the writes it must, and a repeat run makes none', async () => {
    const desired = world.desired();
    const created = await world.run('Create', desired);
    expect(created).toEqual({
      PhysicalResourceId: 'tenants',
      Data: {
        teamsCreated: '2',
        teamsUpdated: '0',
        teamsDeleted: '0',
        keysIssued: '4',
        keysUpdated: '0',
        keysDeleted: '0',
        secretsWritten: '4',
        adminReads: '2',
        adminWrites: '6',
      },
    });
    await expectConverged(desired);
    expect(world.admin.teamByAlias('research')).toMatchObject({
      models: ['claude-sonnet', 'nova-lite'],
      max_budget: 200,
      budget_duration: '30d',
      tpm_limit: 200000,
      metadata: { genai_managed_by: 'genai-gateway-platform/dev', tags: ['environment:dev', 'team:research', 'cost-centre:cc-1001'] },
    });
    expect(world.admin.keyByAlias('batch-jobs')).toMatchObject({
      max_parallel_requests: 2,
      metadata: {
        genai_managed_by: 'genai-gateway-platform/dev',
        environment: 'dev',
        team: 'research',
        consumer: 'batch-jobs',
        tags: ['environment:dev', 'team:research', 'consumer:batch-jobs', 'cost-centre:cc-1001', 'owner:data'],
      },
    });
    // Open WebUI's key: marked, attributed, bound to its team (models and budget come from the team), no limit of its own.
    expect(world.admin.keyByAlias(OPEN_WEBUI_CONSUMER)).toMatchObject({
      team_id: world.admin.teamByAlias('support')!.team_id,
      models: [],
      max_budget: null,
      metadata: {
        genai_managed_by: 'genai-gateway-platform/dev',
        environment: 'dev',
        team: 'support',
        consumer: OPEN_WEBUI_CONSUMER,
        tags: ['environment:dev', 'team:support', `consumer:${OPEN_WEBUI_CONSUMER}`, 'cost-centre:cc-2002'],
      },
    });
    expect(world.admin.teamByAlias('support')).toMatchObject({ models: ['nova-lite'], max_budget: 50, budget_duration: '1mo' });
    const createLog = takeLogs();

    const writesBefore = world.admin.writes().length;
    const noop = await world.run('Update', desired);
    expect(world.admin.writes().length).toBe(writesBefore);
    expect(noop.Data).toMatchObject({ adminWrites: '0', secretsWritten: '0', adminReads: '2' });
    const noopLog = takeLogs();

    const changed = world.desired((d) => ({
      ...d,
      teams: [
        { ...d.teams[0]!, maxBudgetUsd: 300, models: ['claude-sonnet'] },
        { ...d.teams[1]!, rpmLimit: 240, tags: { 'cost-centre': 'cc-2003' } },
      ],
      consumers: d.consumers.map((c, i) => (i === 0 ? { ...c, tpmLimit: 5000 } : c)),
    }));
    const keysBefore = await Promise.all(desired.consumers.map((c) => world.secretKey(c.name)));
    const change = await world.run('Update', changed);
    expect(change.Data).toMatchObject({ teamsUpdated: '2', keysUpdated: '3', keysIssued: '0', adminWrites: '5', secretsWritten: '0' });
    expect(world.admin.teamByAlias('research')).toMatchObject({ max_budget: 300, models: ['claude-sonnet'] });
    expect(world.admin.teamByAlias('support')!.metadata.tags).toEqual(['environment:dev', 'team:support', 'cost-centre:cc-2003']);
    expect(world.admin.keyByAlias('app-one')!.tpm_limit).toBe(5000);
    expect(world.admin.keyByAlias('app-two')!.metadata.tags).toEqual([
      'environment:dev',
      'team:support',
      'consumer:app-two',
      'cost-centre:cc-2003',
    ]);
    expect(world.admin.keyByAlias(OPEN_WEBUI_CONSUMER)!.metadata.tags).toContain('cost-centre:cc-2003');
    // Changing limits keeps every key: no client (and no Open WebUI pod) needs a new one.
    expect(await Promise.all(desired.consumers.map((c) => world.secretKey(c.name)))).toEqual(keysBefore);
    const changeLog = takeLogs();

    const shrunk = world.desired((d) => ({ ...d, teams: [d.teams[0]!], consumers: [d.consumers[0]!, d.consumers[1]!] }));
    const deleted = await world.run('Update', {
      ...shrunk,
      teams: [changed.teams[0]!],
      consumers: [changed.consumers[0]!, changed.consumers[1]!],
    });
    // Open WebUI turned off with its team gone: its key goes too.
    expect(deleted.Data).toMatchObject({ keysDeleted: '2', teamsDeleted: '1', adminWrites: '3' });
    expect(world.admin.keyByAlias('app-two')).toBeUndefined();
    expect(world.admin.keyByAlias(OPEN_WEBUI_CONSUMER)).toBeUndefined();
    expect(world.admin.teamByAlias('support')).toBeUndefined();
    const deleteLog = takeLogs();

    await world.run('Delete', desired);
    expect(takeLogs()).toEqual(['Delete: nothing to do; LiteLLM teams and keys are left as they are']);

    expect({ create: createLog, noop: noopLog, change: changeLog, delete: deleteLog }).toMatchSnapshot();
  });

  test("removing a team's MCP grant revokes it with exactly one write, and an unchanged grant writes nothing", async () => {
    // The stand-in answers /team/list as upstream does: no object_permission, only its id (litellm-admin contract).
    const granted = world.desired((d) => ({
      ...d,
      teams: d.teams.map((t) => (t.alias === 'research' ? { ...t, mcpServers: ['deepwiki'] } : t)),
    }));
    await world.run('Create', granted);
    const research = world.admin.teamByAlias('research')!;
    expect(research.object_permission?.mcp_servers).toEqual(['deepwiki']);
    takeLogs();

    const writesBefore = world.admin.writes().length;
    const unchanged = await world.run('Update', granted);
    expect(world.admin.writes().length).toBe(writesBefore);
    // One /team/info for the one team whose grant the listing leaves out.
    expect(unchanged.Data).toMatchObject({ adminWrites: '0', adminReads: '3' });
    const unchangedLog = takeLogs();

    const revoked = await world.run('Update', world.desired());
    expect(revoked.Data).toMatchObject({ teamsUpdated: '1', adminWrites: '1' });
    expect(world.admin.writes().map((c) => [c.route, c.body])).toContainEqual([
      '/team/update',
      { team_id: research.team_id, object_permission: { mcp_servers: [] } },
    ]);
    expect(world.admin.teamByAlias('research')!.object_permission?.mcp_servers).toEqual([]);
    const revokeLog = takeLogs();

    // Revoked stays revoked: the next run writes nothing.
    const after = world.admin.writes().length;
    await world.run('Update', world.desired());
    expect(world.admin.writes().length).toBe(after);
    expect({ unchanged: unchangedLog, revoke: revokeLog }).toMatchSnapshot();
  });

  test('a run that fails half-way names what failed, and the next run converges from there', async () => {
    const desired = world.desired();
    world.admin.failOnce({ nthWrite: 3 });
    await expect(world.run('Create', desired)).rejects.toThrow(
      'could not reconcile consumer "app-one": issue-key consumer=app-one via POST /key/generate, then PutSecretValue failed: ' +
        'LiteLLM POST /key/generate answered 500: Internal Server Error (injected by the test). ' +
        '2 earlier change(s) of this run stay applied; the next deploy continues from there.',
    );
    expect(world.admin.teams.size).toBe(2);
    const retry = await world.run('Update', desired);
    expect(retry.Data).toMatchObject({ teamsCreated: '0', keysIssued: '4', adminWrites: '4' });
    await expectConverged(desired);
    expect((await world.run('Update', desired)).Data).toMatchObject({ adminWrites: '0' });
  });

  test('a crash between issuing a key and storing it leaves a key no secret holds; the next run replaces it', async () => {
    const desired = world.desired();
    let failed = false;
    const flaky = {
      send: (command: unknown) => {
        if (!failed && command instanceof PutSecretValueCommand) {
          failed = true;
          return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
        }
        return sm.send(command as GetSecretValueCommand);
      },
    } as unknown as Client;
    await expect(world.run('Create', desired, flaky)).rejects.toThrow(
      /could not reconcile consumer "app-one": .* failed: could not write .*ThrottlingException: Rate exceeded/,
    );
    const orphan = world.admin.keyByAlias('app-one')!;
    expect(await world.secretKey('app-one')).toBeUndefined();

    const retry = await world.run('Update', desired);
    expect(retry.Data).toMatchObject({ keysDeleted: '1', keysIssued: '4', secretsWritten: '4' });
    expect(world.admin.keys.has(orphan.token)).toBe(false);
    await expectConverged(desired);
  });

  test('a secret that no longer holds the LiteLLM key (overwritten, or the stack re-created it) gets a fresh key; the old one is deleted', async () => {
    const desired = world.desired();
    await world.run('Create', desired);
    const old = world.admin.keyByAlias('app-two')!;
    await sm.send(
      new PutSecretValueCommand({
        SecretId: world.secretArns['app-two'],
        SecretString: JSON.stringify({ virtualKey: 'sk-someone-pasted-this-key-0001' }),
      }),
    );
    takeLogs();
    const run = await world.run('Update', desired);
    expect(run.Data).toMatchObject({ keysDeleted: '1', keysIssued: '1', secretsWritten: '1', adminWrites: '2' });
    expect(world.admin.keys.has(old.token)).toBe(false);
    await expectConverged(desired);
    expect(takeLogs()).toEqual(
      expect.arrayContaining([
        'reconcile: delete-key consumer=app-two via POST /key/delete (the secret holds another key)',
        'reconcile: issue-key consumer=app-two via POST /key/generate, then PutSecretValue',
      ]),
    );
  });

  test("Open WebUI's key is replaced by hand as rotate-key says: {} in its secret, then a forced run deletes the old key and issues a new one", async () => {
    const desired = world.desired();
    await world.run('Create', desired);
    const old = world.admin.keyByAlias(OPEN_WEBUI_CONSUMER)!;
    await sm.send(new PutSecretValueCommand({ SecretId: world.secretArns[OPEN_WEBUI_CONSUMER], SecretString: '{}' }));
    takeLogs();
    const run = await world.run('Update', desired);
    expect(run.Data).toMatchObject({ keysDeleted: '1', keysIssued: '1', secretsWritten: '1', adminWrites: '2' });
    expect(world.admin.keys.has(old.token)).toBe(false);
    await expectConverged(desired);
    expect(takeLogs()).toEqual(
      expect.arrayContaining([`reconcile: delete-key consumer=${OPEN_WEBUI_CONSUMER} via POST /key/delete (the secret holds no key)`]),
    );
  });

  test('a key half-way through rotation (LiteLLM holds the AWSPENDING key) is left to the rotation function', async () => {
    const desired = world.desired();
    await world.run('Create', desired);
    const current = world.admin.keyByAlias('app-one')!;
    const pending = 'sk-pending-key-from-the-rotation-0001';
    await sm.send(
      new PutSecretValueCommand({
        SecretId: world.secretArns['app-one'],
        SecretString: JSON.stringify({ virtualKey: pending }),
        VersionStages: ['AWSPENDING'],
      }),
    );
    current.key_alias = retiredKeyAlias('app-one', START / 1000);
    world.admin.seedKey(pending, { ...current, key_alias: 'app-one' });
    takeLogs();
    const run = await world.run('Update', desired);
    expect(run.Data).toMatchObject({ adminWrites: '0' });
    expect(takeLogs()).toContain(
      'reconcile: skip consumer=app-one: key rotation in progress (LiteLLM holds the pending key): left to the rotation function',
    );
  });

  test('a desired team whose alias a hand-made team holds fails the deploy with its name, and nothing is written', async () => {
    const handMade = world.admin.seedTeam({ team_alias: 'support', metadata: { owner: 'ops' } });
    await expect(world.run('Create', world.desired())).rejects.toThrow(
      `team "support": LiteLLM already has a team with this alias that this platform did not make (team_id ${handMade.team_id}). Nothing was changed.`,
    );
    expect(world.admin.writes()).toEqual([]);
  });

  test('waits for LiteLLM to report its database connected, and fails with a clear message when the deadline passes', async () => {
    world.admin.failReadiness(2, 'unavailable');
    await world.run('Create', world.desired());
    expect(takeLogs()[0]).toBe('readiness: LiteLLM ready after 3 poll(s), 20 s');

    world.admin.failReadiness(1000, 'db-disconnected');
    await expect(world.run('Update', world.desired())).rejects.toThrow(
      `LiteLLM at ${world.admin.url} was not ready within 30 s (4 polls of /health/readiness; last: status healthy, database disconnected). ` +
        'Check the gateway pods and their database connection, then deploy again.',
    );
    expect(world.admin.adminCalls().filter((c) => c.method === 'POST')).toHaveLength(6);
  });

  test("keeps the function's deadline: with too little time left it stops waiting and sends no admin call", async () => {
    world.admin.failReadiness(1000, 'db-disconnected');
    // 35 s left, less the 10 s margin: the 30 s readiness budget shrinks to 25 s, so two polls, then the failure.
    await expect(world.run('Create', world.desired(), sm, DEADLINE_MARGIN_MS + 25_000)).rejects.toThrow(
      `LiteLLM at ${world.admin.url} was not ready within 25 s (3 polls of /health/readiness; last: status healthy, database disconnected).`,
    );
    expect(world.admin.adminCalls()).toHaveLength(0);
  });

  test('no key, master key or secret value reaches a log line, an error message, the response or the call log', async () => {
    const desired = world.desired();
    const outputs: unknown[] = [];
    outputs.push(await world.run('Create', desired));
    world.admin.failOnce({ route: '/key/update' });
    const changed = world.desired((d) => ({ ...d, consumers: d.consumers.map((c, i) => (i === 0 ? { ...c, rpmLimit: 1 } : c)) }));
    outputs.push(await world.run('Update', changed).catch((e: Error) => e.message));
    await sm.send(
      new PutSecretValueCommand({
        SecretId: world.secretArns['app-one'],
        SecretString: JSON.stringify({ virtualKey: 'sk-stale-key-000000000001' }),
      }),
    );
    outputs.push(await world.run('Update', changed));
    outputs.push(await world.run('Delete', changed));
    const everything = JSON.stringify({ logs: world.logs, outputs, calls: world.admin.calls });
    expect(world.logs.length).toBeGreaterThan(10);
    expect(everything).not.toMatch(/sk-[A-Za-z0-9]/);
    expect(everything).not.toContain(MASTER_VALUE);
  });
});
