import { Stack } from 'aws-cdk-lib';
import { buildLiteLlmConfig } from '../../k8s/renderers/litellm-config';
import { applicationProfileStatements, BEDROCK_INVOKE_ACTIONS, bedrockInvokeStatements, bedrockModelArns } from '../../lib/bedrock-access';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { loadEnvironment } from '../../lib/config/load-config';
import { responseCacheSchema, routerSchema } from '../../lib/config/models-schema';
import type { ModelConfig } from '../../lib/config/schema';
import { synthEnvironment } from '../support/app';

const scope = { partition: 'aws', account: '123456789012' };
const resolve = (models: ModelConfig[]) => new Stack().resolve(bedrockInvokeStatements(models, scope).map((s) => s.toStatementJson()));

describe('bedrockInvokeStatements', () => {
  test.each<[string, ModelConfig, string[]]>([
    [
      'a model called in its own region',
      { provider: 'bedrock', name: 'haiku', modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'eu-west-1' },
      ['arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0'],
    ],
    [
      'a cross-region inference profile',
      {
        provider: 'bedrock',
        name: 'sonnet',
        modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
        region: 'us-east-1',
        inferenceProfile: 'us',
      },
      [
        'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
        'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
      ],
    ],
  ])('allows invoking %s and nothing else', (_what, model, resources) => {
    expect(resolve([model])).toEqual([
      {
        Sid: 'InvokeConfiguredModels',
        Effect: 'Allow',
        Action: [...BEDROCK_INVOKE_ACTIONS],
        Resource: resources.length === 1 ? resources[0] : resources,
      },
    ]);
  });

  test('assumes the cross-account role instead of invoking that model', () => {
    const model: ModelConfig = {
      provider: 'bedrock',
      name: 'remote',
      modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
      region: 'us-west-2',
      crossAccountRoleArn: 'arn:aws:iam::210987654321:role/Bedrock',
    };
    expect(resolve([model])).toEqual([
      {
        Sid: 'AssumeCrossAccountBedrockRoles',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: 'arn:aws:iam::210987654321:role/Bedrock',
      },
    ]);
  });

  test('grants nothing for models of other providers', () => {
    expect(resolve([{ provider: 'gemini', name: 'gemini', model: 'gemini-2.5-pro', apiKeySecretName: 'genai/gemini' }])).toEqual([]);
  });

  test('lists each resource once when two names share a model', () => {
    const model: ModelConfig = { provider: 'bedrock', name: 'a', modelId: 'amazon.nova-pro-v1:0', region: 'us-east-1' };
    expect(resolve([model, { ...model, name: 'b' }])[0].Resource).toBe('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0');
  });

  test('grows by exactly one inference profile when a group gains a second region, standby or not', () => {
    const east: ModelConfig = {
      provider: 'bedrock',
      name: 'sonnet',
      modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
      region: 'us-east-1',
      inferenceProfile: 'us',
    };
    const before = resolve([east])[0].Resource as string[];
    for (const west of [
      { ...east, region: 'us-west-2' },
      { ...east, region: 'us-west-2', standby: true },
    ]) {
      const after = resolve([east, west])[0].Resource as string[];
      expect(after.filter((r) => !before.includes(r))).toEqual([
        'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
      ]);
      expect(before.every((r) => after.includes(r))).toBe(true);
    }
  });

  test('prod grants both regions of claude-sonnet-4 and nothing for a region it does not use', () => {
    const prod = loadEnvironment('prod');
    const statements = resolve(prod.models) as { Resource: string | string[] }[];
    const resources = statements.flatMap((s) => [s.Resource].flat());
    for (const region of ['us-east-1', 'us-west-2']) {
      expect(resources).toContain(`arn:aws:bedrock:${region}:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0`);
    }
    expect(resources.filter((r) => /:(eu|ap)-/.test(r))).toEqual([]);
  });

  test('never uses a wildcard action', () => {
    for (const action of BEDROCK_INVOKE_ACTIONS) expect(action).not.toContain('*');
  });
});

