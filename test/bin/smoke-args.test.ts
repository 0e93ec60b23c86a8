import { loadEnvironment, parseEnvironment } from '../../lib/config/load-config';
import { UsageError } from '../../bin/env-command-plan';
import { SMOKE_USAGE, parseSmokeArgs, planSmoke } from '../../bin/smoke-args';

describe('parseSmokeArgs', () => {
  test('takes one environment, with defaults for everything else', () => {
    expect(parseSmokeArgs(['dev'])).toEqual({
      environment: 'dev',
      langfuse: false,
      langfuseTimeoutSeconds: 60,
      timeoutSeconds: 60,
      waitSeconds: 0,
    });
  });

  test('reads every option, as "--flag value" or "--flag=value"', () => {
    expect(
      parseSmokeArgs([
        'prod',
        '--consumer',
        'analytics',
        '--model=claude-opus-4',
        '--langfuse',
        '--langfuse-url',
        'http://localhost:3000',
        '--langfuse-timeout=90',
        '--outputs',
        'out.json',
        '--gateway-url',
        'https://llm.example.com/v1',
        '--timeout',
        '30',
        '--wait',
        '600',
      ]),
    ).toEqual({
      environment: 'prod',
      consumer: 'analytics',
      model: 'claude-opus-4',
      langfuse: true,
      langfuseUrl: 'http://localhost:3000',
      langfuseTimeoutSeconds: 90,
      outputsFile: 'out.json',
      gatewayUrl: 'https://llm.example.com/v1',
      timeoutSeconds: 30,
      waitSeconds: 600,
    });
  });

  test('--help asks for the usage', () => {
    expect(parseSmokeArgs(['dev', '--help'])).toBe('help');
    expect(SMOKE_USAGE).toContain('LangfuseUrl is internal-only');
  });

  test.each([
    [[], 'smoke needs an environment name'],
    [['dev', 'prod'], 'smoke takes one environment name (got dev prod)'],
    [['all'], 'smoke checks one environment at a time'],
    [['dev', '--force'], 'unknown option "--force"'],
    [['dev', '--consumer'], '--consumer needs a value'],
    [['dev', '--consumer', '--langfuse'], '--consumer needs a value'],
    [['dev', '--timeout', '0'], '--timeout: "0" is not a whole number of seconds from 1 to 3600'],
    [['dev', '--langfuse', '--langfuse-url', 'localhost:3000'], '--langfuse-url: "localhost:3000" is not an http(s) URL'],
    [['dev', '--langfuse-url', 'http://localhost:3000'], '--langfuse-url and --langfuse-timeout apply only with --langfuse'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSmokeArgs(argv)).toThrow(UsageError);
    expect(() => parseSmokeArgs(argv)).toThrow(message);
  });
});

