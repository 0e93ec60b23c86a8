import { configProblems, problemsOf } from '../../support/config-problems';
import { parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';

const team = { name: 'support', models: ['claude-sonnet-4'] };
const dashboard = { origins: ['https://dash.example.com'], redirectUrls: ['https://dash.example.com/callback'] };
const withApp = (browser: unknown, extra: Record<string, unknown> = {}): EnvironmentInput =>
  ({
    name: 'test',
    region: 'us-east-1',
    ephemeral: true,
    tenants: { teams: [team], consumers: [{ name: 'dashboard', team: 'support', browser }] },
    ...extra,
  }) as EnvironmentInput;
const at = 'tenants.consumers[0].browser';

describe('browser app config', () => {
  test('accepts exact https origins with redirect and logout URLs on them, logout URLs defaulting to none', () => {
    const consumer = parseEnvironment(withApp(dashboard)).tenants.consumers[0]!;
    expect(consumer.browser).toEqual({ ...dashboard, logoutUrls: [] });
    const full = {
      origins: ['https://dash.example.com', 'https://dash.example.com:8443'],
      redirectUrls: ['https://dash.example.com:8443/cb?x=1'],
      logoutUrls: ['https://dash.example.com/'],
    };
    expect(configProblems(withApp(full))).toEqual([]);
  });

  test('a consumer without browser stays a machine client', () => {
    const config = parseEnvironment({
      ...withApp(dashboard),
      tenants: { teams: [team], consumers: [{ name: 'bot', team: 'support' }] },
    });
    expect(config.tenants.consumers[0]!.browser).toBeUndefined();
  });
});

describe('browser app config rejects bad input with one exact message per problem', () => {
  test.each<[string, unknown, string[]]>([
    [
      'a wildcard origin',
      { ...dashboard, origins: ['https://*.example.com'] },
      [
        `${at}.origins[0]: "https://*.example.com" has a wildcard (allowed: exact origins only, list each one)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/callback" is not on one of the app's origins (allowed: https://*.example.com)`,
      ],
    ],
    [
      'the any-origin wildcard',
      { ...dashboard, origins: ['*'] },
      [
        `${at}.origins[0]: "*" has a wildcard (allowed: exact origins only, list each one)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/callback" is not on one of the app's origins (allowed: *)`,
      ],
    ],
    [
      'a plain-http origin',
      { origins: ['http://dash.example.com'], redirectUrls: [] },
      [
        `${at}.redirectUrls: needs at least one redirect URL (where the sign-in returns the code)`,
        `${at}.origins[0]: "http://dash.example.com" does not use https (allowed: https://host or https://host:port)`,
      ],
    ],
    [
      'an origin with a path',
      { ...dashboard, origins: ['https://dash.example.com/app'] },
      [
        `${at}.origins[0]: "https://dash.example.com/app" is not an exact origin (allowed: https://host or https://host:port, lowercase, no path, query or trailing slash; e.g. https://dash.example.com)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/callback" is not on one of the app's origins (allowed: https://dash.example.com/app)`,
      ],
    ],
    [
      'an origin with a trailing slash',
      { ...dashboard, origins: ['https://dash.example.com/', 'https://dash.example.com'] },
      [
        `${at}.origins[0]: "https://dash.example.com/" is not an exact origin (allowed: https://host or https://host:port, lowercase, no path, query or trailing slash; e.g. https://dash.example.com)`,
      ],
    ],
    [
      'an upper-case origin, which no browser sends',
      { ...dashboard, origins: ['https://Dash.example.com'] },
      [
        `${at}.origins[0]: "https://Dash.example.com" is not an exact origin (allowed: https://host or https://host:port, lowercase, no path, query or trailing slash; e.g. https://dash.example.com)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/callback" is not on one of the app's origins (allowed: https://Dash.example.com)`,
      ],
    ],
    [
      'an origin with the default port spelled out',
      { origins: ['https://dash.example.com:443'], redirectUrls: ['https://dash.example.com/cb'] },
      [
        `${at}.origins[0]: "https://dash.example.com:443" is not an exact origin (allowed: https://host or https://host:port, lowercase, no path, query or trailing slash; e.g. https://dash.example.com)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/cb" is not on one of the app's origins (allowed: https://dash.example.com:443)`,
      ],
    ],
    [
      'an origin that is no URL',
      { ...dashboard, origins: ['dash.example.com'] },
      [
        `${at}.origins[0]: "dash.example.com" is not a URL (allowed: https://host or https://host:port)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/callback" is not on one of the app's origins (allowed: dash.example.com)`,
      ],
    ],
    [
      'an origin listed twice',
      { ...dashboard, origins: ['https://dash.example.com', 'https://dash.example.com'] },
      [`${at}.origins[1]: "https://dash.example.com" is listed twice (allowed: unique origins)`],
    ],
    [
      'no origin',
      { ...dashboard, origins: [] },
      [
        `${at}.origins: needs at least one origin (https://host the app is served from)`,
        `${at}.redirectUrls[0]: "https://dash.example.com/callback" is not on one of the app's origins (allowed: none listed)`,
      ],
    ],
    [
      'eleven origins',
      { ...dashboard, origins: Array.from({ length: 11 }, (_, i) => `https://d${i}.example.com`) },
      [`${at}.origins: lists more than 10 origins`],
    ],
    [
      'a redirect URL on another origin (an attacker collecting codes)',
      { ...dashboard, redirectUrls: ['https://evil.example.net/callback'] },
      [`${at}.redirectUrls[0]: "https://evil.example.net/callback" is not on one of the app's origins (allowed: https://dash.example.com)`],
    ],
    [
      'a redirect URL on a look-alike host',
      { ...dashboard, redirectUrls: ['https://dash.example.com.evil.net/callback'] },
      [
        `${at}.redirectUrls[0]: "https://dash.example.com.evil.net/callback" is not on one of the app's origins (allowed: https://dash.example.com)`,
      ],
    ],
    [
      'a redirect URL with user info',
      { ...dashboard, redirectUrls: ['https://user@dash.example.com/callback'] },
      [`${at}.redirectUrls[0]: "https://user@dash.example.com/callback" carries user info (allowed: https://host/path)`],
    ],
    [
      'a plain-http redirect URL',
      { ...dashboard, redirectUrls: ['http://dash.example.com/callback'] },
      [`${at}.redirectUrls[0]: "http://dash.example.com/callback" does not use https (allowed: an https URL on one of the app's origins)`],
    ],
    [
      'a wildcard redirect URL',
      { ...dashboard, redirectUrls: ['https://dash.example.com/*'] },
      [`${at}.redirectUrls[0]: "https://dash.example.com/*" has a wildcard (allowed: exact URLs only, list each one)`],
    ],
    [
      'a redirect URL with a fragment',
      { ...dashboard, redirectUrls: ['https://dash.example.com/cb#x'] },
      [`${at}.redirectUrls[0]: "https://dash.example.com/cb#x" has a fragment (allowed: no #...)`],
    ],
    [
      'a redirect URL listed twice',
      { ...dashboard, redirectUrls: ['https://dash.example.com/cb', 'https://dash.example.com/cb'] },
      [`${at}.redirectUrls[1]: "https://dash.example.com/cb" is listed twice (allowed: unique URLs)`],
    ],
    [
      'a logout URL on another origin',
      { ...dashboard, logoutUrls: ['https://evil.example.net/'] },
      [`${at}.logoutUrls[0]: "https://evil.example.net/" is not on one of the app's origins (allowed: https://dash.example.com)`],
    ],
    [
      'eleven logout URLs',
      { ...dashboard, logoutUrls: Array.from({ length: 11 }, (_, i) => `https://dash.example.com/${i}`) },
      [`${at}.logoutUrls: lists more than 10 logout URLs`],
    ],
    [
      'an unknown field',
      { ...dashboard, allowCredentials: true },
      [`${at}: unknown field "allowCredentials" (remove or fix the spelling)`],
    ],
  ])('%s', (_name, browser, expected) => {
    expect(problemsOf(withApp(browser))).toEqual(expected);
  });

  test('a browser app with the cognito edge identity but external employee sign-in', () => {
    const sso = {
      provider: 'oidc',
      issuer: 'https://login.example.com/v2.0',
      clientId: 'webui',
      clientSecretName: 'sso/webui',
    };
    expect(problemsOf(withApp(dashboard, { web: { sso } }))).toContain(
      `${at}: needs web.sso.provider cognito with the cognito edge identity (the app client is created in the employees’ user pool); with an external issuer use edge.identity.provider oidc`,
    );
  });

  test('a browser app in passthrough mode, where it would have to hold a key', () => {
    expect(problemsOf(withApp(dashboard, { edge: { mode: 'passthrough' } }))).toEqual([
      `${at}: needs edge.mode inject (a browser app holds no key: the edge injects its team key)`,
    ]);
  });
});
