import { builtinConsumersFor } from '../../constructs/tenants';
import { desiredKeyFields, desiredTeamFields } from '../../lambda/tenants-reconciler/plan';
import { loadEnvironment, parseEnvironment } from '../../lib/config/load-config';
import { BUDGET_DURATION } from '../../lib/config/tenants-schema';
import { configProblems } from '../support/config-problems';
import { parseDesiredTenants } from '../../lambda/tenants/desired-state';

const desiredWith = (budgetDuration: string) =>
  JSON.stringify({
    environment: 'dev',
    teams: [{ alias: 'research', models: ['m'], tags: {}, maxBudgetUsd: 10, budgetDuration }],
    consumers: [],
  });

describe('LiteLLM contract: budgets declared in the tenants config', () => {
  test('LiteLLM budget durations are a count and one of s, m, h, d or w, or 1mo; the config and the reconciler accept exactly those', () => {
    // Source: BerriAI/litellm litellm/litellm_core_utils/duration_parser.py (main-line copies read 2026-11-29 and,
    // the budget reset, 2026-12-06 through the code index; the v1.108.12 tag itself could not be read).
    // duration_in_seconds matches a leading count and an optional unit at the start of the string only, so
    // "30 days" would be read as 30 seconds. get_next_standardized_reset_time, which sets budget_reset_at when a key
    // or team gets a budget_duration, raises "Monthly resets currently only support 1 month intervals" for any
    // month count but 1 (so 2mo..12mo fail the call that sets them), answers "now" for a count of 0 (the budget
    // would reset on every check), and maps the words hourly/daily/weekly/monthly to other durations. The config
    // refuses anything but the exact forms it accepts.
    for (const ok of ['30s', '15m', '1h', '30d', '2w', '1mo', '9999d']) expect([ok, BUDGET_DURATION.test(ok)]).toEqual([ok, true]);
    for (const bad of ['30 days', '1y', '0d', '0mo', '2mo', '12mo', 'monthly', 'd', '30', '1.5d', '01d']) {
      expect([bad, BUDGET_DURATION.test(bad)]).toEqual([bad, false]);
      expect(() => parseDesiredTenants(desiredWith(bad))).toThrow(
        'DesiredTenants: teams.0.budgetDuration: a LiteLLM duration such as 30d or 1mo',
      );
    }
    const durations = ['dev', 'prod'].flatMap((env) => {
      const { teams, consumers } = loadEnvironment(env).tenants;
      return [...teams, ...consumers].flatMap((t) => (t.budgetDuration ? [t.budgetDuration] : []));
    });
    expect(durations.length).toBeGreaterThan(0);
    for (const duration of durations) expect(duration).toMatch(BUDGET_DURATION);
  });

  test("LiteLLM holds a team's keys to the team's models and max_budget, so Open WebUI's built-in key, with no budget of its own, spends within its team's", () => {
    // Source: BerriAI/litellm litellm/proxy/auth/auth_checks.py, common_checks (main line at commit 000d819620d6,
    // read 2026-11-29; the v1.108.12 tag could not be read): for a key bound to a team it refuses a model the team
    // may not use (step 2, can_team_access_model) and, unless the model is free, raises BudgetExceededError once the
    // team's spend passes its max_budget (step 3, _team_max_budget_check), whatever the key's own budget.
    const input = {
      name: 'test',
      region: 'us-east-1',
      ephemeral: true,
      tenants: { teams: [{ name: 'employees', models: ['claude-sonnet-4'], maxBudgetUsd: 20, budgetDuration: '30d' }] },
      openWebUi: { enabled: true, team: 'employees' },
    };
    const config = parseEnvironment(input);
    const [builtin] = builtinConsumersFor(config.openWebUi);
    const team = { alias: 'employees', models: ['claude-sonnet-4'], tags: {}, maxBudgetUsd: 20, budgetDuration: '30d' };
    const key = desiredKeyFields('test', { name: builtin!.name, team: builtin!.team, secretArn: 'arn', tags: {} }, team);
    expect(key).toMatchObject({ team: 'employees', models: [], max_budget: null, budget_duration: null });
    expect(desiredTeamFields('test', team)).toMatchObject({ models: ['claude-sonnet-4'], max_budget: 20, budget_duration: '30d' });
    // So the team must have a budget: the config refuses Open WebUI's team without one.
    const { maxBudgetUsd: _budget, budgetDuration: _duration, ...unbudgeted } = input.tenants.teams[0]!;
    expect(configProblems({ ...input, tenants: { teams: [unbudgeted] } })).toHaveLength(1);
  });
});
