/**
 * The reconciler's decisions, as a pure function: LiteLLM's teams and keys as listed, the desired state, and
 * the hashes of the keys the consumers' secrets hold, in; the ordered list of admin actions out. No key value
 * ever enters here (only SHA-256 hashes, which is what LiteLLM lists as `token`).
 *
 * Rules:
 * - Only teams and keys whose metadata carries this environment's managed-by marker are changed or deleted.
 *   A desired team alias or consumer name held by anything else fails the run before any write.
 * - Teams: missing ones are created, drifted ones updated, removed ones deleted last (after their keys).
 * - MCP grants: compared with the grant /team/info reports (the listing leaves it out, see grants.ts); a grant
 *   removed from the config is revoked with an empty list, and one that could not be read is written as desired.
 * - Keys: one per consumer, alias = consumer name. A key matching the secret is updated when it drifted; any
 *   other key under that alias (stale secret, crash between issuing and storing, re-created secret, expired
 *   key) is deleted and a fresh key issued. A key matching the secret's AWSPENDING version is a rotation in
 *   progress and left to the rotation function.
 * - Keys under a retired alias (`<consumer>.retired-<epoch>`) belong to the rotation: kept while their
 *   consumer exists and they have not expired, deleted otherwise. Managed keys under any other alias are deleted.
 * - Keys leave `models` empty: LiteLLM then lets a key call what its team may call, so a team's model list is
 *   changed in one place (/team/update) and a key never drifts from it.
 */
import { keyAttributionTags, teamAttributionTags } from '../../lib/shared/attribution';
import {
  consumerOfRetiredAlias,
  MANAGED_BY_METADATA_KEY,
  managedByValue,
  type DesiredConsumer,
  type DesiredTeam,
  type DesiredTenants,
  type TenantLimits,
} from '../../lib/shared/tenants';
import type { LiteLlmKey, LiteLlmLimits, LiteLlmTeam } from '../tenants/litellm-admin';

/** LiteLLM's state as listed at the start of the run. */
export interface CurrentState {
  readonly teams: readonly LiteLlmTeam[];
  readonly keys: readonly LiteLlmKey[];
}

/** SHA-256 hashes of the keys a consumer's secret holds, by stage; absent when the stage holds no key. */
export interface SecretKeyHashes {
  readonly current?: string;
  readonly pending?: string;
}

/** Team fields the platform owns; everything else on a team is left as LiteLLM or an administrator set it. */
export interface TeamFields extends LiteLlmLimits {
  readonly models: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The team's MCP grant; left out of a new team that has none. Keys carry none and so inherit it. */
  readonly object_permission?: { readonly mcp_servers: readonly string[] };
}

/** Key fields the platform owns; `team` is the team alias, resolved to its id when applied. */
export interface KeyFields extends LiteLlmLimits {
  readonly team: string;
  readonly models: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
}

export type Action =
  | { readonly kind: 'create-team'; readonly team: string; readonly fields: TeamFields }
  | { readonly kind: 'update-team'; readonly team: string; readonly teamId: string; readonly changes: Partial<TeamFields> }
  | { readonly kind: 'delete-team'; readonly team: string; readonly teamId: string; readonly reason: string }
  | { readonly kind: 'update-key'; readonly consumer: string; readonly changes: Partial<KeyFields> }
  | { readonly kind: 'delete-key'; readonly consumer: string; readonly token: string; readonly reason: string }
  | { readonly kind: 'issue-key'; readonly consumer: string; readonly fields: KeyFields };

/** Something the run decided not to touch, for the run log. */
export interface Note {
  readonly consumer: string;
  readonly note: string;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly notes: readonly Note[];
  /** Team ids of the managed teams kept, by alias (teams created by the plan are added when applied). */
  readonly teamIds: Readonly<Record<string, string>>;
}

/** The desired state names something LiteLLM holds that the platform did not make. */
export class CollisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollisionError';
  }
}

/** The metadata marker of this environment's teams and keys. */
export function isManaged(environment: string, metadata: Readonly<Record<string, unknown>> | null | undefined): boolean {
  return metadata?.[MANAGED_BY_METADATA_KEY] === managedByValue(environment);
}

export function desiredTeamFields(environment: string, team: DesiredTeam): TeamFields {
  return {
    models: [...team.models],
    ...limitsOf(team),
    metadata: { [MANAGED_BY_METADATA_KEY]: managedByValue(environment), tags: teamAttributionTags(environment, team.alias, team.tags) },
    ...(team.mcpServers && team.mcpServers.length > 0 ? { object_permission: { mcp_servers: [...team.mcpServers] } } : {}),
  };
}

