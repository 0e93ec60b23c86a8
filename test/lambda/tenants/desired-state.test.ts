import { parseDesiredTenants } from '../../../lambda/tenants/desired-state';
import { keySecretString, newVirtualKey, parseVirtualKeySecret } from '../../../lambda/tenants/key-secret';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-gateway/dev/virtual-keys/c1-AbCdEf';
const valid = {
  environment: 'dev',
  teams: [{ alias: 'research', models: ['m'], tags: {}, maxBudgetUsd: 10, budgetDuration: '30d' }],
  consumers: [{ name: 'app-one', team: 'research', clientId: 'c1', secretArn: ARN, tags: { owner: 'x' }, rpmLimit: 5 }],
};

describe('parseDesiredTenants', () => {
  test('accepts the JSON string the construct passes and returns it typed', () => {
    expect(parseDesiredTenants(JSON.stringify(valid))).toEqual(valid);
  });

  test("accepts a built-in consumer without a client id (Open WebUI's key, which no token names)", () => {
    const builtin = {
      name: 'open-webui',
      team: 'research',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:genai-gateway/dev/builtin-keys/open-webui-AbCdEf',
      tags: {},
    };
    const desired = { ...valid, consumers: [...valid.consumers, builtin] };
    expect(parseDesiredTenants(JSON.stringify(desired)).consumers[1]).toEqual(builtin);
  });

  test('refuses anything but a JSON string', () => {
    expect(() => parseDesiredTenants(valid)).toThrow('DesiredTenants: expected the desired state as one JSON string');
    expect(() => parseDesiredTenants('{nope')).toThrow(/^DesiredTenants: not valid JSON \(/);
  });

  test('lists every problem in one message, with its path', () => {
    const bad = {
      environment: 'dev',
      teams: [
        { alias: 'research', models: ['m'], tags: {}, budgetDuration: '30 days' },
        { alias: 'research', models: [], tags: {}, tpmLimit: -1 },
      ],
      consumers: [{ name: 'app-one', team: 'research', clientId: 'c1', secretArn: 'not-an-arn', tags: {} }],
    };
    expect(() => parseDesiredTenants(JSON.stringify(bad))).toThrow(
      'DesiredTenants: teams.0.budgetDuration: a LiteLLM duration such as 30d or 1mo; teams.1.tpmLimit: a whole number, 0 or more; ' +
        'consumers.0.secretArn: a Secrets Manager secret ARN',
    );
  });

  test('refuses duplicate names and a consumer of an undeclared team', () => {
    const bad = {
      ...valid,
      teams: [valid.teams[0], valid.teams[0]],
      consumers: [valid.consumers[0], { ...valid.consumers[0], team: 'ops' }],
    };
    expect(() => parseDesiredTenants(JSON.stringify(bad))).toThrow(
      'DesiredTenants: teams.1.alias: "research" is declared twice; consumers.1.name: "app-one" is declared twice; consumers.1.team: "ops" is not a declared team',
    );
  });
});

describe('consumer key secret', () => {
  test('writes {"virtualKey": ...}, which the authorizer parses back, and draws keys LiteLLM and the authorizer both accept', () => {
    const key = newVirtualKey();
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(newVirtualKey()).not.toBe(key);
    expect(parseVirtualKeySecret(keySecretString(key))).toBe(key);
    expect(parseVirtualKeySecret('Xk3!generated-placeholder-password')).toBeUndefined();
  });
});
