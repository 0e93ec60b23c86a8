import { CACHE_IDENTITIES, DISABLED_DEFAULT_USER_ACCESS, cacheAccessString, type CacheApplication } from '../../../lib/shared/cache';
import { AclUser } from '../../support/valkey-acl';
import { LANGFUSE_NAMES, LITELLM_NAMES, OPEN_WEBUI_NAMES, type ApplicationNames } from '../../support/valkey-key-names';

const NAMES: Readonly<Record<CacheApplication, ApplicationNames>> = {
  litellm: LITELLM_NAMES,
  langfuse: LANGFUSE_NAMES,
  openWebUi: OPEN_WEBUI_NAMES,
};
const APPS = Object.keys(CACHE_IDENTITIES) as CacheApplication[];
const userOf = (app: CacheApplication) => new AclUser(cacheAccessString(CACHE_IDENTITIES[app]));
const others = (app: CacheApplication) => APPS.filter((a) => a !== app);

describe('Valkey identities', () => {
  test('each application has its own user name', () => {
    const names = APPS.map((a) => CACHE_IDENTITIES[a].userName);
    expect(new Set(names).size).toBe(names.length);
    expect(names).not.toContain('default');
  });

  test('the access strings read as designed', () => {
    expect(cacheAccessString(CACHE_IDENTITIES.litellm)).toBe('on ~* &* +@all -@admin -@dangerous');
    expect(cacheAccessString(CACHE_IDENTITIES.langfuse)).toBe('on ~langfuse* +@all -@admin -@dangerous +info');
    expect(cacheAccessString(CACHE_IDENTITIES.openWebUi)).toBe(
      'on ~open-webui:* &open-webui:* &socketio &socketio#* +@all -@admin -@dangerous',
    );
  });

  describe.each(APPS)('%s', (app) => {
    const user = userOf(app);
    const own = NAMES[app];

    test('may read and write its own keys, run its scripts on them and use its channels', () => {
      for (const key of own.keys) {
        expect([key, user.check('get', [key])]).toEqual([key, 'ok']);
        expect([key, user.check('set', [key, 'v'])]).toEqual([key, 'ok']);
        expect([key, user.check('evalsha', ['sha', '1', key])]).toEqual([key, 'ok']);
      }
      for (const channel of own.channels) {
        expect([channel, user.check('publish', [channel, 'm'])]).toEqual([channel, 'ok']);
        expect([channel, user.check('subscribe', [channel])]).toEqual([channel, 'ok']);
      }
      for (const pattern of own.channelPatterns) expect(user.check('psubscribe', [pattern])).toBe('ok');
    });

    test.each(['flushall', 'flushdb', 'keys', 'config|get', 'config|set', 'client|list'])('denies when it runs %s', (command) => {
      expect(user.check(command)).toBe('no-command');
    });
  });

  // The attacker: administrator-supplied Python in an Open WebUI pod, holding Open WebUI's Valkey credentials.
  describe('Open WebUI (attacker side)', () => {
    const owui = userOf('openWebUi');
    test.each(others('openWebUi'))('denies when it reads, writes, deletes or scripts %s keys', (victim) => {
      for (const key of NAMES[victim].keys) {
        for (const [command, args] of [
          ['get', [key]],
          ['set', [key, 'forged']],
          ['del', [key]],
          ['hset', [key, 'f', 'v']],
          ['zadd', [key, '0', 'm']],
          ['xadd', [key, '*', 'f', 'v']],
          ['evalsha', ['sha', '1', key]],
        ] as const) {
          expect([command, key, owui.check(command, args)]).toEqual([command, key, 'no-key']);
        }
      }
    });

    test('denies when it hides a foreign key among its own', () => {
      expect(owui.check('del', ['open-webui:tasks', LITELLM_NAMES.keys[0]!])).toBe('no-key');
      expect(owui.check('evalsha', ['sha', '2', 'open-webui:tasks', LANGFUSE_NAMES.keys[0]!])).toBe('no-key');
    });

    test('denies when it subscribes to every channel or publishes outside its own', () => {
      expect(owui.check('psubscribe', ['*'])).toBe('no-channel');
      expect(owui.check('publish', ['litellm', 'm'])).toBe('no-channel');
    });
  });

  test('Langfuse cannot reach LiteLLM or Open WebUI keys, nor any channel', () => {
    const langfuse = userOf('langfuse');
    for (const key of [...LITELLM_NAMES.keys, ...OPEN_WEBUI_NAMES.keys])
      expect([key, langfuse.check('get', [key])]).toEqual([key, 'no-key']);
    for (const channel of OPEN_WEBUI_NAMES.channels) expect(langfuse.check('subscribe', [channel])).toBe('no-channel');
  });

  test("no application's key pattern covers a LiteLLM key, so LiteLLM's state is LiteLLM's alone", () => {
    for (const app of others('litellm')) {
      const user = userOf(app);
      for (const key of LITELLM_NAMES.keys) expect([app, key, user.check('get', [key])]).toEqual([app, key, 'no-key']);
    }
  });

  test('LiteLLM is not confined to a pattern (no key prefix upstream): a known gap, kept from the dangerous commands', () => {
    const litellm = userOf('litellm');
    expect(litellm.check('get', [OPEN_WEBUI_NAMES.keys[0]!])).toBe('ok');
    expect(litellm.check('flushall')).toBe('no-command');
  });

  test('the default user can do nothing: it is off, and it has no command even if switched on', () => {
    const fallback = new AclUser(DISABLED_DEFAULT_USER_ACCESS);
    for (const key of [...LITELLM_NAMES.keys, ...LANGFUSE_NAMES.keys, ...OPEN_WEBUI_NAMES.keys]) {
      expect(fallback.check('get', [key])).toBe('user-off');
    }
    expect(fallback.check('ping')).toBe('user-off');
    const switchedOn = new AclUser(DISABLED_DEFAULT_USER_ACCESS.replace(/^off/, 'on'));
    for (const command of ['get', 'ping', 'info', 'subscribe', 'flushall']) expect(switchedOn.check(command, ['x'])).toBe('no-command');
  });
});
