/**
 * Every `npm run <script>` explains itself: `-- --help` prints usage and exits 0, unknown input is one line and exit 2.
 * Our own entry points run in-process (no tsx start per script); third-party tools own their --help, and the check
 * here is that npm's appended arguments reach their option parser.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type Command } from '../bin/run-main';

const root = join(__dirname, '..');
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Tools whose own `--help` answers with usage and exit 0 (each checked by hand; see the README's first-day walk-through). */
const THIRD_PARTY = ['tsc', 'eslint', 'prettier', 'jest', 'cdk', 'cfn-lint'];

const ours = Object.entries(scripts).flatMap(([name, line]) => {
  const match = /^tsx (bin\/[\w-]+)\.ts((?: [\w-]+)*)$/.exec(line);
  return match ? [{ name, module: match[1]!, args: (match[2] ?? '').trim().split(' ').filter(Boolean) }] : [];
});

function commandOf(module: string): Command {
  const exports = require(join(root, module)) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
  const found = Object.values(exports).filter((v): v is Command => typeof v === 'object' && v !== null && 'main' in v && 'usage' in v);
  if (found.length === 1) return found[0]!;
  const factory = exports.envCommand as ((verb: string) => Command) | undefined;
  if (!factory) throw new Error(`${module} exports no Command`);
  return factory('deploy');
}

async function run(command: Command, argv: readonly string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(command, argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('every script is either one of our entry points or a third-party tool', () => {
  const others = Object.entries(scripts).filter(([name]) => !ours.some((o) => o.name === name));
  const unknown = others.filter(([, line]) => !THIRD_PARTY.some((tool) => new RegExp(`(^|\\s)${tool}(\\s|$)`).test(line)));
  expect(unknown).toEqual([]);
  expect(ours.length).toBeGreaterThanOrEqual(12);
});

test('npm appends -- --help where the third-party tool still reads it as an option (no "--" in the script)', () => {
  const others = Object.entries(scripts).filter(([name]) => !ours.some((o) => o.name === name));
  expect(others.filter(([, line]) => /\s--(\s|$)/.test(line)).map(([name]) => name)).toEqual([]);
});

describe.each(ours)('npm run $name', ({ module, args }) => {
  const command = commandOf(module);

  test('-- --help prints the usage and exits 0', async () => {
    const result = await run(command, [...args, '--help']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage:\s+npm run /);
    expect(result.err).toBe('');
  });

  test('denies an unknown option with one line and exit 2, no stack trace', async () => {
    const result = await run(command, [...args, '--no-such-option']);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.err).toContain('"--no-such-option"');
  });
});

test('npm run compliance -- nosuchenv prints one line naming the environments there are', async () => {
  const result = await run(commandOf('bin/control-tower-report'), ['nosuchenv']);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(/^unknown environment "nosuchenv" \(allowed: [a-z0-9, ]+\); usage: npm run compliance -- --help$/);
});
