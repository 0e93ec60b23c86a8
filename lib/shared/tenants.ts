/**
 * What the stacks, the tenants reconciler and the key-rotation function agree on about teams and consumers.
 * Dependency-free on purpose: lib/, constructs/, lambda/ and bin/ all import it.
 */

/**
 * Budget durations exactly as LiteLLM accepts them for keys and teams: a count of 1 to 9999 and s, m, h, d or w,
 * or `1mo`. LiteLLM parses `<n>mo` but its budget reset refuses every month count but 1 ("Monthly resets currently
 * only support 1 month intervals"), and a count of 0 resets at once (test/contracts/litellm-tenants.test.ts).
 */
export const BUDGET_DURATION = /^(?:[1-9]\d{0,3}(?:s|m|h|d|w)|1mo)$/;

/** Limits a team or a consumer may carry; a field left out means "no limit of its own". */
export interface TenantLimits {
  readonly maxBudgetUsd?: number;
  /** LiteLLM budget duration ({@link BUDGET_DURATION}): `<n>s`, `<n>m`, `<n>h`, `<n>d`, `<n>w` or `1mo`. */
  readonly budgetDuration?: string;
  readonly tpmLimit?: number;
  readonly rpmLimit?: number;
  readonly maxParallelRequests?: number;
}

/** One LiteLLM team, by alias. */
export interface DesiredTeam extends TenantLimits {
  /** LiteLLM `team_alias`; unique in the environment. */
  readonly alias: string;
  /** Model names clients may ask for (`models[].name`). */
  readonly models: readonly string[];
  /** Free-form labels (cost centre, owner); written into the team's metadata and its keys' metadata. */
  readonly tags: Readonly<Record<string, string>>;
  /** MCP server names (`mcpServers[].name`) the team's keys may use; absent or empty: none. */
  readonly mcpServers?: readonly string[];
}

/** One consumer: one LiteLLM virtual key (`key_alias` = name) in one team, stored in one secret. */
export interface DesiredConsumer extends TenantLimits {
  readonly name: string;
  /** `alias` of its team. */
  readonly team: string;
  /**
   * The OAuth client id the authorizer sees; the secret's name ends with it. Absent for a built-in consumer
   * (Open WebUI): no token carries its id, and its secret lies outside the authorizer's prefix.
   */
  readonly clientId?: string;
  /** Secrets Manager secret the key is written to (created by the stack, empty until the reconciler runs). */
  readonly secretArn: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The whole desired state, passed to the reconciler as one JSON string (custom resource properties stringify numbers). */
export interface DesiredTenants {
  readonly environment: string;
  readonly teams: readonly DesiredTeam[];
  readonly consumers: readonly DesiredConsumer[];
}

/**
 * Metadata key marking LiteLLM teams and keys this platform manages, with the environment as value. The
 * reconciler never updates or deletes a team or key without it: what an administrator made by hand stays.
 */
export const MANAGED_BY_METADATA_KEY = 'genai_managed_by';

/** Value of {@link MANAGED_BY_METADATA_KEY}. */
export function managedByValue(environment: string): string {
  return `genai-gateway-platform/${environment}`;
}

/** Tag on each consumer's secret: the rotation function finds the consumer (and so the key alias) by it. */
export const CONSUMER_SECRET_TAG = 'genai:consumer';

/** Tag on each consumer's secret: the team alias. */
export const TEAM_SECRET_TAG = 'genai:team';

/** Where each client's virtual key lives: `<prefix><clientId>`; the authorizer reads only below it. */
export function virtualKeySecretPrefix(environment: string): string {
  return `genai-gateway/${environment}/virtual-keys/`;
}

/** Default days between automatic key rotations. */
export const DEFAULT_KEY_ROTATION_DAYS = 30;

/**
 * LiteLLM makes `key_alias` unique, so a rotated-out key is renamed before its successor takes the consumer's
 * alias, and it keeps working until it expires. The dot cannot occur in a consumer name.
 */
export function retiredKeyAlias(consumer: string, retiredAtEpochSeconds: number): string {
  return `${consumer}.retired-${retiredAtEpochSeconds}`;
}

/** Consumer a retired alias belonged to, or undefined when the alias is not a retired one. */
export function consumerOfRetiredAlias(alias: string): string | undefined {
  const match = /^([a-z][a-z0-9-]{1,62})\.retired-\d{1,12}$/.exec(alias);
  return match?.[1];
}
