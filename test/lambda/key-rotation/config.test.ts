import { parseRotationConfig } from '../../../lambda/key-rotation/config';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-dev-litellm-master-AbCdEf';

describe('parseRotationConfig', () => {
  test('reads the three variables the KeyRotation construct sets', () => {
    expect(
      parseRotationConfig({ LITELLM_URL: 'http://internal-lb.example:4000/', MASTER_KEY_SECRET_ARN: ARN, GRACE_SECONDS: '1500' }),
    ).toEqual({
      litellmUrl: 'http://internal-lb.example:4000',
      masterKeySecretArn: ARN,
      graceSeconds: 1500,
    });
  });

  test('lists every problem in one error', () => {
    expect(() => parseRotationConfig({ LITELLM_URL: 'ftp://x', GRACE_SECONDS: '0' })).toThrow(
      [
        'Invalid key rotation configuration:',
        '  - LITELLM_URL: "ftp://x" is not an http(s) URL',
        '  - MASTER_KEY_SECRET_ARN: is required',
        '  - GRACE_SECONDS: "0" is not a whole number of seconds from 1 to 604800',
      ].join('\n'),
    );
  });

  test('refuses a grace period that is missing, fractional or over a week', () => {
    const base = { LITELLM_URL: 'http://x:4000', MASTER_KEY_SECRET_ARN: ARN };
    expect(() => parseRotationConfig(base)).toThrow('GRACE_SECONDS: is required, as a whole number of seconds from 1 to 604800');
    expect(() => parseRotationConfig({ ...base, GRACE_SECONDS: '1.5' })).toThrow('GRACE_SECONDS: "1.5" is not');
    expect(() => parseRotationConfig({ ...base, GRACE_SECONDS: '604801' })).toThrow('GRACE_SECONDS: "604801" is not');
  });
});
