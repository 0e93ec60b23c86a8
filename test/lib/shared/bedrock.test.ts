import { bedrockInvocationId } from '../../../lib/shared/bedrock';

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