/**
 * What LiteLLM calls, read from its rendered config.yaml rather than from lib/bedrock-access: a
 * `bedrock/<id>` model in `aws_region_name`, either a cross-region inference profile id (`<geo>.<model>`,
 * which Bedrock serves from the foundation model in the profile's destination regions) or a foundation model
 * id; a model with `aws_role_name` is called through that role instead.
 */
function litellmBedrockCalls(models: ModelConfig[], environment: string, applicationProfileRegion?: string) {
  const config = buildLiteLlmConfig({
    environment,
    models,
    modelGroups: [],
    router: routerSchema.parse({}),
    responseCache: responseCacheSchema.parse({}),
    ...(applicationProfileRegion ? { applicationProfileRegion } : {}),
  }) as { model_list: { litellm_params: Record<string, string> }[] };
  const invoke = new Set<string>();
  const assume = new Set<string>();
  const throughProfiles = new Set<string>();
  for (const { litellm_params: p } of config.model_list) {
    if (!p.model?.startsWith('bedrock/')) continue;
    if (p.aws_role_name) {
      assume.add(p.aws_role_name);
      continue;
    }
    const id = p.model.slice('bedrock/'.length);
    const profile = /^(us|eu|apac|global)\.(.+)$/.exec(id);
    if (p.model_id) {
      // Called by its application profile's ARN: the profile (named here by what it copies) and, only through
      // it, the foundation model behind it.
      throughProfiles.add(
        profile
          ? `profile of arn:aws:bedrock:${p.aws_region_name}:123456789012:inference-profile/${id}`
          : `profile of arn:aws:bedrock:${p.aws_region_name}::foundation-model/${id}`,
      );
      throughProfiles.add(
        `only through a profile: arn:aws:bedrock:${profile ? '*' : p.aws_region_name}::foundation-model/${profile ? profile[2] : id}`,
      );
    } else if (profile) {
      invoke.add(`arn:aws:bedrock:${p.aws_region_name}:123456789012:inference-profile/${id}`);
      // Bedrock picks the destination region, so the model ARN leaves the region open (and only the region).
      invoke.add(`arn:aws:bedrock:*::foundation-model/${profile[2]}`);
    } else {
      invoke.add(`arn:aws:bedrock:${p.aws_region_name}::foundation-model/${id}`);
    }
  }
  return { invoke: [...invoke].sort(), assume: [...assume].sort(), throughProfiles: [...throughProfiles].sort() };
}

/** Resolves the pseudo-parameter joins CDK writes into policy ARNs. */
function resolveArn(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(resolveArn).join(join[0]);
  const ref = (value as { Ref?: string }).Ref;
  if (ref === 'AWS::Partition') return 'aws';
  if (ref === 'AWS::AccountId') return '123456789012';
  throw new Error(`unexpected token in an ARN: ${JSON.stringify(value)}`);
}

/**
 * What the platform stack's policy on the LiteLLM role allows: each application profile (named by what it copies)
 * and the foundation models only under a `bedrock:InferenceProfileArn` condition listing exactly those profiles.
 */
function litellmProfileGrants(name: string): string[] {
  const { cluster, platform } = synthEnvironment(name).templates;
  const roleId = Object.keys(cluster.findResources('AWS::IAM::Role')).find((id) => id.startsWith('LitellmServiceAccount'));
  const profiles = platform.findResources('AWS::Bedrock::ApplicationInferenceProfile');
  const profileArn = (value: unknown): string => {
    const [id, attribute] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
    expect(attribute).toBe('InferenceProfileArn');
    return `profile of ${resolveArn(profiles[id]!.Properties.ModelSource.CopyFrom)}`;
  };
  const policies = Object.values(platform.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles).includes(roleId!.slice(0, 'LitellmServiceAccount'.length)),
  );
  const grants = new Set<string>();
  for (const s of policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, unknown>[])) {
    expect([s.Action].flat().sort()).toEqual([...BEDROCK_INVOKE_ACTIONS].sort());
    const condition = (s.Condition as { StringEquals?: Record<string, unknown> } | undefined)?.StringEquals?.[
      'bedrock:InferenceProfileArn'
    ];
    if (condition === undefined) {
      [s.Resource].flat().forEach((r) => grants.add(profileArn(r)));
    } else {
      // Exactly the environment's profiles, no other.
      expect([condition].flat().map(profileArn).sort()).toEqual(
        Object.keys(profiles)
          .map((id) => profileArn({ 'Fn::GetAtt': [id, 'InferenceProfileArn'] }))
          .sort(),
      );
      [s.Resource].flat().forEach((r) => grants.add(`only through a profile: ${resolveArn(r)}`));
    }
  }
  return [...grants].sort();
}

