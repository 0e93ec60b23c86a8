import { configProblems, problemsOf } from '../../support/config-problems';
import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import { PII_ENTITY_TYPES } from '../../../lib/config/guardrails-schema';
import type { EnvironmentInput } from '../../../lib/config/schema';

const strict = { name: 'strict', contentFilters: { hate: 'HIGH', promptAttack: 'HIGH' } };
const team = (guardrail?: string) => ({ name: 'support', models: ['claude-sonnet-4'], ...(guardrail ? { guardrail } : {}) });
const withGuardrails = (guardrails: unknown, teams: unknown[] = [], extra: object = {}): EnvironmentInput =>
  ({ name: 'test', ephemeral: true, region: 'us-east-1', guardrails, tenants: { teams }, ...extra }) as EnvironmentInput;

describe('guardrails config', () => {
  test('declares no guardrail and gives no team one unless an environment does', () => {
    const config = parseEnvironment(withGuardrails(undefined, [team()]));
    expect(config.guardrails).toEqual([]);
    expect(config.tenants.teams[0]!.guardrail).toBeUndefined();
  });

  test('fills in the messages, the unset filter strengths and the empty policies', () => {
    const config = parseEnvironment(withGuardrails([strict], [team('strict')]));
    expect(config.guardrails[0]).toEqual({
      name: 'strict',
      blockedInputMessage: 'This request was refused by the content policy of the AI gateway.',
      blockedOutputMessage: 'The answer was withheld by the content policy of the AI gateway.',
      contentFilters: { hate: 'HIGH', insults: 'NONE', sexual: 'NONE', violence: 'NONE', misconduct: 'NONE', promptAttack: 'HIGH' },
      deniedTopics: [],
      pii: [],
      words: [],
      profanity: false,
    });
    expect(config.tenants.teams[0]!.guardrail).toBe('strict');
  });

  test('accepts denied topics with examples, PII to block or anonymize, words and profanity', () => {
    const full = {
      name: 'full',
      deniedTopics: [{ name: 'Investment advice', definition: 'Advice on securities.', examples: ['Which stock should I buy?'] }],
      pii: [
        { type: 'EMAIL', action: 'anonymize' },
        { type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'block' },
      ],
      words: ['project-falcon'],
      profanity: true,
    };
    expect(configProblems(withGuardrails([full], [team('full')]))).toEqual([]);
  });

  test('prod gives its customer-facing team a guardrail that filters, denies a topic and blocks card numbers', () => {
    const prod = loadEnvironment('prod');
    expect(prod.tenants.teams.find((t) => t.name === 'customer-support')!.guardrail).toBe('customer-facing');
    const g = prod.guardrails.find((x) => x.name === 'customer-facing')!;
    expect(g.deniedTopics.map((t) => t.name)).toEqual(['Investment advice']);
    expect(g.pii).toContainEqual({ type: 'CREDIT_DEBIT_CARD_NUMBER', action: 'block' });
  });

  test('denies when a team names a guardrail that is not declared', () => {
    expect(problemsOf(withGuardrails([strict], [team('lenient')]))).toEqual([
      'tenants.teams[0].guardrail: "lenient" is not a declared guardrail (allowed: strict)',
    ]);
    expect(problemsOf(withGuardrails([], [team('strict')]))).toEqual([
      'tenants.teams[0].guardrail: "strict" is not a declared guardrail (allowed: none declared in guardrails)',
    ]);
  });

  test('denies a guardrail that checks nothing, since it would look like a control and stop nothing', () => {
    expect(problemsOf(withGuardrails([{ name: 'empty', contentFilters: { hate: 'NONE' } }]))).toEqual([
      'guardrails[0]: checks nothing (allowed: at least one of contentFilters above NONE, deniedTopics, pii, words or profanity: true)',
    ]);
  });

  test('denies duplicate guardrail names, topics and PII types', () => {
    const twice = {
      ...strict,
      deniedTopics: [
        { name: 'Gambling', definition: 'Betting.' },
        { name: 'gambling', definition: 'Betting again.' },
      ],
      pii: [
        { type: 'EMAIL', action: 'block' },
        { type: 'EMAIL', action: 'anonymize' },
      ],
    };
    expect(problemsOf(withGuardrails([strict, twice]))).toEqual([
      'guardrails[1].name: "strict" is used twice (allowed: unique guardrail names)',
      'guardrails[1].deniedTopics[1].name: "gambling" is used twice',
      'guardrails[1].pii[1].type: EMAIL is listed twice (allowed: one action per type)',
    ]);
  });

  test("denies values Bedrock would refuse at deploy time, with Bedrock's limits", () => {
    const bad = {
      name: 'Bad_Name',
      contentFilters: { hate: 'EXTREME' },
      deniedTopics: [{ name: 'topic/with/slashes', definition: 'x'.repeat(201), examples: ['a', 'b', 'c', 'd', 'e', 'f'] }],
      pii: [{ type: 'SHOE_SIZE', action: 'block' }],
      words: ['w'.repeat(101)],
      blockedInputMessage: 'm'.repeat(501),
    };
    const problems = problemsOf(withGuardrails([bad]));
    expect(problems).toEqual(
      expect.arrayContaining([
        'guardrails[0].name: is not a guardrail name (lowercase letters, digits, -; starts with a letter; 2 to 32 characters)',
        'guardrails[0].blockedInputMessage: is longer than 500 characters',
        'guardrails[0].deniedTopics[0].name: is not a topic name (1 to 100 letters, digits, spaces or - _ ! ? .)',
        'guardrails[0].deniedTopics[0].definition: is longer than 200 characters',
        'guardrails[0].deniedTopics[0].examples: has more than 5 examples (Bedrock keeps at most 5 per topic)',
        'guardrails[0].words[0]: is longer than 100 characters',
      ]),
    );
    expect(problems).toContain('guardrails[0].contentFilters.hate: "EXTREME" is not allowed (allowed: "NONE", "LOW", "MEDIUM", "HIGH")');
    expect(problems).toContain(
      `guardrails[0].pii[0].type: "SHOE_SIZE" is not allowed (allowed: ${PII_ENTITY_TYPES.map((t) => `"${t}"`).join(', ')})`,
    );
  });

  test('denies a model group named like a guarded copy, which could stand in for one', () => {
    const models = [
      { name: 'claude.guard-strict', deployments: [{ provider: 'bedrock', modelId: 'anthropic.claude-x-v1:0', region: 'us-east-1' }] },
    ];
    expect(problemsOf(withGuardrails([strict], [], { models }))).toEqual([
      'models[0].name: "claude.guard-strict" contains ".guard-", which names the guarded copies of models (choose another name)',
    ]);
  });

  test("denies a guardrail on Open WebUI's team, whose model names are the unguarded ones", () => {
    const input = withGuardrails([strict], [{ ...team('strict'), maxBudgetUsd: 10 }], { openWebUi: { enabled: true, team: 'support' } });
    expect(problemsOf(input)).toContain(
      'tenants.teams[0].guardrail: is not supported on openWebUi.team yet (choose a guardrail for API teams only)',
    );
  });
});
