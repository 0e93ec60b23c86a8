/**
 * ElastiCache RBAC for Valkey, and the key names each application writes, checked against the data stack every
 * environment synthesizes. Read 2026-12-06 (facts restated in our own words):
 * - RBAC = docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html ("Role-Based Access Control (RBAC)",
 *   stored copy; the English page and its translations agree): RBAC for Valkey 7.2 and later; a user group of engine
 *   VALKEY holds only users that authenticate (password or IAM); an access string must say on or off (neither: off),
 *   may not hold a password (set through CreateUser/ModifyUser), may not use `reset`, and may not name a command
 *   ElastiCache has disabled or renamed (the request fails).
 * - CFN = AWS CloudFormation Template Reference, AWS::ElastiCache::User and ::UserGroup (stored copies): User Engine
 *   valkey or redis, UserId pattern [a-z][a-z0-9\-]*, UserName change = replacement, AuthenticationMode { Type:
 *   password | no-password-required | iam, Passwords (1-2) }; UserGroup UserIds "A user named default must be
 *   included". aws/aws-cdk packages/@aws-cdk/aws-elasticache-alpha/lib/user-group.ts (commit 043fcdb9) enforces the
 *   default user for redis groups only; whether ElastiCache requires it of a valkey group was not confirmed, so the
 *   group always holds one, switched off.
 * - MIGRATION: a replication group takes an AUTH token or a user group, not both: ModifyReplicationGroup answers
 *   "User group can't be associated with auth token enabled. Pass AuthStrategy delete to proceed" and, the other way,
 *   "Auth tokens can't be enabled with a user group already associated" (hashicorp/terraform-provider-aws issues
 *   #39546, #31710, #42372; the RBAC page's "Migrating from AUTH to RBAC": AuthTokenUpdateStrategy DELETE together
 *   with UserGroupIdsToAdd). Through CloudFormation, removing AuthToken and adding UserGroupIds is planned as a
 *   REPLACEMENT of the replication group (aws-cloudformation/cloudformation-coverage-roadmap issue #2356, open since
 *   2025-08-18); not tried here (no AWS account).
 * - VALKEY = valkey-io/valkey tag 8.0.1 (commit 4fbab574): ACL glob, categories, channel checks and the
 *   resetchannels default, as test/support/valkey-acl.ts models them. Whether ElastiCache keeps that default for
 *   RBAC users was not confirmed: the operator check in the README (SUBSCRIBE from a Langfuse pod) settles it.
 * - LITELLM = BerriAI/litellm main-line copies (the v1.108.12 tag is not readable here): litellm/_redis.py (commit
 *   009e7bc0) maps every REDIS_<ARG> variable to the redis-py argument, REDIS_USERNAME to `username`, under any
 *   explicit setting, for every client it builds (router, coordination); litellm/caching/redis_cache.py (commit
 *   0226cd83) reads INFO once at start inside a try that ignores a refusal, and has no key prefix unless a response
 *   cache namespace is set (we keep the response cache in memory). Keys: test/support/valkey-key-names.ts.
 * - LANGFUSE = langfuse/langfuse tag v3.194.1 (commit a75766c1) packages/shared/src/env.ts and server/redis/redis.ts;
 *   BULLMQ = taskforcesh/bullmq v5.76.3 (commit 0bf1b4d3, the ^5.76.3 Langfuse pins) src/classes/redis-connection.ts:
 *   every connection reads INFO for the server version unless skipVersionCheck, and fails without it.
 * - OPEN WEBUI = open-webui/docs docs/reference/env-configuration.mdx at commit 1eea3847 (release v0.11.0) lines
 *   7782-7786 (REDIS_KEY_PREFIX, default open-webui) and 7724 (Socket.IO publishes on `socketio`); the application
 *   source was read in stored copies of unknown release (socket/main.py commit c62609fa, socket/redis_room_channels.py
 *   commit 813d6efd, and copies of utils/auth.py and tasks.py found by content): every key and the tasks channel are
 *   built on REDIS_KEY_PREFIX; a later copy reads one unprefixed key (`terminal_servers`, a feature we do not
 *   configure), which the ACL refuses.
 */
import { CACHE_IDENTITIES, DISABLED_DEFAULT_USER_ACCESS, cacheAccessString } from '../../lib/shared/cache';
import { synthEnvironment } from '../support/app';
import { AclUser } from '../support/valkey-acl';
import { LANGFUSE_NAMES, LITELLM_NAMES, OPEN_WEBUI_NAMES } from '../support/valkey-key-names';
import { ENVIRONMENT_NAMES } from '../k8s/support/charts';

