import { bedrockInvocationId, bedrockProfileEnvName, usesApplicationProfile } from '../../../lib/shared/bedrock';

describe('bedrockInvocationId', () => {
  test('prefixes the inference profile when one is configured', () => {
    expect(bedrockInvocationId({ modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', inferenceProfile: 'us' })).toBe(
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
    );
  });

  test('is the foundation model id without one', () => {
    expect(bedrockInvocationId({ modelId: 'amazon.titan-text-express-v1' })).toBe('amazon.titan-text-express-v1');
  });
});

describe('usesApplicationProfile', () => {
  const model = { modelId: 'amazon.titan-embed-text-v2:0', region: 'us-east-1' };
  test("is true for a deployment in the profiles' region and the environment's account", () => {
    expect(usesApplicationProfile(model, 'us-east-1')).toBe(true);
  });
  test('is false in another region', () => {
    expect(usesApplicationProfile(model, 'us-west-2')).toBe(false);
  });
  test('is false for a deployment called through another account', () => {
    expect(usesApplicationProfile({ ...model, crossAccountRoleArn: 'arn:aws:iam::210987654321:role/Bedrock' }, 'us-east-1')).toBe(false);
  });
});

describe('bedrockProfileEnvName', () => {
  test('names the invocation id and region as one environment variable', () => {
    expect(bedrockProfileEnvName({ modelId: 'anthropic.claude-sonnet-4-20250514-v1:0', inferenceProfile: 'us', region: 'us-east-1' })).toBe(
      'BEDROCK_PROFILE_US_ANTHROPIC_CLAUDE_SONNET_4_20250514_V1_0_US_EAST_1',
    );
  });
});
