import { readEnvironment } from '../../../lambda/tenants-reconciler/index';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-gateway/dev/litellm-master-key-AbCdEf';

describe('reconciler environment', () => {
  test('reads LITELLM_URL, MASTER_KEY_SECRET_ARN and READINESS_TIMEOUT_SECONDS', () => {
    expect(
      readEnvironment({
        LITELLM_URL: 'http://internal-genai-dev-123.eu-west-1.elb.amazonaws.com:80',
        MASTER_KEY_SECRET_ARN: ARN,
        READINESS_TIMEOUT_SECONDS: '600',
      }),
    ).toEqual({
      litellmUrl: 'http://internal-genai-dev-123.eu-west-1.elb.amazonaws.com:80',
      masterKeySecretArn: ARN,
      readinessTimeoutMs: 600_000,
    });
  });

  test('names every missing or malformed variable at once', () => {
    expect(() => readEnvironment({ LITELLM_URL: 'internal-lb:80/', READINESS_TIMEOUT_SECONDS: 'ten' })).toThrow(
      'LITELLM_URL: expected http://host:port, got "internal-lb:80/"; MASTER_KEY_SECRET_ARN: expected a Secrets Manager secret ARN, got ""; ' +
        'READINESS_TIMEOUT_SECONDS: expected a whole number of seconds, got "ten"',
    );
  });
});
