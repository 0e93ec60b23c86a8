import { configProblems, problemsOf } from '../../support/config-problems';
import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';
import { BUDGET_DURATION_PROBLEM } from '../../../lib/config/tenants-schema';

const team = { name: 'support', models: ['claude-sonnet-4'], maxBudgetUsd: 100, budgetDuration: '30d', rpmLimit: 60, tpmLimit: 1000 };
const consumer = { name: 'bot', team: 'support' };
/** An external issuer's client ids are fixed, so its consumers are tested in a retained environment. */
const withTenants = (tenants: unknown, edge?: unknown): EnvironmentInput =>
  ({
    name: 'test',
    region: 'us-east-1',
    tenants,
    ...(edge ? { edge, ephemeral: false, deletionProtection: true } : { ephemeral: true }),
  }) as EnvironmentInput;
const oidcEdge = {
  identity: {
    provider: 'oidc',
    issuers: ['https://login.example.com/v2.0'],
    jwksUri: 'https://login.example.com/keys',
    audience: ['api://gw'],
  },
};

describe('tenants config', () => {
  test('defaults to no teams, no consumers and 30-day key rotation', () => {
    expect(parseEnvironment(withTenants(undefined)).tenants).toEqual({ teams: [], consumers: [], keyRotationDays: 30 });
  });

  test.each(['30s', '15m', '1h', '30d', '2w', '9999d', '1mo'])('accepts the budget duration %s', (budgetDuration) => {
    expect(configProblems(withTenants({ teams: [{ ...team, budgetDuration }] }))).toEqual([]);
  });

  test('accepts a team and a consumer below its limits, filling empty tags and granting no MCP server', () => {
    const tenants = parseEnvironment(withTenants({ teams: [team], consumers: [{ ...consumer, maxBudgetUsd: 100, rpmLimit: 60 }] })).tenants;
    expect(tenants.teams[0]).toEqual({ ...team, mcpServers: [], tags: {} });
    expect(tenants.consumers[0]).toEqual({ ...consumer, maxBudgetUsd: 100, rpmLimit: 60, tags: {} });
  });

  test('dev and prod declare at least two teams and three consumers between them, all valid', () => {
    const [dev, prod] = [loadEnvironment('dev'), loadEnvironment('prod')];
    expect(dev.tenants.teams.length + prod.tenants.teams.length).toBeGreaterThanOrEqual(2);
    expect(dev.tenants.consumers.length + prod.tenants.consumers.length).toBeGreaterThanOrEqual(3);
  });

  test('an external OIDC consumer names its client id', () => {
    const config = parseEnvironment(withTenants({ teams: [team], consumers: [{ ...consumer, clientId: 'app-123' }] }, oidcEdge));
    expect(config.tenants.consumers[0]!.clientId).toBe('app-123');
  });
});

