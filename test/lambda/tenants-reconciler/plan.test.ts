import { keyHash, type LiteLlmKey, type LiteLlmTeam } from '../../../lambda/tenants/litellm-admin';
import {
  CollisionError,
  currentGrant,
  desiredKeyFields,
  desiredTeamFields,
  plan,
  type Action,
  type CurrentState,
} from '../../../lambda/tenants-reconciler/plan';
import { retiredKeyAlias, type DesiredConsumer, type DesiredTenants } from '../../../lib/shared/tenants';

const ARN = (c: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-gateway/dev/virtual-keys/${c}-AbCdEf`;
const NOW = Date.parse('2026-11-29T10:00:00Z');
const KEY_A = 'sk-app-one-current-key-000001';
const KEY_B = 'sk-app-two-current-key-000002';

const consumer = (name: string, team: string, extra: Partial<DesiredConsumer> = {}): DesiredConsumer => ({
  name,
  team,
  clientId: `client-${name}`,
  secretArn: ARN(name),
  tags: {},
  ...extra,
});

const DESIRED: DesiredTenants = {
  environment: 'dev',
  teams: [
    {
      alias: 'research',
      models: ['claude-sonnet', 'nova-lite'],
      tags: { 'cost-centre': 'cc-1' },
      maxBudgetUsd: 100,
      budgetDuration: '30d',
      tpmLimit: 100000,
    },
    { alias: 'support', models: ['nova-lite'], tags: {}, rpmLimit: 60 },
  ],
  consumers: [consumer('app-one', 'research', { maxBudgetUsd: 20, rpmLimit: 30 }), consumer('app-two', 'support')],
};

/** LiteLLM's state exactly as a finished run leaves it for DESIRED. */
function converged(): { teams: LiteLlmTeam[]; keys: LiteLlmKey[] } {
  const teams = DESIRED.teams.map((t, i) => ({ team_id: `team-${i}`, team_alias: t.alias, ...desiredTeamFields('dev', t) }));
  const keys = DESIRED.consumers.map((c, i) => {
    const { team, ...fields } = desiredKeyFields(
      'dev',
      c,
      DESIRED.teams.find((t) => t.alias === c.team)!,
    );
    return {
      token: keyHash([KEY_A, KEY_B][i]!),
      key_alias: c.name,
      team_id: teams.find((t) => t.team_alias === team)!.team_id,
      expires: null,
      ...fields,
    };
  });
  return { teams, keys };
}
const SECRETS = { 'app-one': { current: keyHash(KEY_A) }, 'app-two': { current: keyHash(KEY_B) } };

const kinds = (actions: readonly Action[]) => actions.map((a) => `${a.kind} ${'team' in a ? a.team : a.consumer}`);

describe('plan', () => {
  test('from an empty LiteLLM it creates every team, then issues one key per consumer', () => {
    const p = plan({ teams: [], keys: [] }, DESIRED, {}, NOW);
    expect(kinds(p.actions)).toEqual(['create-team research', 'create-team support', 'issue-key app-one', 'issue-key app-two']);
    expect(p.actions[0]).toEqual({
      kind: 'create-team',
      team: 'research',
      fields: {
        models: ['claude-sonnet', 'nova-lite'],
        max_budget: 100,
        budget_duration: '30d',
        tpm_limit: 100000,
        rpm_limit: null,
        max_parallel_requests: null,
        metadata: { genai_managed_by: 'genai-gateway-platform/dev', tags: ['environment:dev', 'team:research', 'cost-centre:cc-1'] },
      },
    });
    expect(p.actions[2]).toMatchObject({
      kind: 'issue-key',
      fields: {
        team: 'research',
        models: [],
        max_budget: 20,
        rpm_limit: 30,
        metadata: {
          genai_managed_by: 'genai-gateway-platform/dev',
          environment: 'dev',
          team: 'research',
          consumer: 'app-one',
          tags: ['environment:dev', 'team:research', 'consumer:app-one', 'cost-centre:cc-1'],
        },
      },
    });
  });

  test('plans nothing when LiteLLM already matches the config and the secrets hold the keys', () => {
    expect(plan(converged(), DESIRED, SECRETS, NOW)).toEqual({
      actions: [],
      notes: [],
      teamIds: { research: 'team-0', support: 'team-1' },
    });
  });

  test('updates only the fields that drifted, keeping metadata entries the platform does not own', () => {
    const state = converged();
    const research = state.teams[0] as LiteLlmTeam & { metadata: Record<string, unknown> };
    state.teams[0] = {
      ...research,
      max_budget: 50,
      models: ['nova-lite', 'claude-sonnet'],
      metadata: { ...research.metadata, team_member_budget_id: 'b1' },
    };
    const changed: DesiredTenants = {
      ...DESIRED,
      teams: [
        { ...DESIRED.teams[0]!, tags: { 'cost-centre': 'cc-2' } },
        { ...DESIRED.teams[1]!, rpmLimit: 120, models: ['nova-lite', 'claude-sonnet'] },
      ],
      consumers: [consumer('app-one', 'research', { maxBudgetUsd: 25, rpmLimit: 30 }), consumer('app-two', 'support')],
    };
    const p = plan(state, changed, SECRETS, NOW);
    expect(p.actions).toEqual([
      {
        kind: 'update-team',
        team: 'research',
        teamId: 'team-0',
        changes: {
          max_budget: 100,
          metadata: {
            genai_managed_by: 'genai-gateway-platform/dev',
            team_member_budget_id: 'b1',
            tags: ['environment:dev', 'team:research', 'cost-centre:cc-2'],
          },
        },
      },
      { kind: 'update-team', team: 'support', teamId: 'team-1', changes: { rpm_limit: 120, models: ['nova-lite', 'claude-sonnet'] } },
      {
        kind: 'update-key',
        consumer: 'app-one',
        changes: {
          max_budget: 25,
          metadata: expect.objectContaining({
            tags: ['environment:dev', 'team:research', 'consumer:app-one', 'cost-centre:cc-2'],
          }) as unknown,
        },
      },
    ]);
  });

  test('deletes the keys of removed consumers first and removed teams last', () => {
    const p = plan(converged(), { ...DESIRED, teams: [DESIRED.teams[0]!], consumers: [DESIRED.consumers[0]!] }, SECRETS, NOW);
    expect(p.actions).toEqual([
      { kind: 'delete-key', consumer: 'app-two', token: keyHash(KEY_B), reason: 'consumer removed from the config' },
      { kind: 'delete-team', team: 'support', teamId: 'team-1', reason: 'team removed from the config' },
    ]);
  });

  test('replaces a key the secret does not hold (stale, missing or expired) by deleting it, then issuing a new one', () => {
    const state = converged();
    state.keys[1] = { ...state.keys[1]!, expires: '2026-11-29T09:00:00Z' };
    const p = plan(state, DESIRED, { 'app-one': { current: keyHash('sk-some-other-key-00000003') } }, NOW);
    expect(kinds(p.actions)).toEqual(['delete-key app-one', 'issue-key app-one', 'delete-key app-two', 'issue-key app-two']);
    expect(p.actions.filter((a) => a.kind === 'delete-key').map((a) => (a as { reason: string }).reason)).toEqual([
      'the secret holds another key',
      'key expired',
    ]);
    const noSecret = plan(converged(), DESIRED, { 'app-two': SECRETS['app-two'] }, NOW);
    expect(noSecret.actions[0]).toMatchObject({ kind: 'delete-key', consumer: 'app-one', reason: 'the secret holds no key' });
  });

  test('leaves a key that matches the secret’s AWSPENDING version to the rotation in progress', () => {
    const p = plan(
      converged(),
      DESIRED,
      { 'app-one': { current: keyHash('sk-old-key-000004'), pending: keyHash(KEY_A) }, 'app-two': SECRETS['app-two'] },
      NOW,
    );
    expect(p.actions).toEqual([]);
    expect(p.notes).toEqual([{ consumer: 'app-one', note: expect.stringContaining('rotation in progress') as unknown }]);
  });

  test('leaves a consumer whose current key was renamed by a rotation cut off before issuing its successor to that rotation', () => {
    const state = converged();
    state.keys[0] = { ...state.keys[0]!, key_alias: retiredKeyAlias('app-one', 1764000000), expires: null };
    const p = plan(state, DESIRED, SECRETS, NOW);
    expect(p.actions).toEqual([]);
    expect(p.notes).toEqual([{ consumer: 'app-one', note: expect.stringContaining('rotation cut off') as unknown }]);
  });

  test('keeps a retired key while its consumer exists and it has not expired; deletes it once expired or when its consumer goes', () => {
    const state = converged();
    const retired = (consumerName: string, expires: string): LiteLlmKey => ({
      ...state.keys[0]!,
      token: keyHash(`sk-retired-${consumerName}-${expires}`),
      key_alias: retiredKeyAlias(consumerName, 1764000000),
      expires,
    });
    state.keys.push(
      retired('app-one', '2026-11-29T10:30:00Z'),
      retired('app-two', '2026-11-29T09:59:00Z'),
      retired('app-gone', '2026-11-30T00:00:00Z'),
    );
    state.keys.push({
      token: keyHash('sk-hand-made-retired-0005'),
      key_alias: retiredKeyAlias('app-one', 1),
      metadata: {},
      expires: '2020-01-01T00:00:00Z',
    });
    const p = plan(state, DESIRED, SECRETS, NOW);
    expect(p.actions.map((a) => [a.kind, 'consumer' in a ? a.consumer : '', 'reason' in a ? a.reason : ''])).toEqual([
      ['delete-key', 'app-two', 'retired key expired'],
      ['delete-key', 'app-gone', 'retired key of a removed consumer'],
    ]);
  });

  test('fails before any change when a desired team or consumer is taken by a team or key the platform did not make', () => {
    const state: CurrentState = {
      teams: [{ team_id: 'hand-1', team_alias: 'research', metadata: { owner: 'admin' } }],
      keys: [
        { token: keyHash('sk-hand-made-key-000006'), key_alias: 'app-two', metadata: { genai_managed_by: 'genai-gateway-platform/prod' } },
      ],
    };
    expect(() => plan(state, DESIRED, {}, NOW)).toThrow(CollisionError);
    expect(() => plan(state, DESIRED, {}, NOW)).toThrow(
      'team "research": LiteLLM already has a team with this alias that this platform did not make (team_id hand-1); ' +
        'consumer "app-two": LiteLLM already has a key with this alias that this platform did not make. Nothing was changed. ' +
        'Rename the team or consumer in the config, or remove or rename the existing one in LiteLLM, then deploy again.',
    );
  });

  test('keeps one managed team per alias, moves keys bound to a second one, and deletes the second one last', () => {
    const state = converged();
    state.teams.push({ ...state.teams[1]!, team_id: 'team-9' });
    state.keys[1] = { ...state.keys[1]!, team_id: 'team-9' };
    const p = plan(state, DESIRED, SECRETS, NOW);
    expect(p.actions).toEqual([
      { kind: 'update-key', consumer: 'app-two', changes: { team: 'support' } },
      { kind: 'delete-team', team: 'support', teamId: 'team-9', reason: 'a second managed team with this alias' },
    ]);
  });

  describe('MCP grants', () => {
    const grantedDesired: DesiredTenants = { ...DESIRED, teams: [{ ...DESIRED.teams[0]!, mcpServers: ['docs'] }, DESIRED.teams[1]!] };
    const secrets = () => ({ 'app-one': { current: keyHash(KEY_A) }, 'app-two': { current: keyHash(KEY_B) } });
    /** The research team as /team/list shows it once granted: the relation left out, its id kept. */
    const listedGranted = (): LiteLlmTeam => ({
      ...converged().teams[0]!,
      object_permission_id: 'op-1',
      object_permission: null,
    });

    test('reads a grant from object_permission, none from a team without a permission row, unknown from a listing', () => {
      expect(currentGrant({ team_id: 't', object_permission: { mcp_servers: ['docs'] } })).toEqual(['docs']);
      expect(currentGrant({ team_id: 't', object_permission_id: 'op-1', object_permission: { mcp_servers: null } })).toEqual([]);
      expect(currentGrant({ team_id: 't' })).toEqual([]);
      expect(currentGrant({ team_id: 't', object_permission_id: null, object_permission: null })).toEqual([]);
      expect(currentGrant({ team_id: 't', object_permission_id: 'op-1', object_permission: null })).toBeUndefined();
    });

    test('revokes a grant removed from the config with exactly one update (an empty list)', () => {
      const current = {
        ...converged(),
        teams: [{ ...listedGranted(), object_permission: { mcp_servers: ['docs'] } }, converged().teams[1]!],
      };
      expect(plan(current, DESIRED, secrets(), NOW).actions).toEqual([
        { kind: 'update-team', team: 'research', teamId: 'team-0', changes: { object_permission: { mcp_servers: [] } } },
      ]);
    });

    test('writes nothing for a grant /team/info shows unchanged', () => {
      const current = {
        ...converged(),
        teams: [{ ...listedGranted(), object_permission: { mcp_servers: ['docs'] } }, converged().teams[1]!],
      };
      expect(plan(current, grantedDesired, secrets(), NOW).actions).toEqual([]);
    });

    test('denies reading a listing that leaves the grant out as "no grant": the desired grant (or its revocation) is written', () => {
      // What the plan did before: a granted team listed without its relation looked grant-less, so removing the
      // grant changed nothing and keeping it re-sent it on every deploy. Unknown now always writes the desired grant.
      const current = { ...converged(), teams: [listedGranted(), converged().teams[1]!] };
      expect(plan(current, DESIRED, secrets(), NOW).actions).toEqual([
        { kind: 'update-team', team: 'research', teamId: 'team-0', changes: { object_permission: { mcp_servers: [] } } },
      ]);
      expect(plan(current, grantedDesired, secrets(), NOW).actions).toEqual([
        { kind: 'update-team', team: 'research', teamId: 'team-0', changes: { object_permission: { mcp_servers: ['docs'] } } },
      ]);
    });
  });

  test('does not chase a key budget_duration the config leaves unset, since LiteLLM ignores a null one on /key/update', () => {
    const state = converged();
    state.keys[1] = { ...state.keys[1]!, budget_duration: '7d' };
    expect(plan(state, DESIRED, SECRETS, NOW).actions).toEqual([]);
  });
});