/** Commands ElastiCache disables or renames on Valkey/Redis OSS; an access string must not name them (RBAC). */
const ELASTICACHE_RESTRICTED = [
  'config',
  'bgrewriteaof',
  'bgsave',
  'debug',
  'migrate',
  'psync',
  'replicaof',
  'save',
  'slaveof',
  'shutdown',
  'sync',
];

describe.each(ENVIRONMENT_NAMES)('ElastiCache RBAC for Valkey (%s)', (env) => {
  const { config, templates } = synthEnvironment(env);
  const data = templates.data;
  const users = Object.values(data.findResources('AWS::ElastiCache::User')).map((u) => u.Properties);
  const group = Object.values(data.findResources('AWS::ElastiCache::UserGroup'))[0]!.Properties;
  const replicationGroup = Object.values(data.findResources('AWS::ElastiCache::ReplicationGroup'))[0]!.Properties;

  test('a valkey user group holds only users that authenticate, the default user among them (CFN, RBAC)', () => {
    expect(group.Engine).toBe('valkey');
    expect(users.every((u) => u.Engine === 'valkey' && u.AuthenticationMode.Type === 'password')).toBe(true);
    expect(users.map((u) => u.UserName)).toContain('default');
    expect(group.UserIds).toHaveLength(users.length);
  });

  test('every access string says on or off, names no password, no reset and no command ElastiCache restricts (RBAC)', () => {
    for (const { AccessString: access } of users) {
      const tokens = (access as string).split(' ');
      expect(['on', 'off']).toContain(tokens[0]);
      expect(tokens.filter((t) => t.startsWith('>') || t.startsWith('#') || t === 'nopass' || /^reset/.test(t))).toEqual([]);
      const named = tokens.filter((t) => /^[+-][a-z|]+$/.test(t)).map((t) => t.slice(1).split('|')[0]!);
      expect(named.filter((c) => ELASTICACHE_RESTRICTED.includes(c))).toEqual([]);
    }
  });

  test('the replication group authenticates through the user group only: no AUTH token beside it (MIGRATION)', () => {
    expect(replicationGroup.UserGroupIds).toHaveLength(1);
    expect(replicationGroup.AuthToken).toBeUndefined();
    expect(replicationGroup.TransitEncryptionEnabled).toBe(true);
  });

  test('one user per application that runs, each with the access string lib/shared/cache.ts gives it', () => {
    const apps = ['litellm', 'langfuse', ...(config.openWebUi.enabled ? (['openWebUi'] as const) : [])] as const;
    for (const app of apps) {
      const identity = CACHE_IDENTITIES[app];
      expect(users.find((u) => u.UserName === identity.userName)?.AccessString).toBe(cacheAccessString(identity));
    }
    expect(users.find((u) => u.UserName === 'default')?.AccessString).toBe(DISABLED_DEFAULT_USER_ACCESS);
  });
});

describe('what each application needs of its user', () => {
  test('LiteLLM signs in with REDIS_USERNAME and keeps working without INFO (LITELLM)', () => {
    const litellm = new AclUser(cacheAccessString(CACHE_IDENTITIES.litellm));
    expect(litellm.check('info')).toBe('no-command');
    for (const key of LITELLM_NAMES.keys) expect(litellm.check('evalsha', ['sha', '1', key])).toBe('ok');
  });

  test('Langfuse needs INFO for BullMQ, its scripts on its queue keys and CLIENT SETNAME (LANGFUSE, BULLMQ)', () => {
    const langfuse = new AclUser(cacheAccessString(CACHE_IDENTITIES.langfuse));
    expect(langfuse.check('info')).toBe('ok');
    expect(langfuse.check('client|setname')).toBe('ok');
    expect(langfuse.check('script|load')).toBe('ok');
    for (const key of LANGFUSE_NAMES.keys) expect(langfuse.check('evalsha', ['sha', '1', key])).toBe('ok');
  });

  test('Open WebUI reaches its keys, its tasks channel and Socket.IO, including per-room channels (OPEN WEBUI)', () => {
    const owui = new AclUser(cacheAccessString(CACHE_IDENTITIES.openWebUi));
    for (const key of OPEN_WEBUI_NAMES.keys) expect(owui.check('hset', [key, 'f', 'v'])).toBe('ok');
    for (const channel of OPEN_WEBUI_NAMES.channels) expect(owui.check('subscribe', [channel])).toBe('ok');
    expect(owui.check('psubscribe', ['socketio#*'])).toBe('ok');
    expect(owui.check('get', ['terminal_servers'])).toBe('no-key');
  });
});
