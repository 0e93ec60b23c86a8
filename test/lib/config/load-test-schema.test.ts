import { configProblems, problemsOf } from '../../support/config-problems';
import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';

const env = (loadTest: unknown, extra: object = {}): EnvironmentInput =>
  ({ name: 'test', ephemeral: true, region: 'us-east-1', loadTest, ...extra }) as EnvironmentInput;
const longLived = { ephemeral: false, deletionProtection: true };

describe('loadTest config', () => {
  test('serves no mock model unless an environment turns it on', () => {
    expect(parseEnvironment(env(undefined)).loadTest).toEqual({ mockModel: false, mockDelayMs: 50, allowInProduction: false });
  });

  test('dev serves the mock and grants it to platform-eng; prod serves none', () => {
    const dev = loadEnvironment('dev');
    expect(dev.loadTest.mockModel).toBe(true);
    expect(dev.tenants.teams.find((t) => t.name === 'platform-eng')!.models).toContain('load-mock');
    expect(loadEnvironment('prod').loadTest.mockModel).toBe(false);
  });

  test('a team may be granted the mock only while it is served', () => {
    const teams = { tenants: { teams: [{ name: 'perf', models: ['claude-sonnet-4', 'load-mock'] }] } };
    expect(configProblems(env({ mockModel: true }, teams))).toEqual([]);
    expect(problemsOf(env({ mockModel: false }, teams))).toEqual([
      'tenants.teams[0].models[1]: "load-mock" is not a configured model (allowed: claude-3-7-sonnet, claude-sonnet-4, claude-opus-4)',
    ]);
  });

  test('denies the mock in a long-lived environment unless asked for on purpose', () => {
    expect(problemsOf(env({ mockModel: true }, longLived))).toEqual([
      'loadTest.mockModel: is true in a non-ephemeral environment (allowed: false, or set loadTest.allowInProduction: true to load-test it on purpose)',
    ]);
    expect(configProblems(env({ mockModel: true, allowInProduction: true }, longLived))).toEqual([]);
  });

  test('denies a model group that would share the mock name, and a delay above ten seconds', () => {
    const models = [{ name: 'load-mock', deployments: [{ provider: 'bedrock', modelId: 'amazon.nova-pro-v1:0', region: 'us-east-1' }] }];
    expect(problemsOf(env({ mockModel: true, mockDelayMs: 10_001 }))).toEqual([
      'loadTest.mockDelayMs: is above 10000 (allowed: 0 to 10000 milliseconds)',
    ]);
    expect(problemsOf(env({ mockModel: true }, { models }))).toEqual([
      'models[0].name: "load-mock" is the mock model\'s name while loadTest.mockModel is true (choose another name)',
    ]);
  });
});
