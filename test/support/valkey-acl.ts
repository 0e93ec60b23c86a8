/**
 * A stand-in for Valkey's ACL check: given a user's access string, may this command run on these keys and channels?
 * Follows valkey-io/valkey at tag 8.0.1 (commit 4fbab574), read 2026-12-06:
 * - src/util.c stringmatchlen: the glob of key and channel patterns (`*`, `?`, `[...]` with `^` and ranges, `\` escape),
 *   case-sensitive for ACLs.
 * - src/acl.c ACLCheckChannelAgainstList: PUBLISH and SUBSCRIBE channels are globbed against `&` patterns, a PSUBSCRIBE
 *   pattern must equal an `&` pattern literally; rules apply left to right (a later `-@x` takes back an earlier `+`).
 * - src/server.c setImplicitACLCategories: WRITE -> @write, READONLY -> @read (not for scripting), ADMIN -> @admin and
 *   @dangerous, PUBSUB -> @pubsub, FAST -> @fast, everything else @slow; src/commands/*.json: each command's flags,
 *   explicit categories and key specs (the table below copies the ones the tests use).
 * - valkey.conf: acl-pubsub-default is resetchannels, so a user given no `&` pattern reaches no channel.
 * Like the server, it refuses a rule it does not know instead of ignoring it. Selectors and `%R~`/`%W~` are not
 * modelled (no access string here uses them), and are refused.
 */

/** How a command's arguments name keys or channels. */
type Args = 'none' | 'first-key' | 'all-keys' | 'script-keys' | 'channels' | 'channel-patterns' | 'channel-then-message';

interface CommandSpec {
  readonly flags: readonly string[];
  readonly categories: readonly string[];
  readonly args: Args;
}

/** From src/commands/<name>.json at 8.0.1 (subcommands as `container|sub`). */
const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  get: { flags: ['READONLY', 'FAST'], categories: ['STRING'], args: 'first-key' },
  set: { flags: ['WRITE', 'DENYOOM'], categories: ['STRING'], args: 'first-key' },
  del: { flags: ['WRITE'], categories: ['KEYSPACE'], args: 'all-keys' },
  hset: { flags: ['WRITE', 'DENYOOM', 'FAST'], categories: ['HASH'], args: 'first-key' },
  hgetall: { flags: ['READONLY'], categories: ['HASH'], args: 'first-key' },
  zadd: { flags: ['WRITE', 'DENYOOM', 'FAST'], categories: ['SORTEDSET'], args: 'first-key' },
  xadd: { flags: ['WRITE', 'DENYOOM', 'FAST'], categories: ['STREAM'], args: 'first-key' },
  evalsha: {
    flags: ['NOSCRIPT', 'SKIP_MONITOR', 'MAY_REPLICATE', 'NO_MANDATORY_KEYS', 'STALE'],
    categories: ['SCRIPTING'],
    args: 'script-keys',
  },
  'script|load': { flags: ['NOSCRIPT', 'STALE'], categories: ['SCRIPTING'], args: 'none' },
  scan: { flags: ['READONLY', 'TOUCHES_ARBITRARY_KEYS'], categories: ['KEYSPACE'], args: 'none' },
  keys: { flags: ['READONLY'], categories: ['KEYSPACE', 'DANGEROUS'], args: 'none' },
  flushall: { flags: ['WRITE'], categories: ['KEYSPACE', 'DANGEROUS'], args: 'none' },
  flushdb: { flags: ['WRITE'], categories: ['KEYSPACE', 'DANGEROUS'], args: 'none' },
  'config|get': { flags: ['ADMIN', 'NOSCRIPT', 'LOADING', 'STALE'], categories: [], args: 'none' },
  'config|set': { flags: ['ADMIN', 'NOSCRIPT', 'LOADING', 'STALE'], categories: [], args: 'none' },
  info: { flags: ['LOADING', 'STALE', 'SENTINEL'], categories: ['DANGEROUS'], args: 'none' },
  'client|setname': { flags: ['NOSCRIPT', 'LOADING', 'STALE', 'SENTINEL'], categories: ['CONNECTION'], args: 'none' },
  'client|list': { flags: ['ADMIN', 'NOSCRIPT', 'LOADING', 'STALE', 'SENTINEL'], categories: ['CONNECTION'], args: 'none' },
  ping: { flags: ['FAST', 'SENTINEL'], categories: ['CONNECTION'], args: 'none' },
  publish: { flags: ['PUBSUB', 'LOADING', 'STALE', 'FAST', 'MAY_REPLICATE', 'SENTINEL'], categories: [], args: 'channel-then-message' },
  subscribe: { flags: ['PUBSUB', 'NOSCRIPT', 'LOADING', 'STALE', 'SENTINEL'], categories: [], args: 'channels' },
  psubscribe: { flags: ['PUBSUB', 'NOSCRIPT', 'LOADING', 'STALE', 'SENTINEL'], categories: [], args: 'channel-patterns' },
};

