import { loadEnvironment } from '../../lib/config/load-config';
import { BUDGET_DURATION } from '../../lib/config/tenants-schema';

describe('LiteLLM contract: budgets declared in the tenants config', () => {
  test('LiteLLM budget durations are a count and one of s, m, h, d, w or mo; the config accepts exactly those', () => {
    // Source: BerriAI/litellm litellm/litellm_core_utils/duration_parser.py (`duration_in_seconds`, main line read
    // 2026-11-29 through the code index; the v1.108.12 tag itself could not be read). Its pattern matches a
    // leading count and an optional unit at the start of the string only, so "30 days" would be read as 30
    // seconds: the config refuses anything but the exact form.
    for (const ok of ['30s', '15m', '1h', '30d', '2w', '1mo', '12mo']) expect(BUDGET_DURATION.test(ok)).toBe(true);
    for (const bad of ['30 days', '1y', '0d', 'monthly', 'd', '30', '1.5d']) expect(BUDGET_DURATION.test(bad)).toBe(false);
    const durations = ['dev', 'prod'].flatMap((env) => {
      const { teams, consumers } = loadEnvironment(env).tenants;
      return [...teams, ...consumers].flatMap((t) => (t.budgetDuration ? [t.budgetDuration] : []));
    });
    expect(durations.length).toBeGreaterThan(0);
    for (const duration of durations) expect(duration).toMatch(BUDGET_DURATION);
  });
});