/** Actions and resources the LiteLLM service-account role is allowed, from the synthesized cluster stack. */
function litellmRoleGrants(name: string): { invoke: string[]; assume: string[]; applyGuardrail: string[]; throughProfiles: string[] } {
  const cluster = synthEnvironment(name).templates.cluster;
  const roleIds = Object.keys(cluster.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('LitellmServiceAccount'));
  expect(roleIds).toHaveLength(1);
  const statements = Object.values(cluster.findResources('AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleIds[0]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const grants = { invoke: new Set<string>(), assume: new Set<string>(), applyGuardrail: new Set<string>() };
  const guardrails = cluster.findResources('AWS::Bedrock::Guardrail');
  for (const s of statements) {
    const actions = [s.Action].flat();
    if (actions.includes('bedrock:ApplyGuardrail')) {
      // Only ApplyGuardrail, and only on guardrails of this stack (named by their Name).
      expect(actions).toEqual(['bedrock:ApplyGuardrail']);
      for (const r of [s.Resource].flat() as { 'Fn::GetAtt': [string, string] }[]) {
        expect(r['Fn::GetAtt'][1]).toBe('GuardrailArn');
        grants.applyGuardrail.add(guardrails[r['Fn::GetAtt'][0]]!.Properties.Name as string);
      }
      continue;
    }
    const resources = [s.Resource].flat().map(resolveArn);
    if (actions.some((a) => a.startsWith('bedrock:'))) {
      expect(actions.sort()).toEqual([...BEDROCK_INVOKE_ACTIONS].sort());
      resources.forEach((r) => grants.invoke.add(r));
    } else if (actions.includes('sts:AssumeRole')) {
      resources.forEach((r) => grants.assume.add(r));
    }
  }
  return {
    invoke: [...grants.invoke].sort(),
    assume: [...grants.assume].sort(),
    applyGuardrail: [...grants.applyGuardrail].sort(),
    throughProfiles: litellmProfileGrants(name),
  };
}

describe('the LiteLLM role may invoke exactly what LiteLLM is configured to call', () => {
  test.each(Object.keys(ENVIRONMENTS))('in the %s environment, for every model', (name) => {
    const config = loadEnvironment(name);
    const calls = litellmBedrockCalls(config.models, config.name, config.region);
    expect(calls.throughProfiles.length).toBeGreaterThan(0);
    // ApplyGuardrail on exactly the configured guardrails (checked whatever model a guarded team calls).
    const applyGuardrail = config.guardrails.map((g) => `${config.name}-${g.name}`).sort();
    expect(litellmRoleGrants(name)).toEqual({ ...calls, applyGuardrail });
  });

  test('for a mix of in-region, inference-profile, cross-account and non-Bedrock models', () => {
    const models: ModelConfig[] = [
      { provider: 'bedrock', name: 'haiku', modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', region: 'eu-west-1' },
      {
        provider: 'bedrock',
        name: 'sonnet',
        modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
        region: 'eu-central-1',
        inferenceProfile: 'eu',
      },
      { provider: 'bedrock', name: 'nova', modelId: 'amazon.nova-pro-v1:0', region: 'us-east-1', inferenceProfile: 'global' },
      {
        provider: 'bedrock',
        name: 'remote',
        modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
        region: 'us-west-2',
        crossAccountRoleArn: 'arn:aws:iam::210987654321:role/Bedrock',
      },
      { provider: 'gemini', name: 'gemini', model: 'gemini-2.5-pro', apiKeySecretName: 'genai/gemini' },
    ];
    const statements = resolve(models) as { Action: string | string[]; Resource: unknown }[];
    const granted = (action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .flatMap((s) => [s.Resource].flat().map(resolveArn))
        .sort();
    expect({ invoke: granted('bedrock:InvokeModel'), assume: granted('sts:AssumeRole'), throughProfiles: [] }).toEqual(
      litellmBedrockCalls(models, 'test'),
    );
  });
});

describe('applicationProfileStatements', () => {
  const sonnet: ModelConfig = {
    provider: 'bedrock',
    name: 'sonnet',
    modelId: 'anthropic.claude-sonnet-4-20250514-v1:0',
    region: 'us-east-1',
    inferenceProfile: 'us',
  };
  const titan: ModelConfig = { provider: 'bedrock', name: 'titan', modelId: 'amazon.titan-embed-text-v2:0', region: 'us-east-1' };
  const arns = [
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a',
    'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/b',
  ];
  const statements = () =>
    new Stack().resolve(
      applicationProfileStatements(
        [
          { arn: arns[0]!, model: sonnet },
          { arn: arns[1]!, model: titan },
        ],
        scope,
      ).map((s) => s.toStatementJson()),
    );

  test('allows the profiles, and their foundation models only when the request names one of them', () => {
    expect(statements()).toEqual([
      { Sid: 'InvokeApplicationProfiles', Effect: 'Allow', Action: [...BEDROCK_INVOKE_ACTIONS], Resource: arns },
      {
        Sid: 'InvokeModelsThroughApplicationProfiles',
        Effect: 'Allow',
        Action: [...BEDROCK_INVOKE_ACTIONS],
        Resource: [
          'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
          'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
        ],
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': arns } },
      },
    ]);
  });

  test('denies calling a foundation model directly: every model grant carries the profile condition', () => {
    for (const s of statements() as { Resource: string | string[]; Condition?: unknown }[]) {
      const resources = [s.Resource].flat();
      if (resources.some((r) => r.includes(':foundation-model/'))) expect(s.Condition).toBeDefined();
      // No wildcard model or profile: only the region of a cross-region model is left open.
      for (const r of resources) expect(r).not.toMatch(/\/\*|\*$/);
    }
  });

  test('grants nothing without profiles', () => {
    expect(applicationProfileStatements([], scope)).toEqual([]);
  });

  test('bedrockInvokeStatements leaves the profiled deployments to the profiles, and keeps other regions direct', () => {
    const west: ModelConfig = { ...sonnet, region: 'us-west-2' };
    const resolved = new Stack().resolve(
      bedrockInvokeStatements([sonnet, titan, west], { ...scope, profileRegion: 'us-east-1' }).map((s) => s.toStatementJson()),
    );
    expect(resolved).toEqual([
      {
        Sid: 'InvokeConfiguredModels',
        Effect: 'Allow',
        Action: [...BEDROCK_INVOKE_ACTIONS],
        Resource: [
          'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
          'arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
        ],
      },
    ]);
  });
});

describe('bedrockModelArns', () => {
  test('names each batch deployment by its exact model, or its system profile and the model behind it, once each', () => {
    const sonnet = { provider: 'bedrock' as const, modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', region: 'us-east-1' };
    expect(
      bedrockModelArns(
        [
          { ...sonnet, name: 'a', inferenceProfile: 'us' },
          { ...sonnet, name: 'b', inferenceProfile: 'us' },
          { ...sonnet, name: 'c', modelId: 'amazon.nova-pro-v1:0' },
        ],
        scope,
      ),
    ).toEqual([
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
      'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
    ]);
  });

  test('names nothing for no deployment: the batch construct then refuses to build', () => {
    expect(bedrockModelArns([], scope)).toEqual([]);
  });
});
