import { ConfigError } from '../../lib/config/load-config';
import { UsageError, runCommand, runMain, unknownOption, type Command } from '../../bin/run-main';

function captured(): { out: string[]; err: string[]; output: { out: (t: string) => void; err: (t: string) => void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (t) => out.push(t), err: (t) => err.push(t) } };
}

const command = (main: Command['main']): Command => ({ name: 'example', usage: 'Usage: npm run example -- <thing>', main });

describe('runCommand', () => {
  test('--help and -h print the usage and exit 0 without running the command', async () => {
    for (const flag of ['--help', '-h']) {
      const { out, err, output } = captured();
      const main = jest.fn(() => Promise.resolve(1));
      await expect(runCommand(command(main), ['dev', flag], output)).resolves.toBe(0);
      expect(out).toEqual(['Usage: npm run example -- <thing>']);
      expect(err).toEqual([]);
      expect(main).not.toHaveBeenCalled();
    }
  });

  test('returns what the command returns', async () => {
    await expect(
      runCommand(
        command(() => Promise.resolve(1)),
        [],
        captured().output,
      ),
    ).resolves.toBe(1);
  });

  test('a usage error is its one line on stderr and exit 2, no stack trace', async () => {
    const { out, err, output } = captured();
    const code = await runCommand(
      command(() => Promise.reject(unknownOption('--frobnicate', ['--check']))),
      ['--frobnicate'],
      output,
    );
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(['unknown option "--frobnicate" (allowed: --check, --help); usage: npm run example -- --help']);
  });

  test('an unknown positional argument is named as an argument', () => {
    expect(unknownOption('dev', []).message).toBe('unknown argument "dev" (allowed: --help)');
  });

  test('an invalid config is its message (one line per problem) and exit 2, no stack trace', async () => {
    const { err, output } = captured();
    const code = await runCommand(
      command(() => Promise.reject(new ConfigError('qa', ['network.cidr: "x" is not an IPv4 CIDR (use a.b.c.d/n)']))),
      [],
      output,
    );
    expect(code).toBe(2);
    expect(err).toEqual(['Invalid config for environment "qa":\n  - network.cidr: "x" is not an IPv4 CIDR (use a.b.c.d/n)']);
  });

  test('an unexpected error keeps its stack and exits 1 (a bug, not a user error)', async () => {
    const { err, output } = captured();
    const code = await runCommand(
      command(() => Promise.reject(new TypeError('boom'))),
      [],
      output,
    );
    expect(code).toBe(1);
    expect(err[0]).toMatch(/^TypeError: boom\n\s+at /);
  });

  test('a refusal thrown synchronously is still one line', async () => {
    const { err, output } = captured();
    const code = await runCommand(
      command(() => {
        throw new UsageError('refusing to destroy "prod"');
      }),
      [],
      output,
    );
    expect([code, err]).toEqual([2, ['refusing to destroy "prod"; usage: npm run example -- --help']]);
  });
});

describe('runMain', () => {
  const saved = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = saved;
    process.exitCode = undefined;
  });

  test("switches off the AWS SDK's Node.js version notice unless the caller chose otherwise", async () => {
    delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const seen: (string | undefined)[] = [];
    const main = () => {
      seen.push(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED);
      return Promise.resolve(0);
    };
    runMain(command(main));
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'false';
    runMain(command(main));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['true', 'false']);
    expect(process.exitCode).toBe(0);
  });
});
