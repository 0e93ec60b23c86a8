import { batchModelNames } from '../../../lib/config/batches-schema';
import { configProblems, problemsOf } from '../../support/config-problems';
import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';

const SONNET = 'anthropic.claude-sonnet-4-20250514-v1:0';
const east = { provider: 'bedrock', modelId: SONNET, inferenceProfile: 'us', region: 'us-east-1' };
const west = { ...east, region: 'us-west-2' };
const group = (name: string, extra: Record<string, unknown> = {}) => ({ name, deployments: [east], ...extra });
const withModels = (models: unknown, extra: Record<string, unknown> = {}): EnvironmentInput =>
  ({ name: 'test', ephemeral: true, region: 'us-east-1', models, ...extra }) as EnvironmentInput;

describe('models config', () => {
  test('defaults to one us-east-1 deployment per Claude group, each falling back to the previous generation', () => {
    const config = parseEnvironment(withModels(undefined));
    expect(config.modelGroups.map((g) => [g.name, g.deployments.length, g.fallbacks])).toEqual([
      ['claude-3-7-sonnet', 1, []],
      ['claude-sonnet-4', 1, ['claude-3-7-sonnet']],
      ['claude-opus-4', 1, ['claude-sonnet-4']],
    ]);
    expect(config.modelGroups[1]!.deployments[0]).toEqual({ ...east, weight: 1, standby: false });
  });

  test('hands every deployment on with the name of its group, in config order', () => {
    const config = parseEnvironment(withModels([group('sonnet', { deployments: [east, { ...west, standby: true }] })]));
    expect(config.models).toEqual([
      { name: 'sonnet', ...east, weight: 1, standby: false },
      { name: 'sonnet', ...west, weight: 1, standby: true },
    ]);
  });

  test('prod runs claude-sonnet-4 in us-east-1 and us-west-2 with a fallback group', () => {
    const prod = loadEnvironment('prod');
    const sonnet = prod.modelGroups.find((g) => g.name === 'claude-sonnet-4')!;
    expect(sonnet.deployments.map((d) => d.provider === 'bedrock' && d.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(sonnet.deployments.every((d) => !d.standby && d.weight > 0)).toBe(true);
    expect(sonnet.fallbacks).toEqual(['claude-3-7-sonnet']);
    expect(prod.modelGroups.map((g) => g.name)).toContain('claude-3-7-sonnet');
  });

  test("teams keep naming model groups (or the load kit's mock, or a batch copy, where it is served)", () => {
    for (const env of ['dev', 'prod']) {
      const config = loadEnvironment(env);
      const groups = [
        ...config.modelGroups.map((g) => g.name),
        ...(config.loadTest.mockModel ? ['load-mock'] : []),
        ...batchModelNames(config.batches),
      ];
      for (const team of config.tenants.teams) expect(groups).toEqual(expect.arrayContaining(team.models));
    }
  });

  test('routes with production defaults and leaves response caching off', () => {
    const config = parseEnvironment(withModels(undefined));
    expect(config.router).toEqual({
      strategy: 'simple-shuffle',
      numRetries: 2,
      retries: { rateLimit: 2, timeout: 0, badRequest: 0, contentPolicy: 0, authentication: 0, notFound: 0 },
      allowedFails: 3,
      allowedFailsPerError: { rateLimit: 2, timeout: 2, authentication: 1, badRequest: 1000, contentPolicy: 1000 },
      cooldownSeconds: 30,
    });
    expect(config.responseCache).toEqual({ enabled: false, mode: 'opt-in', ttlSeconds: 600, sharedAcrossTeams: false });
  });

  test('dev caches responses for requests that opt in', () => {
    expect(loadEnvironment('dev').responseCache).toEqual({ enabled: true, mode: 'opt-in', ttlSeconds: 300, sharedAcrossTeams: true });
  });
});

describe('models config rejects bad input with one exact message per problem', () => {
  test.each<[string, EnvironmentInput, string[]]>([
    [
      'a fallback to an unknown group',
      withModels([group('a', { fallbacks: ['gpt-5'] }), group('b')]),
      ['models[0].fallbacks[0]: "gpt-5" is not a model group (allowed: b)'],
    ],
    [
      'a context-window fallback to an unknown group',
      withModels([group('a', { contextWindowFallbacks: ['long'] }), group('b')]),
      ['models[0].contextWindowFallbacks[0]: "long" is not a model group (allowed: b)'],
    ],
    [
      'two groups falling back to each other',
      withModels([group('a', { fallbacks: ['b'] }), group('b', { fallbacks: ['a'] })]),
      ['models[0].fallbacks[0]: "b" leads back to "a" (a -> b -> a; allowed: fallback chains that end)'],
    ],
    [
      'a longer fallback cycle',
      withModels([group('a', { fallbacks: ['b'] }), group('b', { fallbacks: ['c'] }), group('c', { fallbacks: ['a'] })]),
      ['models[0].fallbacks[0]: "b" leads back to "a" (a -> b -> c -> a; allowed: fallback chains that end)'],
    ],
    [
      'a group falling back to itself',
      withModels([group('a', { fallbacks: ['a'] })]),
      ['models[0].fallbacks[0]: "a" is the group itself (allowed: other model groups)'],
    ],
    [
      'a fallback listed twice',
      withModels([group('a', { fallbacks: ['b', 'b'] }), group('b')]),
      ['models[0].fallbacks[1]: "b" is listed twice (allowed: each group once, in the order to try them)'],
    ],
    [
      'a weight of 0 on the only deployment',
      withModels([group('a', { deployments: [{ ...east, weight: 0 }] })]),
      [
        'models[0].deployments[0].weight: 0 on every active deployment leaves a nothing to send traffic to (allowed: a weight above 0 on at least one)',
      ],
    ],
    [
      'a group of standby deployments only',
      withModels([
        group('a', {
          deployments: [
            { ...east, standby: true },
            { ...west, standby: true },
          ],
        }),
      ]),
      ['models[0].deployments: has only standby deployments (allowed: at least one deployment with standby false)'],
    ],
    [
      'two groups with the same name',
      withModels([
        group('claude'),
        group('claude', { deployments: [{ provider: 'gemini', model: 'gemini-2.5-pro', apiKeySecretName: 'g' }] }),
      ]),
      ['models[1].name: "claude" is used twice (allowed: unique model names)'],
    ],
    [
      'the same deployment twice in a group',
      withModels([group('a', { deployments: [east, { ...east, weight: 3 }] })]),
      ['models[0].deployments[1]: repeats deployment 0 (same provider, model, region and account; raise its weight instead)'],
    ],
    [
      'two API key secrets in one group',
      withModels([
        group('gpt', {
          deployments: [
            {
              provider: 'azure',
              deployment: 'gpt-4o',
              apiBase: 'https://east.openai.azure.com',
              apiVersion: '2024-10-21',
              apiKeySecretName: 'az-east',
            },
            {
              provider: 'azure',
              deployment: 'gpt-4o',
              apiBase: 'https://west.openai.azure.com',
              apiVersion: '2024-10-21',
              apiKeySecretName: 'az-west',
            },
          ],
        }),
      ]),
      [
        'models[0].deployments[1].apiKeySecretName: "az-west" differs from "az-east" of deployment 0 (allowed: one API key secret per model group; put the other endpoint in a group of its own and list it in fallbacks)',
      ],
    ],
    [
      'a group without deployments',
      withModels([group('a', { deployments: [] })]),
      ['models[0].deployments: needs at least one deployment'],
    ],
    [
      'a provider LiteLLM is not configured for here',
      withModels([group('gpt', { deployments: [{ provider: 'openai', model: 'gpt-4o' }] })]),
      ['models[0].deployments[0].provider: "openai" is not allowed (allowed: "bedrock", "azure", "gemini")'],
    ],
    [
      'a cache TTL of 0',
      withModels(undefined, { responseCache: { enabled: true, ttlSeconds: 0 } }),
      ['responseCache.ttlSeconds: is below 1 (allowed: 1 to 86400 seconds)'],
    ],
    [
      'a cache TTL above a day',
      withModels(undefined, { responseCache: { enabled: true, ttlSeconds: 86_401 } }),
      ['responseCache.ttlSeconds: is above 86400 (allowed: 1 to 86400 seconds)'],
    ],
    [
      'a response cache two teams would share: refused once per shared model group',
      withModels([group('sonnet'), group('haiku')], {
        responseCache: { enabled: true },
        tenants: {
          teams: [
            { name: 'finance', models: ['sonnet', 'haiku'] },
            { name: 'legal', models: ['sonnet'] },
            { name: 'hr', models: ['haiku'] },
          ],
        },
      }),
      [
        "responseCache.enabled: teams finance, legal can all call sonnet, and LiteLLM's cache key leaves out the team: one would be served another's cached answers (give each team its own models, or set responseCache.sharedAcrossTeams: true to accept it)",
        "responseCache.enabled: teams finance, hr can all call haiku, and LiteLLM's cache key leaves out the team: one would be served another's cached answers (give each team its own models, or set responseCache.sharedAcrossTeams: true to accept it)",
      ],
    ],
    [
      'a routing strategy LiteLLM does not have',
      withModels(undefined, { router: { strategy: 'round-robin' } }),
      [
        'router.strategy: "round-robin" is not allowed (allowed: "simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing-v2")',
      ],
    ],
    [
      'an allowance of 0 failures, which LiteLLM would read as unset',
      withModels(undefined, { router: { allowedFailsPerError: { rateLimit: 0 } } }),
      ['router.allowedFailsPerError.rateLimit: must be at least 1 (LiteLLM reads 0 as unset)'],
    ],
    [
      'a cool-down above an hour',
      withModels(undefined, { router: { cooldownSeconds: 7200 } }),
      ['router.cooldownSeconds: is above 3600 (allowed: 1 to 3600 seconds)'],
    ],
  ])('%s', (_what, input, problems) => {
    expect(problemsOf(input)).toEqual(problems);
  });
});

describe('response cache across teams', () => {
  const teams = (...list: { name: string; models: string[]; guardrail?: string }[]) => ({ teams: list });
  const models = [group('sonnet'), group('haiku')];

  test.each([
    ['off', { enabled: false }, teams({ name: 'a1', models: ['sonnet'] }, { name: 'b1', models: ['sonnet'] })],
    ['each team with models of its own', { enabled: true }, teams({ name: 'a1', models: ['sonnet'] }, { name: 'b1', models: ['haiku'] })],
    [
      'shared knowingly',
      { enabled: true, sharedAcrossTeams: true },
      teams({ name: 'a1', models: ['sonnet'] }, { name: 'b1', models: ['sonnet'] }),
    ],
  ])('allows a cache %s', (_what, responseCache, tenants) => {
    expect(configProblems(withModels(models, { responseCache, tenants }))).toEqual([]);
  });

  test('a guarded team calls guarded copies, groups of their own, so it shares no entry with an unguarded team', () => {
    const guardrails = [{ name: 'strict', contentFilters: { hate: 'HIGH' } }];
    const input = withModels(models, {
      responseCache: { enabled: true },
      guardrails,
      tenants: teams({ name: 'a1', models: ['sonnet'], guardrail: 'strict' }, { name: 'b1', models: ['sonnet'] }),
    });
    expect(configProblems(input)).toEqual([]);
  });
});
