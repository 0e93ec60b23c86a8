import { LiteLlmAdmin } from '../../../lambda/tenants/litellm-admin';
import { withCurrentGrants } from '../../../lambda/tenants-reconciler/grants';
import { FakeLiteLlmAdmin } from '../../support/fake-litellm-admin';

const MASTER = 'sk-master-grants-0001';
const managedMeta = { genai_managed_by: 'genai-gateway-platform/dev' };

let fake: FakeLiteLlmAdmin;
let admin: LiteLlmAdmin;
beforeEach(async () => {
  fake = await FakeLiteLlmAdmin.start({ masterKey: MASTER });
  admin = new LiteLlmAdmin({ baseUrl: fake.url, masterKey: MASTER });
});
afterEach(async () => {
  await fake.stop();
});

const managed = (t: { metadata?: Readonly<Record<string, unknown>> | null }) =>
  t.metadata?.genai_managed_by === managedMeta.genai_managed_by;

describe('withCurrentGrants', () => {
  test('fills in the grant of each managed team that has a permission row, from /team/info, and asks nothing of the others', async () => {
    const granted = await admin.newTeam({
      team_alias: 'granted',
      models: [],
      metadata: managedMeta,
      object_permission: { mcp_servers: ['docs'] },
    });
    await admin.newTeam({ team_alias: 'never-granted', models: [], metadata: managedMeta });
    await admin.newTeam({ team_alias: 'by-hand', models: [], metadata: {}, object_permission: { mcp_servers: ['x'] } });
    const listed = await admin.listTeams();
    expect(listed.every((t) => t.object_permission === null)).toBe(true);
    const before = fake.adminCalls().length;

    const teams = await withCurrentGrants(admin, listed, managed);
    const byAlias = Object.fromEntries(teams.map((t) => [t.team_alias, t]));
    expect(byAlias.granted!.object_permission?.mcp_servers).toEqual(['docs']);
    expect(byAlias['never-granted']!.object_permission).toBeNull();
    // A hand-made team is never touched, so its grant is not read either.
    expect(byAlias['by-hand']!.object_permission).toBeNull();
    expect(
      fake
        .adminCalls()
        .slice(before)
        .map((c) => `${c.route}?${c.query.team_id}`),
    ).toEqual([`/team/info?${granted.team_id}`]);
  });

  test('leaves the grant unknown when /team/info cannot say (the team went meanwhile)', async () => {
    const team = await admin.newTeam({
      team_alias: 'gone',
      models: [],
      metadata: managedMeta,
      object_permission: { mcp_servers: ['docs'] },
    });
    const listed = await admin.listTeams();
    await admin.deleteTeams([team.team_id]);
    const [after] = await withCurrentGrants(admin, listed, managed);
    expect(after).toMatchObject({ object_permission_id: expect.stringMatching(/^op-/), object_permission: null });
  });
});
