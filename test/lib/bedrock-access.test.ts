import { Stack } from 'aws-cdk-lib';
import { BEDROCK_INVOKE_ACTIONS, bedrockInvokeStatements } from '../../lib/bedrock-access';
import type { ModelConfig } from '../../lib/config/schema';

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

  test('never uses a wildcard action', () => {
    for (const action of BEDROCK_INVOKE_ACTIONS) expect(action).not.toContain('*');
  });
});
