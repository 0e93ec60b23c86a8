/**
 * Carries out a plan, one admin call per action (two writes for a new key: LiteLLM, then its secret), in
 * order, stopping at the first failure. Whatever was done stays done; the next run lists LiteLLM again and
 * plans from there, so a run cut short converges on the next deploy.
 */
import type { GenerateKeyRequest, LiteLlmAdmin, UpdateKeyRequest } from '../tenants/litellm-admin';
import type { Action, KeyFields, Plan } from './plan';

export interface ApplyDependencies {
  readonly admin: LiteLlmAdmin;
  /** The key each consumer's secret holds now (AWSCURRENT), for /key/update, which names a key by value. */
  readonly currentKeys: Readonly<Record<string, string | undefined>>;
  /** Stores a newly issued key in the consumer's secret. */
  readonly storeKey: (consumer: string, key: string) => Promise<void>;
  readonly newKey: () => string;
  readonly log: (line: string) => void;
}

/** How many of each action ran; the custom resource returns these as its Data. */
export interface ApplyCounts {
  teamsCreated: number;
  teamsUpdated: number;
  teamsDeleted: number;
  keysIssued: number;
  keysUpdated: number;
  keysDeleted: number;
  secretsWritten: number;
}

/** A run stopped at an action; the message names the team or consumer and the call that failed. */
export class ReconcileError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ReconcileError';
  }
}

/** What an action touches and through which call, as the run log shows it. */
export function describe(action: Action): string {
  switch (action.kind) {
    case 'create-team':
      return `create-team team=${action.team} via POST /team/new`;
    case 'update-team':
      return `update-team team=${action.team} via POST /team/update (${Object.keys(action.changes).join(', ')})`;
    case 'delete-team':
      return `delete-team team=${action.team} via POST /team/delete (${action.reason})`;
    case 'update-key':
      return `update-key consumer=${action.consumer} via POST /key/update (${Object.keys(action.changes).join(', ')})`;
    case 'delete-key':
      return `delete-key consumer=${action.consumer} via POST /key/delete (${action.reason})`;
    case 'issue-key':
      return `issue-key consumer=${action.consumer} via POST /key/generate, then PutSecretValue`;
  }
}

export async function apply(plan: Plan, deps: ApplyDependencies): Promise<ApplyCounts> {
  const counts: ApplyCounts = {
    teamsCreated: 0,
    teamsUpdated: 0,
    teamsDeleted: 0,
    keysIssued: 0,
    keysUpdated: 0,
    keysDeleted: 0,
    secretsWritten: 0,
  };
  const teamIds = new Map(Object.entries(plan.teamIds));
  const teamId = (alias: string) => {
    const id = teamIds.get(alias);
    if (id === undefined) throw new Error(`team "${alias}" has no id (it was neither listed nor created)`);
    return id;
  };

  for (const action of plan.actions) {
    deps.log(`reconcile: ${describe(action)}`);
    try {
      switch (action.kind) {
        case 'create-team': {
          const team = await deps.admin.newTeam({ team_alias: action.team, ...action.fields });
          teamIds.set(action.team, team.team_id);
          counts.teamsCreated++;
          break;
        }
        case 'update-team':
          await deps.admin.updateTeam({ team_id: action.teamId, ...action.changes });
          counts.teamsUpdated++;
          break;
        case 'delete-team':
          await deps.admin.deleteTeams([action.teamId]);
          counts.teamsDeleted++;
          break;
        case 'update-key': {
          const key = deps.currentKeys[action.consumer];
          if (key === undefined) throw new Error('its secret holds no key to name in /key/update');
          const { team, ...rest } = action.changes;
          const request: UpdateKeyRequest = { key, ...rest, ...(team !== undefined ? { team_id: teamId(team) } : {}) };
          await deps.admin.updateKey(request);
          counts.keysUpdated++;
          break;
        }
        case 'delete-key':
          await deps.admin.deleteKeys({ hashes: [action.token] });
          counts.keysDeleted++;
          break;
        case 'issue-key': {
          const key = deps.newKey();
          await deps.admin.generateKey(generateRequest(key, action.consumer, action.fields, teamId(action.fields.team)));
          counts.keysIssued++;
          // A failure here leaves a key in LiteLLM that no secret holds: the next run replaces it.
          await deps.storeKey(action.consumer, key);
          counts.secretsWritten++;
          break;
        }
      }
    } catch (err) {
      const what = 'team' in action ? `team "${action.team}"` : `consumer "${action.consumer}"`;
      const done = Object.values<number>({ ...counts }).reduce((a, b) => a + b, 0);
      throw new ReconcileError(
        `could not reconcile ${what}: ${describe(action)} failed: ${(err as Error).message}. ` +
          `${done} earlier change(s) of this run stay applied; the next deploy continues from there.`,
        err,
      );
    }
  }
  return counts;
}

function generateRequest(key: string, consumer: string, fields: KeyFields, teamId: string): GenerateKeyRequest {
  const { team: _team, ...rest } = fields;
  // Absent rather than null: /key/generate stores what it is given.
  const defined: Partial<GenerateKeyRequest> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== null && v !== undefined));
  return { ...defined, key, key_alias: consumer, team_id: teamId };
}