export function desiredKeyFields(environment: string, consumer: DesiredConsumer, team: DesiredTeam): KeyFields {
  return {
    team: team.alias,
    models: [],
    ...limitsOf(consumer),
    metadata: {
      [MANAGED_BY_METADATA_KEY]: managedByValue(environment),
      environment,
      team: team.alias,
      consumer: consumer.name,
      tags: keyAttributionTags(environment, team.alias, consumer.name, { ...team.tags, ...consumer.tags }),
    },
  };
}

export function plan(
  current: CurrentState,
  desired: DesiredTenants,
  secrets: Readonly<Record<string, SecretKeyHashes>>,
  now: number,
): Plan {
  const env = desired.environment;
  const managed = (m: Readonly<Record<string, unknown>> | null | undefined) => isManaged(env, m);
  checkCollisions(current, desired, managed);

  const actions: Action[] = [];
  const deletions: Action[] = [];
  const notes: Note[] = [];
  const desiredTeams = new Map(desired.teams.map((t) => [t.alias, t]));

  // Teams: one managed team per alias is kept (the lowest team_id, should concurrent runs have made two).
  const kept = new Map<string, LiteLlmTeam>();
  for (const team of [...current.teams].filter((t) => managed(t.metadata)).sort((a, b) => a.team_id.localeCompare(b.team_id))) {
    const alias = team.team_alias ?? '';
    if (desiredTeams.has(alias) && !kept.has(alias)) kept.set(alias, team);
    else {
      const reason = desiredTeams.has(alias) ? 'a second managed team with this alias' : 'team removed from the config';
      deletions.push({ kind: 'delete-team', team: alias, teamId: team.team_id, reason });
    }
  }
  for (const team of desired.teams) {
    const fields = desiredTeamFields(env, team);
    const existing = kept.get(team.alias);
    if (!existing) actions.push({ kind: 'create-team', team: team.alias, fields });
    else {
      const changes = teamChanges(existing, fields);
      if (Object.keys(changes).length > 0) actions.push({ kind: 'update-team', team: team.alias, teamId: existing.team_id, changes });
    }
  }

  // Keys of consumers.
  const consumers = new Map(desired.consumers.map((c) => [c.name, c]));
  const managedKeys = current.keys.filter((k) => managed(k.metadata));
  for (const consumer of desired.consumers) {
    const fields = desiredKeyFields(env, consumer, desiredTeams.get(consumer.team)!);
    const secret = secrets[consumer.name] ?? {};
    const existing = managedKeys.find((k) => k.key_alias === consumer.name);
    if (existing && secret.pending !== undefined && existing.token === secret.pending) {
      notes.push({
        consumer: consumer.name,
        note: 'key rotation in progress (LiteLLM holds the pending key): left to the rotation function',
      });
      continue;
    }
    // A rotation cut off between renaming the current key and issuing its successor: the alias is free and the
    // secret's current key sits under a retired alias, not yet expiring. A key issued here would leave that one
    // valid for good; the rotation's retry finishes the job instead.
    const renamedCurrent = managedKeys.find(
      (k) => k.token === secret.current && consumerOfRetiredAlias(k.key_alias ?? '') === consumer.name && !k.expires,
    );
    if (!existing && renamedCurrent) {
      notes.push({
        consumer: consumer.name,
        note: 'key rotation cut off after renaming the current key: left to the rotation function',
      });
      continue;
    }
    if (existing && existing.token === secret.current && !isExpired(existing, now)) {
      const changes = keyChanges(existing, fields, kept.get(consumer.team)?.team_id);
      if (Object.keys(changes).length > 0) actions.push({ kind: 'update-key', consumer: consumer.name, changes });
      continue;
    }
    if (existing) {
      const reason = isExpired(existing, now)
        ? 'key expired'
        : secret.current === undefined
          ? 'the secret holds no key'
          : 'the secret holds another key';
      actions.push({ kind: 'delete-key', consumer: consumer.name, token: existing.token, reason });
    }
    actions.push({ kind: 'issue-key', consumer: consumer.name, fields });
  }

  // Every other managed key: a rotated-out key is the rotation's until it expires or its consumer goes.
  for (const key of managedKeys) {
    const alias = key.key_alias ?? '';
    if (consumers.has(alias)) continue;
    const owner = consumerOfRetiredAlias(alias);
    if (owner !== undefined && consumers.has(owner) && !isExpired(key, now)) continue;
    const reason =
      owner === undefined
        ? 'consumer removed from the config'
        : consumers.has(owner)
          ? 'retired key expired'
          : 'retired key of a removed consumer';
    actions.push({ kind: 'delete-key', consumer: owner ?? alias, token: key.token, reason });
  }

  const teamIds = Object.fromEntries([...kept].map(([alias, t]) => [alias, t.team_id]));
  return { actions: [...actions, ...deletions], notes, teamIds };
}

