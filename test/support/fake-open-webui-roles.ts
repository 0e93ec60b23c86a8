/**
 * A stand-in for how Open WebUI gives a person their role: the headless admin its start-up creates, and the role an
 * OpenID Connect sign-in gets. It follows upstream, the first-user promotion included, restated in our own words.
 *
 * Upstream, read 2026-12-06. The application repository is too large to check out here and no stored copy is tagged
 * v0.11.0 (the pinned release), so the behaviour is the one every stored copy of backend/open_webui/utils/oauth.py
 * agrees on: github.com/open-webui/open-webui at commits c1d566ba and 00248c92 (older releases), and the newest copy
 * found (async, `settings.SYSTEM`, repository unnamed by the index, id 65734997054), which adds the "*" wildcard, the
 * refusal of a user whose roles match no list, and a first-user promotion that runs after the insert. Start-up:
 * backend/open_webui/main.py lifespan in the stored copies (create_admin_user when WEBUI_ADMIN_EMAIL and
 * WEBUI_ADMIN_PASSWORD are set and no user exists, before the server accepts requests); for v0.11.0 itself,
 * github.com/open-webui/docs docs/reference/env-configuration.mdx at commit 1eea3847 (lines 121-160).
 */

export type OpenWebUiRole = 'admin' | 'user' | 'pending';

export interface OpenWebUiUser {
  readonly id: number;
  readonly email: string;
  /** The identity provider's subject; absent for the headless admin. */
  readonly sub?: string;
  role: OpenWebUiRole;
}

/** Raised where upstream answers 403 (role management refuses the roles, or OAuth sign-up is off). */
export class OpenWebUiForbidden extends Error {}

/** The environment variables the role logic reads, as the chart sets them (values as strings). */
export type OpenWebUiRoleEnv = Readonly<Record<string, string | undefined>>;

const isTrue = (value: string | undefined): boolean => value?.toLowerCase() === 'true';
const list = (value: string | undefined): string[] => (value ?? '').split(',').filter((v) => v.length > 0);

export class FakeOpenWebUiRoles {
  readonly users: OpenWebUiUser[] = [];

  constructor(private readonly env: OpenWebUiRoleEnv) {}

  /** A pod's start-up: the headless admin, only when both variables are set and the database has no user yet. */
  start(): void {
    const email = this.env.WEBUI_ADMIN_EMAIL;
    if (email && this.env.WEBUI_ADMIN_PASSWORD && this.users.length === 0) {
      this.users.push({ id: this.users.length + 1, email, role: 'admin' });
    }
  }

  /** The OIDC callback: an existing user's role is recomputed; a new user is created, and made admin if alone. */
  signIn(sub: string, claims: Readonly<Record<string, unknown>>): OpenWebUiUser {
    const existing = this.users.find((u) => u.sub === sub);
    if (existing) {
      existing.role = this.roleFor(existing, claims);
      return existing;
    }
    if (!isTrue(this.env.ENABLE_OAUTH_SIGNUP)) throw new OpenWebUiForbidden('sign-up is off');
    const user: OpenWebUiUser = { id: this.users.length + 1, email: String(claims.email), sub, role: this.roleFor(undefined, claims) };
    this.users.push(user);
    // Checked after the insert: the only user of the database is an admin, whatever the claims said.
    if (this.users.length === 1) user.role = 'admin';
    return user;
  }

  private roleFor(user: OpenWebUiUser | undefined, claims: Readonly<Record<string, unknown>>): OpenWebUiRole {
    const defaultRole = (this.env.DEFAULT_USER_ROLE ?? 'pending') as OpenWebUiRole;
    const count = this.users.length;
    if (user && count === 1) return 'admin';
    if (!user && count === 0) return defaultRole;
    if (!isTrue(this.env.ENABLE_OAUTH_ROLE_MANAGEMENT)) return user ? user.role : defaultRole;

    const claimName = this.env.OAUTH_ROLES_CLAIM ?? 'roles';
    const allowed = list(this.env.OAUTH_ALLOWED_ROLES ?? 'user,admin');
    const admins = list(this.env.OAUTH_ADMIN_ROLES ?? 'admin');
    let role = defaultRole;
    let value: unknown = claims;
    for (const part of claimName.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
    if (value === undefined) value = claims[claimName];
    const roles = Array.isArray(value)
      ? value.map(String)
      : typeof value === 'string'
        ? value.split(',')
        : typeof value === 'number'
          ? [String(value)]
          : [];
    // No roles in the token: the default role, never the current one.
    if (roles.length === 0) return role;
    let matched = false;
    if (allowed.some((r) => r === '*' || roles.includes(r))) {
      role = 'user';
      matched = true;
    }
    if (admins.some((r) => roles.includes(r))) {
      role = 'admin';
      matched = true;
    }
    if (!matched) throw new OpenWebUiForbidden('roles match neither the allowed nor the admin list');
    return role;
  }
}
