/**
 * Who may do what in Valkey: one ElastiCache user per application, each confined to the keys and pub/sub channels
 * it really uses and kept from the dangerous commands. The data stack builds the users from this; the charts set the
 * key prefixes from it; test/contracts/elasticache.test.ts checks it against each application's key names.
 * Dependency-free on purpose: lib/, constructs/ and k8s/ all import it.
 */

/** The applications that reach Valkey. */
export type CacheApplication = 'litellm' | 'langfuse' | 'openWebUi';

export interface CacheIdentity {
  /** The name the application authenticates with (AUTH <user> <password>). */
  readonly userName: string;
  /**
   * The application's own key prefix setting, when it has one (Langfuse's and Open WebUI's REDIS_KEY_PREFIX); the
   * charts set it to this value, so the key patterns below hold whatever the application's default.
   */
  readonly keyPrefix?: string;
  /** Key glob patterns (`~`), Redis ACL glob syntax. */
  readonly keyPatterns: readonly string[];
  /** Pub/sub channel glob patterns (`&`); none: no channel at all. */
  readonly channelPatterns: readonly string[];
  /** Single commands given back after the dangerous categories are taken away, each with the reason in a comment. */
  readonly extraCommands: readonly string[];
}

/**
 * Langfuse's REDIS_KEY_PREFIX. No colon: BullMQ makes it the first of three colon-separated parts of a queue key
 * (`langfuse:<queue>:<id>`) and splits keys on `:` when it reads them back; the cache client glues it in front of
 * its own keys (`langfuseapi-key:<hash>`).
 */
export const LANGFUSE_CACHE_KEY_PREFIX = 'langfuse';

/** Open WebUI's REDIS_KEY_PREFIX (its default, written out so the ACL does not depend on a default). */
export const OPEN_WEBUI_CACHE_KEY_PREFIX = 'open-webui';

export const CACHE_IDENTITIES: Readonly<Record<CacheApplication, CacheIdentity>> = {
  // LiteLLM has no key prefix for its router, limiter and spend state (keys such as `{api_key:<hash>}:window`,
  // `deployment:<id>:cooldown`, `litellm_spend_update_buffer`): it cannot be confined to a pattern. It already sees
  // every prompt and answer it proxies, so its channels are not narrowed either.
  litellm: { userName: 'litellm', keyPatterns: ['*'], channelPatterns: ['*'], extraCommands: [] },
  langfuse: {
    userName: 'langfuse',
    keyPrefix: LANGFUSE_CACHE_KEY_PREFIX,
    keyPatterns: [`${LANGFUSE_CACHE_KEY_PREFIX}*`],
    // Langfuse uses no pub/sub.
    channelPatterns: [],
    // BullMQ reads the server version in INFO on every connection and fails without it (INFO is @dangerous).
    extraCommands: ['info'],
  },
  openWebUi: {
    userName: 'open-webui',
    keyPrefix: OPEN_WEBUI_CACHE_KEY_PREFIX,
    keyPatterns: [`${OPEN_WEBUI_CACHE_KEY_PREFIX}:*`],
    // Its task commands channel (`open-webui:tasks:commands`) and Socket.IO's, which has no prefix setting.
    channelPatterns: [`${OPEN_WEBUI_CACHE_KEY_PREFIX}:*`, 'socketio', 'socketio#*'],
    extraCommands: [],
  },
};

/** Command categories no application gets: FLUSHALL, FLUSHDB, KEYS, CONFIG, DEBUG, MONITOR, CLIENT KILL, ... */
export const FORBIDDEN_CATEGORIES = ['admin', 'dangerous'] as const;

/**
 * The ElastiCache access string of an application's user: enabled, its key and channel patterns, every command but
 * the forbidden categories, then its extra commands. Commands are named by category only (ElastiCache refuses an
 * access string that names a command it has disabled or renamed, such as CONFIG).
 */
export function cacheAccessString(identity: CacheIdentity): string {
  return [
    'on',
    ...identity.keyPatterns.map((p) => `~${p}`),
    ...identity.channelPatterns.map((p) => `&${p}`),
    '+@all',
    ...FORBIDDEN_CATEGORIES.map((c) => `-@${c}`),
    ...identity.extraCommands.map((c) => `+${c}`),
  ].join(' ');
}

/**
 * The `default` user every ElastiCache user group must hold: switched off (no client can authenticate as it, and an
 * unauthenticated connection is refused everything) and without a single command, key or channel.
 */
export const DISABLED_DEFAULT_USER_ACCESS = 'off -@all';
