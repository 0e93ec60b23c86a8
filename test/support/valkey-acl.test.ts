import { AclUser, commandCategories, globMatch } from './valkey-acl';

// The stand-in behaves as Valkey 8.0.1 (sources in valkey-acl.ts): glob, categories, order of rules, channels.
describe('valkey-acl stand-in', () => {
  test.each<[string, string, boolean]>([
    ['open-webui:*', 'open-webui:session_pool', true],
    ['open-webui:*', 'open-webui:', true], // a trailing `*` matches nothing too
    ['*', '', false], // but no pattern matches the empty string (the loop never runs)
    ['open-webui:*', 'open-webuix', false],
    ['langfuse*', 'langfuseapi-key:1', true],
    ['langfuse*', 'Langfuse:queue', false], // ACL patterns are case-sensitive
    ['*', 'anything', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'bx', false],
    ['[c-a]x', 'bx', true], // a reversed range is swapped
    ['\\*x', '*x', true],
    ['\\*x', 'ax', false],
    ['{api_key:*}:window', '{api_key:abc}:window', true],
  ])('glob %s against %s is %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  test('derives the implicit categories: ADMIN adds @admin and @dangerous, no FAST means @slow', () => {
    expect([...commandCategories('config|set')].sort()).toEqual(['admin', 'dangerous', 'slow']);
    expect([...commandCategories('flushall')].sort()).toEqual(['dangerous', 'keyspace', 'slow', 'write']);
    expect([...commandCategories('keys')].sort()).toEqual(['dangerous', 'keyspace', 'read', 'slow']);
    expect([...commandCategories('evalsha')].sort()).toEqual(['scripting', 'slow']);
  });

  test('applies rules left to right: a later rule takes back an earlier one', () => {
    const user = new AclUser('on ~* +@all -@dangerous +info');
    expect(user.check('info')).toBe('ok');
    expect(user.check('flushall')).toBe('no-command');
    expect(new AclUser('on ~* +info -@all').check('info')).toBe('no-command');
  });

  test('denies everything to a user that is off, and every command nothing allows', () => {
    expect(new AclUser('off ~* +@all').check('get', ['k'])).toBe('user-off');
    expect(new AclUser('on ~*').check('get', ['k'])).toBe('no-command');
  });

  test('checks every key of a command and the keys a script is given', () => {
    const user = new AclUser('on ~a:* +@all');
    expect(user.check('del', ['a:1', 'b:1'])).toBe('no-key');
    expect(user.check('evalsha', ['sha', '2', 'a:1', 'b:1', 'arg'])).toBe('no-key');
    expect(user.check('evalsha', ['sha', '1', 'a:1', 'b:1'])).toBe('ok');
  });

  test('reaches no channel without an & pattern (acl-pubsub-default resetchannels); PSUBSCRIBE needs the literal pattern', () => {
    expect(new AclUser('on ~* +@all').check('subscribe', ['socketio'])).toBe('no-channel');
    const user = new AclUser('on &socketio#* +@all');
    expect(user.check('publish', ['socketio#/#room', 'message'])).toBe('ok');
    expect(user.check('psubscribe', ['socketio#*'])).toBe('ok');
    expect(user.check('psubscribe', ['socketio#/#*'])).toBe('no-channel');
  });

  test('refuses a rule it does not model, like the server refuses an unknown one', () => {
    expect(() => new AclUser('on %R~a:* +@all')).toThrow(
      'valkey-acl stand-in: rule "%R~a:*" is not modelled (ERR Error in ACL SETUSER modifier)',
    );
  });
});
