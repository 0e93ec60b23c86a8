import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../../../lambda/authorizer/wiring';
import { Captured, testConfig } from '../../support/authorizer-harness';

describe('buildAuthorizer', () => {
  const out = new Captured();
  const base = {
    logger: createLogger({ write: out.write, clock: Date.now }),
    metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
    clock: Date.now,
  };

  test('refuses to build inject mode without a way to read secrets', () => {
    expect(() => buildAuthorizer(testConfig(), base)).toThrow('inject mode needs a Secrets Manager client and VIRTUAL_KEY_SECRET_PREFIX');
  });

  test('builds inject mode over a Secrets Manager client', () => {
    const parts = buildAuthorizer(testConfig(), { ...base, secretsManager: { send: jest.fn() } });
    expect(parts.keyStore).toBeDefined();
  });

  test('builds passthrough mode without any key store', () => {
    expect(buildAuthorizer(testConfig({ AUTH_MODE: 'passthrough' }), base).keyStore).toBeUndefined();
  });
});
