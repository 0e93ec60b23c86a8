import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';
import { configProblems, problemsOf } from '../../support/config-problems';

const team = {
  name: 'employees',
  models: ['claude-sonnet-4', 'claude-opus-4'],
  maxBudgetUsd: 100,
  budgetDuration: '30d',
  rpmLimit: 60,
  tpmLimit: 1000,
};
const env = (extra: Record<string, unknown>, teams: unknown[] = [team]): EnvironmentInput =>
  ({ name: 'test', ephemeral: true, region: 'us-east-1', tenants: { teams }, ...extra }) as EnvironmentInput;
const domain = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', base: 'dev.genai.example.com' };
const oidc = { provider: 'oidc', issuer: 'https://login.example.com/t/v2.0', clientId: 'web', clientSecretName: 'corp/web' };
const oidcForDomain = {
  ...oidc,
  authorizationEndpoint: 'https://login.example.com/t/authorize',
  tokenEndpoint: 'https://login.example.com/t/token',
  userInfoEndpoint: 'https://login.example.com/t/userinfo',
  adminClient: { clientId: 'admin', clientSecretName: 'corp/admin' },
  langfuseClient: { clientId: 'langfuse', clientSecretName: 'corp/langfuse' },
};
const REQUIRED_FOR_ALB = "is required with web.domain (the load balancer's sign-in needs it; copy it from the issuer's discovery document)";

describe('web and Open WebUI config', () => {
  test('defaults: Open WebUI off, Cognito for the workforce, the platform admins group, no domain and no allowlist', () => {
    const config = parseEnvironment(env({}));
    expect(config.openWebUi).toEqual({ enabled: false, minReplicas: 1, maxReplicas: 2 });
    expect(config.web).toEqual({ sso: { provider: 'cognito' }, adminGroup: 'genai-platform-admins', adminCidrs: [], wafRateLimit: 20_000 });
  });

  test('accepts an external issuer without a domain with only its issuer, client and secret; groups claim defaults to groups', () => {
    expect(parseEnvironment(env({ web: { sso: oidc } })).web.sso).toEqual({ ...oidc, groupsClaim: 'groups' });
  });

  test('accepts an external issuer with a domain once its endpoints and admin registration are given', () => {
    expect(configProblems(env({ web: { domain, sso: oidcForDomain, adminCidrs: ['203.0.113.0/24'] } }))).toEqual([]);
  });

  test('accepts Open WebUI on for a declared team, with one of its models for embeddings', () => {
    expect(configProblems(env({ openWebUi: { enabled: true, team: 'employees', embeddingModel: 'claude-opus-4' } }))).toEqual([]);
  });

  test('dev and prod parse with the web settings they declare', () => {
    for (const name of ['dev', 'prod']) expect(loadEnvironment(name).web.adminGroup).toBe('genai-platform-admins');
  });
});