function checkCollisions(
  current: CurrentState,
  desired: DesiredTenants,
  managed: (m: Readonly<Record<string, unknown>> | null | undefined) => boolean,
): void {
  const problems: string[] = [];
  for (const team of desired.teams) {
    for (const t of current.teams.filter((x) => x.team_alias === team.alias && !managed(x.metadata))) {
      problems.push(
        `team "${team.alias}": LiteLLM already has a team with this alias that this platform did not make (team_id ${t.team_id})`,
      );
    }
  }
  for (const consumer of desired.consumers) {
    const k = current.keys.find((x) => x.key_alias === consumer.name && !managed(x.metadata));
    if (k) problems.push(`consumer "${consumer.name}": LiteLLM already has a key with this alias that this platform did not make`);
  }
  if (problems.length > 0) {
    throw new CollisionError(
      `${problems.join('; ')}. Nothing was changed. Rename the team or consumer in the config, or remove or rename the existing one in LiteLLM, then deploy again.`,
    );
  }
}

function isExpired(key: LiteLlmKey, now: number): boolean {
  return typeof key.expires === 'string' && Date.parse(key.expires) <= now;
}

function limitsOf(l: TenantLimits): LiteLlmLimits {
  return {
    max_budget: l.maxBudgetUsd ?? null,
    budget_duration: l.budgetDuration ?? null,
    tpm_limit: l.tpmLimit ?? null,
    rpm_limit: l.rpmLimit ?? null,
    max_parallel_requests: l.maxParallelRequests ?? null,
  };
}

const LIMIT_FIELDS = ['max_budget', 'budget_duration', 'tpm_limit', 'rpm_limit', 'max_parallel_requests'] as const;

/** The fields of `fields` that differ from `team`; metadata compares only the platform's own entries. */
function teamChanges(team: LiteLlmTeam, fields: TeamFields): Partial<TeamFields> {
  const changes: Record<string, unknown> = {};
  for (const f of LIMIT_FIELDS) if ((team[f] ?? null) !== fields[f]) changes[f] = fields[f];
  if (!sameSet(team.models ?? [], fields.models)) changes.models = fields.models;
  const metadata = mergedMetadata(team.metadata, fields.metadata);
  if (metadata) changes.metadata = metadata;
  // A grant removed from the config is revoked with an empty list; one that could not be read is written as desired.
  const mcpServers = fields.object_permission?.mcp_servers ?? [];
  const current = currentGrant(team);
  if (current === undefined || !sameSet(current, mcpServers)) changes.object_permission = { mcp_servers: [...mcpServers] };
  return changes;
}

/**
 * The MCP servers a team is granted now, or undefined when that is unknown: the team points at a permission row
 * whose grant the answer did not carry (a listing that was not completed with /team/info). Never read as "none".
 */
export function currentGrant(team: LiteLlmTeam): readonly string[] | undefined {
  if (team.object_permission) return team.object_permission.mcp_servers ?? [];
  return team.object_permission_id ? undefined : [];
}

function keyChanges(key: LiteLlmKey, fields: KeyFields, teamId: string | undefined): Partial<KeyFields> {
  const changes: Record<string, unknown> = {};
  for (const f of LIMIT_FIELDS) {
    // LiteLLM ignores a null budget_duration on /key/update (the contract test), so one set by hand stays.
    if (f === 'budget_duration' && fields[f] === null) continue;
    if ((key[f] ?? null) !== fields[f]) changes[f] = fields[f];
  }
  // A new team has no id yet; a key bound to a removed or duplicate team moves to the kept one.
  if (teamId === undefined || key.team_id !== teamId) changes.team = fields.team;
  if (!sameSet(key.models ?? [], fields.models)) changes.models = fields.models;
  const metadata = mergedMetadata(key.metadata, fields.metadata);
  if (metadata) changes.metadata = metadata;
  return changes;
}

/** The stored metadata with ours laid over it, or undefined when ours is already there (other entries stay). */
function mergedMetadata(
  stored: Readonly<Record<string, unknown>> | null | undefined,
  ours: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const current = stored ?? {};
  const drifted = Object.entries(ours).some(([k, v]) => JSON.stringify(current[k]) !== JSON.stringify(v));
  return drifted ? { ...current, ...ours } : undefined;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}
