import {
  ALL_EPHEMERAL_FLAG,
  FORCE_NON_EPHEMERAL_FLAG,
  USAGE,
  accountStackInvocation,
  UsageError,
  cdkInvocation,
  formatInvocation,
  parseArgs,
  planEnvCommand,
  type LoadConfig,
} from '../../bin/env-command-plan';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { ConfigError, loadEnvironment } from '../../lib/config/load-config';
import type { EnvironmentConfig } from '../../lib/config/schema';

const fake = (name: string, ephemeral: boolean, region = 'eu-west-1') => ({ name, ephemeral, region }) as EnvironmentConfig;

/** GIVEN three environments: two ephemeral, one retained. */
const configs: Record<string, EnvironmentConfig> = { dev: fake('dev', true), qa: fake('qa', true, 'us-west-2'), prod: fake('prod', false) };
const load: LoadConfig = (name) => {
  const config = configs[name];
  if (!config) throw new ConfigError(name, [`env: unknown environment "${name}" (allowed: ${Object.keys(configs).join(', ')})`]);
  return config;
};
const names = Object.keys(configs);
const local = { ci: false };

describe('parseArgs', () => {
  test('reads a verb and one environment', () => {
    expect(parseArgs(['deploy', 'dev'])).toEqual({ verb: 'deploy', target: { environment: 'dev' }, forceNonEphemeral: false });
  });

  test('reads the loud force flag on destroy, before or after the name', () => {
    expect(parseArgs(['destroy', FORCE_NON_EPHEMERAL_FLAG, 'prod'])).toEqual({
      verb: 'destroy',
      target: { environment: 'prod' },
      forceNonEphemeral: true,
    });
  });

  test('reads --all-ephemeral on destroy', () => {
    expect(parseArgs(['destroy', ALL_EPHEMERAL_FLAG])).toEqual({
      verb: 'destroy',
      target: { allEphemeral: true },
      forceNonEphemeral: false,
    });
  });

  test.each([
    [['nuke', 'dev'], 'unknown command "nuke" (allowed: diff, deploy, destroy)'],
    [[], 'unknown command "undefined"'],
    [['deploy'], 'deploy needs an environment name'],
    [['deploy', 'dev', 'prod'], 'deploy takes one environment name (got dev prod)'],
    [['deploy', 'all'], 'deploy acts on one environment at a time'],
    [['deploy', ALL_EPHEMERAL_FLAG], `unknown option "${ALL_EPHEMERAL_FLAG}" for deploy (allowed: none)`],
    [['diff', 'prod', FORCE_NON_EPHEMERAL_FLAG], `unknown option "${FORCE_NON_EPHEMERAL_FLAG}" for diff`],
    [['destroy', 'dev', '--yes'], `unknown option "--yes" for destroy (allowed: ${FORCE_NON_EPHEMERAL_FLAG}, ${ALL_EPHEMERAL_FLAG})`],
    [
      ['destroy', 'prod', '--force'],
      `--force is not an option: destroy never prompts. To destroy an environment that is not ephemeral, pass ${FORCE_NON_EPHEMERAL_FLAG}`,
    ],
    [['destroy', ALL_EPHEMERAL_FLAG, 'dev'], `${ALL_EPHEMERAL_FLAG} takes no environment name (got dev)`],
    [
      ['destroy', ALL_EPHEMERAL_FLAG, FORCE_NON_EPHEMERAL_FLAG],
      `${ALL_EPHEMERAL_FLAG} cannot be combined with ${FORCE_NON_EPHEMERAL_FLAG}`,
    ],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test('a usage error is one line; --help is where the usage is', () => {
    expect(() => parseArgs(['deploy'])).toThrow(/^deploy needs an environment name$/);
    expect(USAGE).toContain(`npm run destroy -- ${ALL_EPHEMERAL_FLAG}`);
  });
});

describe('cdkInvocation', () => {
  const dev = fake('dev', true);

  test('deploy is non-interactive, runs two stacks at a time and writes the outputs file', () => {
    expect(cdkInvocation('deploy', dev, local)).toEqual({
      environment: 'dev',
      region: 'eu-west-1',
      command: 'npx',
      args: [
        'cdk',
        'deploy',
        '-c',
        'env=dev',
        'dev/*',
        '--require-approval',
        'never',
        '--concurrency',
        '2',
        '--outputs-file',
        'cdk.out/dev-outputs.json',
      ],
    });
  });

  test('destroy selects only the stage stacks and never prompts', () => {
    expect(cdkInvocation('destroy', dev, local).args).toEqual(['cdk', 'destroy', '-c', 'env=dev', 'dev/*', '--force']);
  });

  test('diff compares templates through the read-only lookup role and never fails on a difference', () => {
    expect(cdkInvocation('diff', dev, local).args).toEqual([
      'cdk',
      'diff',
      '--context',
      'env=dev',
      'dev/*',
      '--method',
      'template',
      '--fail-on',
      'never',
    ]);
  });

  test('in CI the output has no colour and deploy progress is one event per line', () => {
    expect(cdkInvocation('diff', dev, { ci: true }).args).toContain('--no-color');
    expect(cdkInvocation('destroy', dev, { ci: true }).args).toContain('--no-color');
    expect(cdkInvocation('deploy', dev, { ci: true }).args).toEqual(expect.arrayContaining(['--progress', 'events', '--no-color']));
    expect(cdkInvocation('deploy', dev, local).args).not.toContain('--progress');
  });

  test('the stack selector is one argv entry, not a shell glob', () => {
    const args = cdkInvocation('destroy', dev, local).args;
    expect(args.filter((a) => a.includes('*'))).toEqual(['dev/*']);
  });
});

describe('planEnvCommand', () => {
  test('plans one environment', () => {
    const plan = planEnvCommand(parseArgs(['deploy', 'prod']), names, load, local);
    expect(plan.invocations.map((i) => i.environment)).toEqual(['prod']);
    expect(plan.problems).toEqual([]);
  });

  test('an unknown environment is a usage error naming the allowed ones', () => {
    expect(() => planEnvCommand(parseArgs(['deploy', 'stg']), names, load, local)).toThrow(UsageError);
    expect(() => planEnvCommand(parseArgs(['deploy', 'stg']), names, load, local)).toThrow(
      'unknown environment "stg" (allowed: dev, qa, prod)',
    );
  });

  test('refuses to destroy an environment that is not ephemeral', () => {
    expect(() => planEnvCommand(parseArgs(['destroy', 'prod']), names, load, local)).toThrow(
      `refusing to destroy "prod": it is not marked ephemeral (its data is retained and deletion-protected). If you really mean it, pass ${FORCE_NON_EPHEMERAL_FLAG}.`,
    );
  });

  test('destroys a non-ephemeral environment only with the loud flag', () => {
    const plan = planEnvCommand(parseArgs(['destroy', 'prod', FORCE_NON_EPHEMERAL_FLAG]), names, load, local);
    expect(plan.invocations.map((i) => i.args[1])).toEqual(['destroy']);
  });

  test('deploy and diff of a non-ephemeral environment need no flag', () => {
    expect(planEnvCommand(parseArgs(['diff', 'prod']), names, load, local).invocations).toHaveLength(1);
  });

  test('a deploy first makes sure the account stack exists, with its own stage and region', () => {
    const plan = planEnvCommand(parseArgs(['deploy', 'dev']), names, load, local);
    expect(plan.accountStack).toEqual({
      stackName: 'genai-account',
      region: 'us-east-1',
      invocation: accountStackInvocation(local),
    });
    expect(formatInvocation(plan.accountStack!.invocation)).toBe("npx cdk deploy -c env=account 'account/*' --require-approval never");
  });

  test.each([[['destroy', 'dev']], [['destroy', 'prod', FORCE_NON_EPHEMERAL_FLAG]], [['destroy', ALL_EPHEMERAL_FLAG]], [['diff', 'dev']]])(
    'never touches the account stack for %j: only a deploy may create it, nothing destroys it',
    (argv) => {
      const plan = planEnvCommand(parseArgs(argv), names, load, local);
      expect(plan.accountStack).toBeUndefined();
      for (const invocation of plan.invocations) expect(invocation.args.join(' ')).not.toMatch(/account/);
    },
  );

  test('refuses "account" as an environment to destroy: it is no environment', () => {
    expect(() => planEnvCommand(parseArgs(['destroy', 'account', FORCE_NON_EPHEMERAL_FLAG]), names, load, local)).toThrow(
      'unknown environment "account" (allowed: dev, qa, prod)',
    );
  });

  test('--all-ephemeral plans every ephemeral environment in config order and leaves the rest alone', () => {
    const plan = planEnvCommand(parseArgs(['destroy', ALL_EPHEMERAL_FLAG]), names, load, local);
    expect(plan.invocations.map((i) => [i.environment, i.region])).toEqual([
      ['dev', 'eu-west-1'],
      ['qa', 'us-west-2'],
    ]);
    expect(plan.skipped).toEqual(['prod']);
  });

  test('--all-ephemeral reports an environment whose config does not load and plans the others', () => {
    const broken: LoadConfig = (name) => {
      if (name === 'dev') throw new ConfigError('dev', ['region: is required']);
      return load(name);
    };
    const plan = planEnvCommand(parseArgs(['destroy', ALL_EPHEMERAL_FLAG]), names, broken, local);
    expect(plan.invocations.map((i) => i.environment)).toEqual(['qa']);
    expect(plan.problems).toEqual([{ environment: 'dev', message: 'Invalid config for environment "dev":\n  - region: is required' }]);
  });
});

describe('with the real environments', () => {
  const real: LoadConfig = (name) => loadEnvironment(name, { region: 'us-east-1' });

  test('every ephemeral environment is destroyed by --all-ephemeral and no other', () => {
    const plan = planEnvCommand(parseArgs(['destroy', ALL_EPHEMERAL_FLAG]), Object.keys(ENVIRONMENTS), real, local);
    const ephemeral = Object.keys(ENVIRONMENTS).filter((n) => real(n).ephemeral);
    expect(plan.invocations.map((i) => i.environment)).toEqual(ephemeral);
    expect(plan.problems).toEqual([]);
  });

  test('prod is protected from a plain destroy', () => {
    expect(() => planEnvCommand(parseArgs(['destroy', 'prod']), Object.keys(ENVIRONMENTS), real, local)).toThrow(
      'refusing to destroy "prod"',
    );
  });
});

describe('formatInvocation', () => {
  test('quotes the stack glob so the printed line can be pasted into a shell', () => {
    expect(formatInvocation(cdkInvocation('destroy', fake('dev', true), local))).toBe("npx cdk destroy -c env=dev 'dev/*' --force");
  });
});
