import { FakeOpenWebUiRoles, OpenWebUiForbidden } from './fake-open-webui-roles';

/** Role management as upstream's docs describe it, without the headless admin. */
const MANAGED = {
  ENABLE_OAUTH_SIGNUP: 'True',
  ENABLE_OAUTH_ROLE_MANAGEMENT: 'True',
  OAUTH_ROLES_CLAIM: 'cognito:groups',
  OAUTH_ADMIN_ROLES: 'admins',
  OAUTH_ALLOWED_ROLES: '*',
  DEFAULT_USER_ROLE: 'user',
};

describe('FakeOpenWebUiRoles (upstream oauth.py role logic)', () => {
  test('makes the first person to sign in an admin whatever the claims, as upstream does', () => {
    const owui = new FakeOpenWebUiRoles(MANAGED);
    owui.start();
    expect(owui.signIn('alice', { email: 'alice@example.com' }).role).toBe('admin');
    // Still the only user: every later sign-in repairs the role to admin.
    expect(owui.signIn('alice', { email: 'alice@example.com', 'cognito:groups': ['employees'] }).role).toBe('admin');
  });

  test('demotes the first person once a second exists and they sign in again with a groups claim', () => {
    const owui = new FakeOpenWebUiRoles(MANAGED);
    owui.signIn('alice', { email: 'alice@example.com' });
    owui.signIn('bob', { email: 'bob@example.com' });
    expect(owui.signIn('alice', { email: 'alice@example.com', 'cognito:groups': ['employees'] }).role).toBe('user');
  });

  test('gives the default role, not the current one, to a token without the groups claim', () => {
    const owui = new FakeOpenWebUiRoles(MANAGED);
    owui.signIn('alice', { email: 'alice@example.com' });
    owui.signIn('bob', { email: 'bob@example.com', 'cognito:groups': ['admins'] });
    expect(owui.signIn('bob', { email: 'bob@example.com' }).role).toBe('user');
  });

  test('refuses roles that match neither list unless "*" is allowed', () => {
    const owui = new FakeOpenWebUiRoles({ ...MANAGED, OAUTH_ALLOWED_ROLES: 'employees' });
    owui.signIn('alice', { email: 'alice@example.com' });
    expect(() => owui.signIn('bob', { email: 'bob@example.com', 'cognito:groups': ['contractors'] })).toThrow(OpenWebUiForbidden);
  });

  test('creates the headless admin only with both variables and an empty database', () => {
    const partial = new FakeOpenWebUiRoles({ ...MANAGED, WEBUI_ADMIN_EMAIL: 'boot@example.internal' });
    partial.start();
    expect(partial.users).toEqual([]);
    const full = new FakeOpenWebUiRoles({ ...MANAGED, WEBUI_ADMIN_EMAIL: 'boot@example.internal', WEBUI_ADMIN_PASSWORD: 'x' });
    full.start();
    full.start();
    expect(full.users.map((u) => [u.email, u.role])).toEqual([['boot@example.internal', 'admin']]);
  });

  test('refuses a new person when OAuth sign-up is off', () => {
    const owui = new FakeOpenWebUiRoles({ ...MANAGED, ENABLE_OAUTH_SIGNUP: 'False' });
    expect(() => owui.signIn('alice', { email: 'alice@example.com' })).toThrow(OpenWebUiForbidden);
  });
});
