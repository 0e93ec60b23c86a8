import { z } from 'zod';
import { ATTRIBUTION_TAG_NAMES } from '../shared/attribution';
import { BUDGET_DURATION, DEFAULT_KEY_ROTATION_DAYS } from '../shared/tenants';
import { OPEN_WEBUI_CONSUMER } from '../shared/web';
import { browserAppSchema, checkBrowserApp } from './browser-app-schema';

/** Team and consumer names: they become LiteLLM aliases and part of Cognito client names; no dot (retired key aliases use one). */
const TENANT_NAME = /^[a-z][a-z0-9-]{1,62}$/;
const TAG_KEY = /^[a-z][a-z0-9_-]{0,62}$/;

export { BUDGET_DURATION };

/** Why a budget duration was refused; names both rules, the unit list and the single month LiteLLM resets on. */
export const BUDGET_DURATION_PROBLEM =
  'is not a budget duration LiteLLM accepts (allowed: a count from 1 to 9999 and s, m, h, d or w, e.g. 30d or 2w; ' +
  'or 1mo, the only month count LiteLLM resets a budget on)';

const tags = z
  .record(
    z
      .string()
      .regex(TAG_KEY, 'is not a tag key (lowercase letters, digits, _ -; starts with a letter)')
      .refine((key) => !(ATTRIBUTION_TAG_NAMES as readonly string[]).includes(key), {
        message: `is set by the platform on every trace (reserved: ${ATTRIBUTION_TAG_NAMES.join(', ')})`,
      }),
    z.string().min(1, 'is empty (allowed: 1 to 128 characters)').max(128, 'is longer than 128 characters'),
  )
  .default({});

/** Budget and limits; a field left out means no limit of its own (a consumer is still held to its team's). */
const limits = {
  maxBudgetUsd: z.number().gt(0, 'must be above 0 (allowed: US dollars above 0)').max(1_000_000).optional(),
  budgetDuration: z.string().regex(BUDGET_DURATION, BUDGET_DURATION_PROBLEM).optional(),
  tpmLimit: z.number().int().min(1).optional(),
  rpmLimit: z.number().int().min(1).optional(),
  maxParallelRequests: z.number().int().min(1).optional(),
};

const teamSchema = z.strictObject({
  /** The LiteLLM team alias. */
  name: z.string().regex(TENANT_NAME, 'is not a team name (lowercase letters, digits, -; 2 to 63 characters)'),
  /** Names from `models[]` the team's consumers may call. */
  models: z.array(z.string()).min(1, 'needs at least one model (names from models[])'),
  /** Names from `mcpServers[]` whose tools the team's consumers may list and call; none by default. */
  mcpServers: z.array(z.string()).default([]),
  /**
   * Name from `guardrails[]` every prompt and answer of the team's consumers is checked against; the team is then
   * served only guarded copies of its models (`<model>.guard-<guardrail>`). None by default.
   */
  guardrail: z.string().optional(),
  ...limits,
  /** Cost centre, owner and the like; copied into the team's and its keys' LiteLLM metadata. */
  tags,
});

const consumerSchema = z.strictObject({
  /** The LiteLLM key alias and (with Cognito) the app client's name. */
  name: z.string().regex(TENANT_NAME, 'is not a consumer name (lowercase letters, digits, -; 2 to 63 characters)'),
  /** Name of the team it belongs to. */
  team: z.string().min(1),
  /** The client id an external OIDC issuer puts in its tokens; Cognito consumers get one from the stack. */
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'is not a client id (letters, digits, _ . : -; at most 128)')
    .optional(),
  /**
   * Makes the consumer a single-page app: a public client (authorization code + PKCE, no secret) on the employees'
   * identity, whose calls carry the signed-in person's access token and are spent as that person (LiteLLM end user)
   * on this consumer's key. Without it the consumer is a machine client (client credentials).
   * @default - a machine client
   */
  browser: browserAppSchema.optional(),
  ...limits,
  tags,
});

export const tenantsSchema = z.strictObject({
  teams: z.array(teamSchema).default([]),
  consumers: z.array(consumerSchema).default([]),
  /** Days between automatic rotations of each consumer's virtual key. */
  keyRotationDays: z
    .number()
    .int()
    .min(1, 'must be at least 1 (allowed: 1 to 365 days)')
    .max(365, 'is above 365 (allowed: 1 to 365 days)')
    .default(DEFAULT_KEY_ROTATION_DAYS),
});

type Tenants = z.output<typeof tenantsSchema>;

type Issue = (path: (string | number)[], message: string) => void;

/** The Open WebUI settings the tenants rules read (`openWebUi` of the environment config). */
export interface OpenWebUiTenancy {
  readonly enabled: boolean;
  readonly team?: string;
}

