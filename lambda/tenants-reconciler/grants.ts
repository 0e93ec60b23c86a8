import type { LiteLlmAdmin, LiteLlmTeam } from '../tenants/litellm-admin';

/**
 * Completes the team listing with each managed team's MCP grant. /team/list leaves the object_permission relation
 * out (only its id comes back) and /team/info resolves it, so a team that points at a permission row is read once
 * more; a team without one has never been granted anything and costs no call. A grant /team/info does not carry
 * either stays unknown, and the plan then writes the desired grant (lambda/tenants-reconciler/plan.ts currentGrant).
 */
export async function withCurrentGrants(
  admin: LiteLlmAdmin,
  teams: readonly LiteLlmTeam[],
  managed: (team: LiteLlmTeam) => boolean,
): Promise<LiteLlmTeam[]> {
  return Promise.all(
    teams.map(async (team) => {
      if (!managed(team) || team.object_permission || !team.object_permission_id) return team;
      const info = await admin.teamInfo(team.team_id);
      return info?.object_permission ? { ...team, object_permission: info.object_permission } : team;
    }),
  );
}
