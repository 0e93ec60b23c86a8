import { configProblems, problemsOf } from '../../support/config-problems';
import { loadEnvironment, parseEnvironment } from '../../../lib/config/load-config';
import type { EnvironmentInput } from '../../../lib/config/schema';
import { batchDeployments } from '../../../lib/data-stack';

const env = (batches: unknown, extra: object = {}): EnvironmentInput =>
  ({ name: 'test', ephemeral: true, region: 'us-east-1', batches, ...extra }) as EnvironmentInput;
const on = (models: string[], extra: object = {}) => ({ enabled: true, models, ...extra });
const bedrock = (region = 'us-east-1', extra: object = {}) => ({
  provider: 'bedrock',
  modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  region,
  ...extra,
});
const group = (name: string, ...deployments: object[]) => ({ name, deployments });

describe('batches config', () => {
  test('runs no batch jobs unless an environment turns them on, and keeps files a week by default', () => {
    expect(parseEnvironment(env(undefined)).batches).toEqual({ enabled: false, models: [], retentionDays: 7 });
  });

  test('dev and prod run claude-sonnet-4 as batch jobs; dev grants the copy to platform-eng, prod to data-analytics only', () => {
    const dev = loadEnvironment('dev');
    expect(dev.batches).toEqual({ enabled: true, models: ['claude-sonnet-4'], retentionDays: 3 });
    expect(dev.tenants.teams.filter((t) => t.models.includes('claude-sonnet-4-batch')).map((t) => t.name)).toEqual(['platform-eng']);
    const prod = loadEnvironment('prod');
    expect(prod.batches).toEqual({ enabled: true, models: ['claude-sonnet-4'], retentionDays: 7 });
    expect(prod.tenants.teams.filter((t) => t.models.includes('claude-sonnet-4-batch')).map((t) => t.name)).toEqual(['data-analytics']);
  });

  test('a team may be granted a batch copy only while batches run for its group', () => {
    const teams = { tenants: { teams: [{ name: 'data', models: ['claude-sonnet-4', 'claude-sonnet-4-batch'] }] } };
    expect(configProblems(env(on(['claude-sonnet-4']), teams))).toEqual([]);
    expect(problemsOf(env(undefined, teams))).toEqual([
      'tenants.teams[0].models[1]: "claude-sonnet-4-batch" is not a configured model (allowed: claude-3-7-sonnet, claude-sonnet-4, claude-opus-4)',
    ]);
  });

  test('denies batches turned on for no group, groups listed while off, twice, or unknown', () => {
    expect(problemsOf(env(on([])))).toEqual(['batches.models: is empty while enabled is true (allowed: at least one model group name)']);
    expect(problemsOf(env({ models: ['claude-sonnet-4'] }))).toEqual([
      'batches.models: lists model groups while enabled is false (allowed: [] or enabled: true)',
    ]);
    expect(problemsOf(env(on(['claude-sonnet-4', 'claude-sonnet-4', 'gpt-5'])))).toEqual([
      'batches.models[1]: "claude-sonnet-4" is listed twice (allowed: each model group once)',
      'batches.models[2]: "gpt-5" is not a model group (allowed: claude-3-7-sonnet, claude-sonnet-4, claude-opus-4)',
    ]);
  });

  test('denies a group with no deployment LiteLLM can run a Bedrock batch job for here', () => {
    const models = [
      group('azure-gpt', {
        provider: 'azure',
        deployment: 'gpt-4o',
        apiBase: 'https://res.openai.azure.com',
        apiVersion: '2024-10-21',
        apiKeySecretName: 'azure-key',
      }),
      group('haiku-eu', bedrock('eu-west-1')),
      group('haiku-other-account', bedrock('us-east-1', { crossAccountRoleArn: 'arn:aws:iam::222222222222:role/bedrock' })),
    ];
    const reason =
      "has no deployment that can run batch jobs (allowed: a group with at least one bedrock deployment in the environment's region us-east-1 and account)";
    expect(problemsOf(env(on(['azure-gpt', 'haiku-eu', 'haiku-other-account']), { models }))).toEqual([
      `batches.models[0]: "azure-gpt" ${reason}`,
      `batches.models[1]: "haiku-eu" ${reason}`,
      `batches.models[2]: "haiku-other-account" ${reason}`,
    ]);
  });

  test('allows a group served from several regions: its batch copy is made of the in-region, own-account deployments', () => {
    const models = [
      group(
        'haiku',
        bedrock('us-east-1'),
        bedrock('us-west-2'),
        bedrock('us-east-1', { crossAccountRoleArn: 'arn:aws:iam::222222222222:role/bedrock' }),
      ),
    ];
    const config = parseEnvironment(env(on(['haiku']), { models }));
    expect(batchDeployments(config).map((d) => [d.region, d.crossAccountRoleArn])).toEqual([['us-east-1', undefined]]);
  });

  test('denies a batch group whose batch copy name is already a model group', () => {
    const models = [group('haiku', bedrock()), group('haiku-batch', bedrock('us-east-1', { modelId: 'amazon.nova-pro-v1:0' }))];
    expect(problemsOf(env(on(['haiku']), { models }))).toEqual([
      'batches.models[0]: "haiku" would get the batch copy "haiku-batch", which is already a model group (rename that group)',
    ]);
  });

  test('denies a batch model to a team behind a guardrail: its records would skip the guardrail', () => {
    const guardrails = [{ name: 'strict', contentFilters: { hate: 'HIGH', promptAttack: 'HIGH' } }];
    const teams = { tenants: { teams: [{ name: 'data', models: ['claude-sonnet-4-batch'], guardrail: 'strict' }] } };
    expect(problemsOf(env(on(['claude-sonnet-4']), { ...teams, guardrails }))).toEqual([
      'tenants.teams[0].models[0]: "claude-sonnet-4-batch" is a batch model, and team data has guardrail strict: batch jobs skip the guardrail (allowed: no batch models for a guarded team)',
    ]);
  });

  test.each([
    [0, 'batches.retentionDays: is below 1 (allowed: 1 to 365 days)'],
    [366, 'batches.retentionDays: is above 365 (allowed: 1 to 365 days)'],
  ])('denies a retention of %d days', (retentionDays, problem) => {
    expect(problemsOf(env(on(['claude-sonnet-4'], { retentionDays })))).toEqual([problem]);
  });
});