/** A command's categories, lowercase, explicit and implicit (setImplicitACLCategories). */
export function commandCategories(command: string): Set<string> {
  const spec = COMMANDS[command];
  if (!spec) throw new Error(`valkey-acl stand-in: unknown command ${command}`);
  const cats = new Set(spec.categories.map((c) => c.toLowerCase()));
  const has = (f: string) => spec.flags.includes(f);
  if (has('WRITE')) cats.add('write');
  if (has('READONLY') && !cats.has('scripting')) cats.add('read');
  if (has('ADMIN')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (has('PUBSUB')) cats.add('pubsub');
  if (has('FAST')) cats.add('fast');
  if (!cats.has('fast')) cats.add('slow');
  return cats;
}

/** stringmatchlen with nocase = 0. */
export function globMatch(pattern: string, text: string): boolean {
  const skip = { longer: false };
  return matchFrom(pattern, 0, text, 0, skip, 0);
}

function matchFrom(p: string, pi: number, s: string, si: number, skip: { longer: boolean }, nesting: number): boolean {
  if (nesting > 1000) return false;
  while (pi < p.length && si < s.length) {
    const c = p[pi]!;
    if (c === '*') {
      while (pi + 1 < p.length && p[pi + 1] === '*') pi++;
      if (pi === p.length - 1) return true;
      while (si < s.length) {
        if (matchFrom(p, pi + 1, s, si, skip, nesting + 1)) return true;
        if (skip.longer) return false;
        si++;
      }
      skip.longer = true;
      return false;
    } else if (c === '?') {
      si++;
    } else if (c === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let match = false;
      for (;;) {
        if (p[pi] === '\\' && p.length - pi >= 2) {
          pi++;
          if (p[pi] === s[si]) match = true;
        } else if (p[pi] === ']') {
          break;
        } else if (pi >= p.length) {
          pi--;
          break;
        } else if (p.length - pi >= 3 && p[pi + 1] === '-') {
          let start = p.charCodeAt(pi);
          let end = p.charCodeAt(pi + 2);
          if (start > end) [start, end] = [end, start];
          const ch = s.charCodeAt(si);
          pi += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (p[pi] === s[si]) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      if (c === '\\' && p.length - pi >= 2) pi++;
      if (p[pi] !== s[si]) return false;
      si++;
    }
    pi++;
    if (si === s.length) {
      while (p[pi] === '*') pi++;
      break;
    }
  }
  return pi >= p.length && si === s.length;
}

/** What the server answers a command with. */
export type AclVerdict = 'ok' | 'user-off' | 'no-command' | 'no-key' | 'no-channel';

export class AclUser {
  private enabled = false;
  private readonly keyPatterns: string[] = [];
  private readonly channelPatterns: string[] = [];
  /** Rules in order: [allow?, category or command]. */
  private readonly commandRules: [boolean, { category: string } | { command: string }][] = [];

  constructor(readonly accessString: string) {
    for (const token of accessString.split(/\s+/).filter(Boolean)) this.apply(token);
  }

  private apply(token: string): void {
    const lower = token.toLowerCase();
    if (lower === 'on' || lower === 'off') this.enabled = lower === 'on';
    else if (lower === 'allkeys') this.keyPatterns.push('*');
    else if (lower === 'resetkeys') this.keyPatterns.length = 0;
    else if (lower === 'allchannels') this.channelPatterns.push('*');
    else if (lower === 'resetchannels') this.channelPatterns.length = 0;
    else if (lower === 'allcommands') this.commandRules.push([true, { category: 'all' }]);
    else if (lower === 'nocommands') this.commandRules.push([false, { category: 'all' }]);
    else if (token.startsWith('~')) this.keyPatterns.push(token.slice(1));
    else if (token.startsWith('&')) this.channelPatterns.push(token.slice(1));
    else if (/^[+-]@/.test(token)) this.commandRules.push([token[0] === '+', { category: lower.slice(2) }]);
    else if (/^[+-][a-z|]+$/i.test(token)) this.commandRules.push([token[0] === '+', { command: lower.slice(1) }]);
    else throw new Error(`valkey-acl stand-in: rule "${token}" is not modelled (ERR Error in ACL SETUSER modifier)`);
  }

  /** Whether the command itself is allowed: the last rule that covers it decides; none covers it: denied. */
  private commandAllowed(command: string): boolean {
    const cats = commandCategories(command);
    const container = command.split('|')[0]!;
    let allowed = false;
    for (const [allow, rule] of this.commandRules) {
      const covers =
        'category' in rule ? rule.category === 'all' || cats.has(rule.category) : rule.command === command || rule.command === container;
      if (covers) allowed = allow;
    }
    return allowed;
  }

  /**
   * The verdict for a command (lowercase, `container|sub` for subcommands) with its arguments: keys for key commands,
   * `[numkeys, ...keys, ...args]` after the sha for EVALSHA, channels for the pub/sub commands.
   */
  check(command: string, args: readonly string[] = []): AclVerdict {
    if (!this.enabled) return 'user-off';
    if (!this.commandAllowed(command)) return 'no-command';
    const { keys, channels, channelPatterns } = argumentsOf(command, args);
    if (keys.some((k) => !this.keyPatterns.some((p) => globMatch(p, k)))) return 'no-key';
    if (channels.some((ch) => !this.channelPatterns.some((p) => globMatch(p, ch)))) return 'no-channel';
    if (channelPatterns.some((ch) => !this.channelPatterns.includes(ch))) return 'no-channel';
    return 'ok';
  }
}

function argumentsOf(command: string, args: readonly string[]) {
  const none: string[] = [];
  switch (COMMANDS[command]!.args) {
    case 'first-key':
      return { keys: args.slice(0, 1), channels: none, channelPatterns: none };
    case 'all-keys':
      return { keys: [...args], channels: none, channelPatterns: none };
    case 'script-keys': {
      const numkeys = Number(args[1] ?? '0');
      return { keys: args.slice(2, 2 + numkeys), channels: none, channelPatterns: none };
    }
    case 'channels':
      return { keys: none, channels: [...args], channelPatterns: none };
    case 'channel-then-message':
      return { keys: none, channels: args.slice(0, 1), channelPatterns: none };
    case 'channel-patterns':
      return { keys: none, channels: none, channelPatterns: [...args] };
    case 'none':
      return { keys: none, channels: none, channelPatterns: none };
  }
}
