import { LOAD_USAGE, parseLoadArgs, planLoad } from '../../bin/load-args';
import { loadEnvironment } from '../../lib/config/load-config';
import type { EnvironmentConfig } from '../../lib/config/schema';

describe('parseLoadArgs', () => {
  test('drives an environment at 10 connections for 30 s by default', () => {
    expect(parseLoadArgs(['dev'])).toEqual({ environment: 'dev', local: false, concurrency: 10, durationSeconds: 30 });
  });

  test('reads every option, inline or as the next argument', () => {
    expect(
      parseLoadArgs([
        'dev',
        '--concurrency=50',
        '--duration',
        '120',
        '--consumer',
        'demo-app',
        '--model',
        'claude-sonnet-4',
        '--outputs',
        'o.json',
        '--gateway-url',
        'https://api.example.com/v1/',
      ]),
    ).toEqual({
      environment: 'dev',
      local: false,
      concurrency: 50,
      durationSeconds: 120,
      consumer: 'demo-app',
      model: 'claude-sonnet-4',
      outputsFile: 'o.json',
      gatewayUrl: 'https://api.example.com/v1',
    });
  });

  test('--local takes no environment and a mock delay of 50 ms unless told', () => {
    expect(parseLoadArgs(['--local', '--duration', '5'])).toEqual({ local: true, concurrency: 10, durationSeconds: 5, mockDelayMs: 50 });
    expect(parseLoadArgs(['--local', '--mock-delay', '0']).mockDelayMs).toBe(0);
  });

  test.each([
    [[], 'load needs an environment name, or --local'],
    [['dev', 'prod'], 'load takes one environment name (got dev prod)'],
    [['all'], 'load drives one environment at a time'],
    [['--local', 'dev'], '--local runs on this machine only: leave out the environment name "dev"'],
    [['--local', '--consumer', 'x'], '--consumer applies to a deployed environment, not to --local'],
    [['dev', '--mock-delay', '10'], '--mock-delay applies only with --local (a deployed mock answers after loadTest.mockDelayMs)'],
    [['dev', '--concurrency', '0'], '--concurrency: "0" is not a whole number from 1 to 1000'],
    [['dev', '--concurrency', '1001'], '--concurrency: "1001" is not a whole number from 1 to 1000'],
    [['dev', '--duration', '1.5'], '--duration: "1.5" is not a whole number of seconds from 1 to 600'],
    [['dev', '--duration'], '--duration needs a value'],
    [['dev', '--gateway-url', 'http://plain.example.com'], '--gateway-url: "http://plain.example.com" is not an https URL'],
    [
      ['dev', '--rps', '5'],
      'unknown option "--rps" (allowed: --local, --concurrency, --duration, --consumer, --model, --mock-delay, --outputs, --gateway-url, --help)',
    ],
  ])('denies %j: %s', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(message);
  });

  test('the usage names every option it parses', () => {
    for (const flag of [
      '--local',
      '--concurrency',
      '--duration',
      '--consumer',
      '--model',
      '--mock-delay',
      '--outputs',
      '--gateway-url',
      '--help',
    ]) {
      expect(LOAD_USAGE).toContain(flag);
    }
  });
});

describe('planLoad', () => {
  const dev = loadEnvironment('dev');

  test("drives dev's mock with the first consumer whose team may call it, subtracting the mock's delay", () => {
    expect(planLoad(parseLoadArgs(['dev']), dev)).toEqual({
      environment: 'dev',
      region: 'us-east-1',
      consumer: 'demo-app',
      model: 'load-mock',
      modelDelayMs: dev.loadTest.mockDelayMs,
      concurrency: 10,
      durationSeconds: 30,
      outputsFile: 'cdk.out/dev-outputs.json',
    });
  });

  test('a real model has no delay of its own to subtract', () => {
    expect(planLoad(parseLoadArgs(['dev', '--model', 'claude-sonnet-4']), dev).modelDelayMs).toBe(0);
  });

  test('denies the mock where the environment does not serve it', () => {
    expect(() => planLoad(parseLoadArgs(['prod']), loadEnvironment('prod'))).toThrow(
      'prod serves no mock model (set loadTest.mockModel: true and deploy, or pass --model)',
    );
  });

  test('denies a consumer whose team may not call the model, naming those that may', () => {
    expect(() => planLoad(parseLoadArgs(['dev', '--model', 'titan-embed-text-v2']), dev)).toThrow(
      'no consumer of dev may call titan-embed-text-v2 (grant it to a team without a guardrail in tenants.teams[].models)',
    );
    expect(() => planLoad(parseLoadArgs(['dev', '--consumer', 'nobody']), dev)).toThrow(
      '--consumer: "nobody" may not call load-mock in dev (allowed: demo-app)',
    );
  });

  test('never drives a browser app, which has no client secret to get tokens with', () => {
    const team = dev.tenants.teams[0]!.name;
    const browser = { origins: ['https://dash.example.com'], redirectUrls: ['https://dash.example.com/cb'], logoutUrls: [] };
    const withApp = {
      ...dev,
      tenants: { ...dev.tenants, consumers: [{ name: 'dashboard', team, browser, tags: {} }, ...dev.tenants.consumers] },
    };
    expect(planLoad(parseLoadArgs(['dev']), withApp).consumer).toBe('demo-app');
    expect(() => planLoad(parseLoadArgs(['dev', '--consumer', 'dashboard']), withApp)).toThrow(
      '--consumer: "dashboard" may not call load-mock in dev (allowed: demo-app)',
    );
  });

  test('denies an environment whose tokens come from an external issuer', () => {
    const oidc = { ...dev, name: 'ext', edge: { ...dev.edge, identity: { provider: 'oidc' } } } as unknown as EnvironmentConfig;
    expect(() => planLoad(parseLoadArgs(['ext']), oidc)).toThrow(
      'ext takes tokens from an external OIDC issuer; the load kit gets its token from the Cognito machine identity only',
    );
  });
});