/**
 * Consumer names the platform issues keys for itself: a declared consumer of that name would share the
 * built-in key's alias and secret.
 */
export const BUILTIN_CONSUMER_NAMES: readonly string[] = [OPEN_WEBUI_CONSUMER];

/** Rules across teams, consumers, models and the identity provider; each problem is reported at its own path. */
export function checkTenants(
  tenants: Tenants,
  modelNames: readonly string[],
  identityProvider: string,
  ephemeral: boolean,
  issue: Issue,
  openWebUi: OpenWebUiTenancy = { enabled: false },
): void {
  const at = (...path: (string | number)[]) => ['tenants', ...path];
  tenants.consumers.forEach((consumer, i) => {
    // Refused whether Open WebUI is on or not: turning it on later must not take over an application's key.
    if (BUILTIN_CONSUMER_NAMES.includes(consumer.name)) {
      issue(
        at('consumers', i, 'name'),
        `"${consumer.name}" is reserved for Open WebUI's built-in key, which the platform issues itself when openWebUi.enabled (choose another name)`,
      );
    }
  });
  const chatTeam = openWebUi.enabled ? tenants.teams.findIndex((t) => t.name === openWebUi.team) : -1;
  if (chatTeam >= 0 && tenants.teams[chatTeam]!.maxBudgetUsd === undefined) {
    // Every employee's chat spends through that one key, and a built-in key has no budget of its own.
    issue(
      at('teams', chatTeam, 'maxBudgetUsd'),
      `is required: the team is openWebUi.team, and Open WebUI's built-in key spends for every employee within the team's budget`,
    );
  }
  reportDuplicates(
    tenants.teams.map((t) => t.name),
    (i, name) => issue(at('teams', i, 'name'), `"${name}" is used twice (allowed: unique team names)`),
  );
  reportDuplicates(
    tenants.consumers.map((c) => c.name),
    (i, name) => issue(at('consumers', i, 'name'), `"${name}" is used twice (allowed: unique consumer names)`),
  );
  tenants.teams.forEach((team, i) => {
    team.models.forEach((model, j) => {
      if (!modelNames.includes(model)) {
        issue(at('teams', i, 'models', j), `"${model}" is not a configured model (allowed: ${modelNames.join(', ')})`);
      }
    });
    if (team.budgetDuration && team.maxBudgetUsd === undefined) {
      issue(at('teams', i, 'budgetDuration'), 'is set without maxBudgetUsd (a reset period needs a budget to reset)');
    }
  });

  const teams = new Map(tenants.teams.map((t) => [t.name, t]));
  tenants.consumers.forEach((consumer, i) => {
    const team = teams.get(consumer.team);
    if (!team) {
      const known = tenants.teams.map((t) => t.name).join(', ') || 'none declared';
      issue(at('consumers', i, 'team'), `"${consumer.team}" is not a team (allowed: ${known})`);
    } else {
      for (const field of ['maxBudgetUsd', 'tpmLimit', 'rpmLimit', 'maxParallelRequests'] as const) {
        const own = consumer[field];
        const cap = team[field];
        if (own !== undefined && cap !== undefined && own > cap) {
          issue(at('consumers', i, field), `${own} is above its team ${team.name}'s ${cap} (allowed: up to the team's)`);
        }
      }
    }
    if (consumer.browser) checkBrowserApp(consumer.browser, at('consumers', i, 'browser'), issue);
    if (consumer.budgetDuration && consumer.maxBudgetUsd === undefined) {
      issue(at('consumers', i, 'budgetDuration'), 'is set without maxBudgetUsd (a reset period needs a budget to reset)');
    }
    if (identityProvider === 'cognito' && consumer.clientId !== undefined) {
      issue(at('consumers', i, 'clientId'), 'must be left out with the cognito provider (the stack creates the app client)');
    }
    if (identityProvider === 'oidc' && ephemeral && consumer.clientId !== undefined) {
      // Its key secret is named by the client id; yesterday's secret of that name may still be in its recovery window.
      issue(at('consumers', i, 'clientId'), 'cannot be fixed in an ephemeral environment (use the cognito provider, or ephemeral: false)');
    }
    if (identityProvider === 'oidc' && consumer.clientId === undefined) {
      issue(at('consumers', i, 'clientId'), "is required with the oidc provider (the client id the issuer puts in the consumer's tokens)");
    }
  });
  reportDuplicates(
    tenants.consumers.map((c) => c.clientId),
    (i, id) => issue(at('consumers', i, 'clientId'), `"${id}" is used by two consumers (allowed: one consumer per client id)`),
  );
}

function reportDuplicates<T>(values: readonly T[], report: (index: number, value: T) => void): void {
  values.forEach((value, i) => {
    if (value !== undefined && values.indexOf(value) !== i) report(i, value);
  });
}