describe('tenants config rejects bad input with one exact message per problem', () => {
  test.each<[string, unknown, unknown, string[]]>([
    [
      'a consumer of an unknown team',
      { teams: [team], consumers: [{ name: 'bot', team: 'sales' }] },
      undefined,
      ['tenants.consumers[0].team: "sales" is not a team (allowed: support)'],
    ],
    [
      'a consumer when no team is declared',
      { consumers: [consumer] },
      undefined,
      ['tenants.consumers[0].team: "support" is not a team (allowed: none declared)'],
    ],
    [
      'a team granted a model that is not configured',
      { teams: [{ ...team, models: ['claude-sonnet-4', 'gpt-4o'] }] },
      undefined,
      ['tenants.teams[0].models[1]: "gpt-4o" is not a configured model (allowed: claude-3-7-sonnet, claude-sonnet-4, claude-opus-4)'],
    ],
    [
      'a team without models',
      { teams: [{ ...team, models: [] }] },
      undefined,
      ['tenants.teams[0].models: needs at least one model (names from models[])'],
    ],
    [
      'a consumer budget above its team budget',
      { teams: [team], consumers: [{ ...consumer, maxBudgetUsd: 150 }] },
      undefined,
      ["tenants.consumers[0].maxBudgetUsd: 150 is above its team support's 100 (allowed: up to the team's)"],
    ],
    [
      'consumer rate limits above the team limits',
      { teams: [team], consumers: [{ ...consumer, rpmLimit: 61, tpmLimit: 5000 }] },
      undefined,
      [
        "tenants.consumers[0].tpmLimit: 5000 is above its team support's 1000 (allowed: up to the team's)",
        "tenants.consumers[0].rpmLimit: 61 is above its team support's 60 (allowed: up to the team's)",
      ],
    ],
    [
      'two teams of one name',
      { teams: [team, team] },
      undefined,
      ['tenants.teams[1].name: "support" is used twice (allowed: unique team names)'],
    ],
    [
      'two consumers of one name',
      { teams: [team], consumers: [consumer, consumer] },
      undefined,
      ['tenants.consumers[1].name: "bot" is used twice (allowed: unique consumer names)'],
    ],
    [
      'an invalid budget duration',
      { teams: [{ ...team, budgetDuration: '30 days' }] },
      undefined,
      [`tenants.teams[0].budgetDuration: ${BUDGET_DURATION_PROBLEM}`],
    ],
    ...['12mo', '2mo', '0d', '0mo', 'monthly', '1y', '10000d'].map(
      (duration) =>
        [
          `a budget duration LiteLLM refuses or resets at once (${duration})`,
          { teams: [team], consumers: [{ ...consumer, maxBudgetUsd: 5, budgetDuration: duration }] },
          undefined,
          [`tenants.consumers[0].budgetDuration: ${BUDGET_DURATION_PROBLEM}`],
        ] as [string, unknown, unknown, string[]],
    ),
    [
      'a budget duration without a budget',
      { teams: [team], consumers: [{ ...consumer, budgetDuration: '1d' }] },
      undefined,
      ['tenants.consumers[0].budgetDuration: is set without maxBudgetUsd (a reset period needs a budget to reset)'],
    ],
    [
      'a consumer name with a dot (retired key aliases use one)',
      { teams: [team], consumers: [{ ...consumer, name: 'bot.v2' }] },
      undefined,
      ['tenants.consumers[0].name: is not a consumer name (lowercase letters, digits, -; 2 to 63 characters)'],
    ],
    [
      'a client id with the cognito provider',
      { teams: [team], consumers: [{ ...consumer, clientId: 'abc' }] },
      undefined,
      ['tenants.consumers[0].clientId: must be left out with the cognito provider (the stack creates the app client)'],
    ],
    [
      'an OIDC consumer without a client id',
      { teams: [team], consumers: [consumer] },
      oidcEdge,
      ["tenants.consumers[0].clientId: is required with the oidc provider (the client id the issuer puts in the consumer's tokens)"],
    ],
    [
      'two OIDC consumers with one client id',
      {
        teams: [team],
        consumers: [
          { ...consumer, clientId: 'app-1' },
          { name: 'etl', team: 'support', clientId: 'app-1' },
        ],
      },
      oidcEdge,
      ['tenants.consumers[1].clientId: "app-1" is used by two consumers (allowed: one consumer per client id)'],
    ],
    [
      'a tag key with upper case',
      { teams: [{ ...team, tags: { CostCentre: 'cc-1' } }] },
      undefined,
      ['tenants.teams[0].tags.CostCentre: is not a tag key (lowercase letters, digits, _ -; starts with a letter)'],
    ],
    [
      'a rotation period of a year and more',
      { keyRotationDays: 400 },
      undefined,
      ['tenants.keyRotationDays: is above 365 (allowed: 1 to 365 days)'],
    ],
    [
      'a consumer with an unknown field',
      { teams: [team], consumers: [{ ...consumer, budget: 5 }] },
      undefined,
      ['tenants.consumers[0]: unknown field "budget" (remove or fix the spelling)'],
    ],
  ])('rejects %s', (_what, tenants, edge, expected) => {
    expect(problemsOf(withTenants(tenants, edge))).toEqual(expected);
  });

  test('a fixed OIDC client id is refused in an ephemeral environment (its key secret would reuse a deleted name)', () => {
    const input = {
      ...withTenants({ teams: [team], consumers: [{ ...consumer, clientId: 'app-1' }] }, oidcEdge),
      ephemeral: true,
      deletionProtection: false,
    };
    expect(problemsOf(input)).toEqual([
      'tenants.consumers[0].clientId: cannot be fixed in an ephemeral environment (use the cognito provider, or ephemeral: false)',
    ]);
  });

  test("a declared consumer named open-webui is refused, with Open WebUI on or off: the name is its built-in key's", () => {
    const tenants = { teams: [team], consumers: [{ name: 'open-webui', team: 'support' }] };
    const message =
      'tenants.consumers[0].name: "open-webui" is reserved for Open WebUI\'s built-in key, which the platform issues itself when openWebUi.enabled (choose another name)';
    expect(problemsOf(withTenants(tenants))).toEqual([message]);
    expect(problemsOf({ ...withTenants(tenants), openWebUi: { enabled: true, team: 'support' } })).toEqual([message]);
  });

  test("Open WebUI's team needs a budget: the built-in key spends for every employee and has none of its own", () => {
    const { maxBudgetUsd: _budget, budgetDuration: _duration, ...unbudgeted } = team;
    const input = {
      ...withTenants({ teams: [team, { ...unbudgeted, name: 'employees' }] }),
      openWebUi: { enabled: true, team: 'employees' },
    };
    expect(problemsOf(input)).toEqual([
      "tenants.teams[1].maxBudgetUsd: is required: the team is openWebUi.team, and Open WebUI's built-in key spends for every employee within the team's budget",
    ]);
    expect(configProblems({ ...input, openWebUi: { enabled: false, team: 'employees' } })).toEqual([]);
    expect(configProblems({ ...input, openWebUi: { enabled: true, team: 'support' } })).toEqual([]);
  });

  test('the old edge.identity.consumers list is refused, not silently ignored', () => {
    expect(problemsOf({ ...withTenants(undefined), edge: { identity: { provider: 'cognito', consumers: ['bot'] } } })).toEqual([
      'edge.identity: unknown field "consumers" (remove or fix the spelling)',
    ]);
  });
});