describe('web and Open WebUI config rejects bad input with one exact message per problem', () => {
  test.each<[string, EnvironmentInput, string[]]>([
    [
      'a malformed hosted zone id, zone name and base name',
      env({ web: { domain: { hostedZoneId: 'z1', zoneName: 'Example', base: 'x' } } }),
      [
        'web.domain.hostedZoneId: is not a Route 53 hosted zone id (Z followed by capitals and digits)',
        'web.domain.zoneName: is not a DNS zone name (e.g. example.com)',
        'web.domain.base: is not a DNS name (e.g. genai.example.com)',
        'web.domain.base: "x" is not in zone Example (allowed: the zone or a name under it)',
      ],
    ],
    [
      'a base name outside its zone',
      env({ web: { domain: { ...domain, base: 'genai.other.com' } } }),
      ['web.domain.base: "genai.other.com" is not in zone example.com (allowed: the zone or a name under it)'],
    ],
    [
      'an external issuer with malformed URLs, client ids and secret names',
      env({
        web: {
          sso: {
            provider: 'oidc',
            issuer: 'http://login.example.com',
            clientId: 'a b',
            clientSecretName: 'no spaces!',
            authorizationEndpoint: 'http://a.example.com',
            tokenEndpoint: 'ftp://t.example.com',
            userInfoEndpoint: 'userinfo',
            adminClient: { clientId: '', clientSecretName: '' },
          },
        },
      }),
      [
        'web.sso.issuer: is not an https issuer URL',
        'web.sso.clientId: is not a client id (letters, digits, _ . : -; at most 128)',
        'web.sso.clientSecretName: is not a secret name',
        'web.sso.authorizationEndpoint: is not an https authorization endpoint URL',
        'web.sso.tokenEndpoint: is not an https token endpoint URL',
        'web.sso.userInfoEndpoint: is not an https user info endpoint URL',
        'web.sso.adminClient.clientId: is not a client id (letters, digits, _ . : -; at most 128)',
        'web.sso.adminClient.clientSecretName: is not a secret name',
      ],
    ],
    [
      'an external issuer with a domain but without the endpoints the load balancer needs or an admin-only registration',
      env({ web: { domain, sso: oidc } }),
      [
        `web.sso.authorizationEndpoint: ${REQUIRED_FOR_ALB}`,
        `web.sso.tokenEndpoint: ${REQUIRED_FOR_ALB}`,
        `web.sso.userInfoEndpoint: ${REQUIRED_FOR_ALB}`,
        'web.sso.adminClient: is required with web.domain (an app registration only the admin group may use; the load balancer cannot check groups)',
        "web.sso.langfuseClient: is required with web.domain (Langfuse's own app registration, which only the admin group may use; never Open WebUI's)",
      ],
    ],
    [
      "an external issuer whose Langfuse client is Open WebUI's",
      env({ web: { domain, sso: { ...oidcForDomain, langfuseClient: { clientId: 'web', clientSecretName: 'corp/web' } } } }),
      [
        "web.sso.langfuseClient.clientId: is Open WebUI's client id (every employee may use that one; register a separate app that only the admin group may use)",
      ],
    ],
    [
      'an unknown provider',
      env({ web: { sso: { provider: 'saml' } } }),
      ['web.sso.provider: "saml" is not allowed (allowed: "cognito", "oidc")'],
    ],
    [
      'a Cognito setting the stack makes itself',
      env({ web: { sso: { provider: 'cognito', userPoolId: 'eu-west-1_x' } } }),
      ['web.sso: unknown field "userPoolId" (remove or fix the spelling)'],
    ],
    [
      'an empty groups claim',
      env({ web: { sso: { ...oidc, groupsClaim: '' } } }),
      ['web.sso.groupsClaim: "" is below the minimum (allowed: >= 1)'],
    ],
    ['an empty admin group', env({ web: { adminGroup: '' } }), ['web.adminGroup: "" is below the minimum (allowed: >= 1)']],
    [
      'an admin allowlist without a domain',
      env({ web: { adminCidrs: ['10.0.0.0/8'] } }),
      ['web.adminCidrs: is set without web.domain (without a domain there is no public admin hostname to restrict)'],
    ],
    [
      'malformed, misaligned or too large admin ranges',
      env({ web: { domain, adminCidrs: ['10.0.0.1/8', 'nope', '10.0.0.0/4'] } }),
      [
        'web.adminCidrs[0]: "10.0.0.1/8" has host bits set (use the network address, e.g. 10.0.0.0/8)',
        'web.adminCidrs[1]: "nope" is not an IPv4 CIDR (use a.b.c.d/n)',
        'web.adminCidrs[2]: "10.0.0.0/4" is too large (use a prefix length between /8 and /32)',
      ],
    ],
    [
      'a WAF rate limit below the service minimum',
      env({ web: { wafRateLimit: 50 } }),
      ['web.wafRateLimit: 50 is below the minimum (allowed: >= 100)'],
    ],
    [
      'more minimum replicas than maximum',
      env({ openWebUi: { minReplicas: 5, maxReplicas: 2 } }),
      ['openWebUi.minReplicas: 5 is above maxReplicas 2 (allowed: 1 to maxReplicas)'],
    ],
    [
      'replica counts out of bounds',
      env({ openWebUi: { minReplicas: 0, maxReplicas: 51 } }),
      ['openWebUi.minReplicas: 0 is below the minimum (allowed: >= 1)', 'openWebUi.maxReplicas: 51 is above the maximum (allowed: <= 50)'],
    ],
    [
      'Open WebUI on without a team',
      env({ openWebUi: { enabled: true } }),
      ['openWebUi.team: is required when enabled (name the tenants team whose budget and models the chat gets)'],
    ],
    [
      'Open WebUI on for an undeclared team',
      env({ openWebUi: { enabled: true, team: 'nobody' } }),
      ['openWebUi.team: "nobody" is not a team in tenants.teams (allowed: employees)'],
    ],
    [
      'Open WebUI on when no team is declared',
      env({ openWebUi: { enabled: true, team: 'nobody' } }, []),
      ['openWebUi.team: "nobody" is not a team in tenants.teams (allowed: none declared)'],
    ],
    [
      "an embedding model outside the team's models",
      env({ openWebUi: { enabled: true, team: 'employees', embeddingModel: 'gpt-x' } }),
      ['openWebUi.embeddingModel: "gpt-x" is not a model of team employees (allowed: claude-sonnet-4, claude-opus-4)'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(problemsOf(input)).toEqual(expected);
  });
});