describe('planSmoke', () => {
  const prod = loadEnvironment('prod');

  test("defaults to the environment's first consumer and its team's first model, and checks the team's models", () => {
    expect(
      planSmoke({ environment: 'prod', langfuse: false, langfuseTimeoutSeconds: 60, timeoutSeconds: 60, waitSeconds: 0 }, prod),
    ).toEqual({
      environment: 'prod',
      region: 'us-east-1',
      mode: 'inject',
      consumer: 'support-bot',
      // support-bot's team has the customer-facing guardrail: it is served only the guarded copies.
      model: 'claude-sonnet-4.guard-customer-facing',
      models: ['claude-sonnet-4.guard-customer-facing', 'claude-3-7-sonnet.guard-customer-facing'],
      // A denied topic's example from prod's guardrail: the smoke test sends it and expects the refusal.
      guardrail: { name: 'customer-facing', prompt: 'Which stocks should I buy this year?' },
      outputsFile: 'cdk.out/prod-outputs.json',
      timeoutMs: 60_000,
      waitMs: 0,
    });
  });

  test('carries the overrides and the Langfuse wait', () => {
    const plan = planSmoke(
      {
        environment: 'prod',
        consumer: 'analytics-etl',
        model: 'claude-opus-4',
        langfuse: true,
        langfuseUrl: 'http://localhost:3000',
        langfuseTimeoutSeconds: 90,
        gatewayUrl: 'https://llm.example.com/v1/',
        timeoutSeconds: 5,
        waitSeconds: 300,
      },
      prod,
    );
    expect(plan).toMatchObject({
      consumer: 'analytics-etl',
      model: 'claude-opus-4',
      gatewayUrl: 'https://llm.example.com/v1',
      langfuse: { url: 'http://localhost:3000', timeoutMs: 90_000 },
      timeoutMs: 5000,
      waitMs: 300_000,
    });
  });

  test('--rate-limit plans the consumer limit check with its rpmLimit, and refuses a consumer without one', () => {
    expect(parseSmokeArgs(['prod', '--rate-limit'])).toMatchObject({ rateLimit: true });
    const base = { environment: 'prod', langfuse: false, langfuseTimeoutSeconds: 60, timeoutSeconds: 60, waitSeconds: 0, rateLimit: true };
    expect(planSmoke({ ...base, consumer: 'support-eval' }, prod).rateLimit).toEqual({ rpm: 30 });
    expect(() => planSmoke({ ...base, consumer: 'analytics-etl' }, prod)).toThrow(
      "--rate-limit: consumer analytics-etl has no rpmLimit in prod's config, so there is no limit to prove",
    );
    expect(planSmoke({ ...base, rateLimit: false, consumer: 'support-eval' }, prod)).not.toHaveProperty('rateLimit');
  });

  test('never picks or accepts a browser app: it has no client secret to get a token with', () => {
    const base = { environment: 'prod', langfuse: false, langfuseTimeoutSeconds: 60, timeoutSeconds: 60, waitSeconds: 0 };
    const team = prod.tenants.teams[0]!.name;
    const browser = { origins: ['https://dash.example.com'], redirectUrls: ['https://dash.example.com/cb'], logoutUrls: [] };
    const app = { name: 'dashboard', team, browser, tags: {} };
    const withApp = { ...prod, tenants: { ...prod.tenants, consumers: [app, ...prod.tenants.consumers] } };
    expect(planSmoke(base, withApp).consumer).toBe('support-bot');
    expect(() => planSmoke({ ...base, consumer: 'dashboard' }, withApp)).toThrow(
      '--consumer: "dashboard" is a browser app (people sign in; no client secret): choose a machine client (allowed: support-bot, support-eval, analytics-etl)',
    );
    const onlyApps = { ...prod, tenants: { ...prod.tenants, consumers: [app] } };
    expect(() => planSmoke(base, onlyApps)).toThrow('prod has only browser apps (dashboard): the smoke test needs a machine client');
  });

  test('refuses a consumer or model the environment does not have, naming the allowed ones', () => {
    const base = { environment: 'prod', langfuse: false, langfuseTimeoutSeconds: 60, timeoutSeconds: 60, waitSeconds: 0 };
    expect(() => planSmoke({ ...base, consumer: 'demo-app' }, prod)).toThrow(
      '--consumer: "demo-app" is not a consumer of prod (allowed: support-bot, support-eval, analytics-etl)',
    );
    expect(() => planSmoke({ ...base, model: 'gpt-4o' }, prod)).toThrow(
      '--model: "gpt-4o" is not a model consumer support-bot may call (allowed: claude-sonnet-4.guard-customer-facing, claude-3-7-sonnet.guard-customer-facing)',
    );
    expect(() => planSmoke({ ...base, model: 'claude-opus-4' }, prod)).toThrow(
      '--model: "claude-opus-4" is not a model consumer support-bot may call (allowed: claude-sonnet-4.guard-customer-facing, claude-3-7-sonnet.guard-customer-facing)',
    );
  });

  test('refuses an environment without consumers, or with an external OIDC issuer', () => {
    const base = { environment: 'qa', langfuse: false, langfuseTimeoutSeconds: 60, timeoutSeconds: 60, waitSeconds: 0 };
    const noConsumers = parseEnvironment({
      name: 'qa',
      ephemeral: true,
      region: 'us-east-1',
      network: { cidr: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
    });
    expect(() => planSmoke(base, noConsumers)).toThrow('qa has no consumer (tenants.consumers is empty): nothing can call the gateway');
    const oidc = parseEnvironment({
      name: 'qa',
      ephemeral: true,
      region: 'us-east-1',
      network: { cidr: '10.1.0.0/16', availabilityZones: ['us-east-1a', 'us-east-1b'] },
      edge: {
        identity: {
          provider: 'oidc',
          issuers: ['https://login.example.com/v2.0'],
          jwksUri: 'https://login.example.com/keys',
          audience: ['api://gw'],
        },
      },
    });
    expect(() => planSmoke(base, oidc)).toThrow(
      'qa takes tokens from an external OIDC issuer; the smoke test gets its token from the Cognito machine identity only',
    );
  });
});
