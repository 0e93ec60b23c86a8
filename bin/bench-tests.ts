/**
 * Test-suite benchmark (prints figures; not a test). Run `npm run bench:tests -- --help` for the options.
 *
 * Runs the whole jest suite as `npm test` does, with a cold transform cache as a fresh clone in CI has, and
 * prints each test file's wall time and share, the time per folder, the most expensive set-ups (synths,
 * moto_server and PostgreSQL starts, as test/support/setup-costs.ts records them) and the suite's wall time as a
 * ratio of an empty aws-cdk-lib app's synth at CDK's defaults measured in the same run, which holds when the
 * machine's speed drifts. With --ci it runs `.ci/run` in a fresh clone of HEAD and prints its steps' times.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileRows, folderRows, median, parseCiSteps, parseSetupLog, setupRows, table, type JestResult } from './bench-tests-report';
import { UsageError, runMain, unknownOption, type Command } from './run-main';
import { TempDirs } from './temp-dirs';

const ROOT = resolve(__dirname, '..');
const TARGET_RATIO = 27;

export const BENCH_TESTS_USAGE = `Usage: npm run bench:tests [-- --runs <n>] [--warm] [--ci]

Times the whole test suite (median of <n> runs, default 1) and prints per test file and per folder wall time
and share, the 15 most expensive set-ups, and the suite's time as a ratio of an empty CDK app's synth
(target: at most ${TARGET_RATIO}x).
  --runs <n>  runs of the suite (1 to 9); the tables come from the median run
  --warm      keep jest's transform cache (default: cold, as a fresh clone in CI)
  --ci        also run .ci/run in a fresh clone of HEAD (npm ci included) and print each step's time
  --help      this text`;

interface Options {
  readonly runs: number;
  readonly warm: boolean;
  readonly ci: boolean;
}

export function parseBenchTestsArgs(argv: readonly string[]): Options {
  let runs = 1;
  let warm = false;
  let ci = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--warm') warm = true;
    else if (arg === '--ci') ci = true;
    else if (arg === '--runs') {
      runs = Number(argv[++i]);
      if (!Number.isInteger(runs) || runs < 1 || runs > 9)
        throw new UsageError(`--runs takes a whole number from 1 to 9, got "${argv[i] ?? ''}"`);
    } else throw unknownOption(arg, ['--runs', '--warm', '--ci']);
  }
  return { runs, warm, ci };
}

/** The issue's yardstick: `node -e` synth of an empty App with one empty Stack at CDK's defaults. */
function emptyAppSeconds(temp: TempDirs): number {
  const script = "const { App, Stack } = require('aws-cdk-lib'); const app = new App(); new Stack(app, 'Empty'); app.synth();";
  const samples = Array.from({ length: 3 }, () => {
    const outdir = temp.make(tmpdir(), 'bench-tests-empty-');
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: { ...process.env, CDK_OUTDIR: outdir },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    temp.remove(outdir);
    if (result.status !== 0) throw new Error(`empty app synth failed:\n${result.stderr}`);
    return seconds;
  });
  return median(samples);
}

/** Runs a command to its end, stopped with the others on Ctrl-C; resolves with its exit code and output. */
function runChild(temp: TempDirs, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const forget = temp.track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
    child.on('error', fail);
    child.on('close', (code) => {
      forget();
      done({ code, stdout, stderr });
    });
  });
}

interface SuiteRun {
  readonly seconds: number;
  readonly result: JestResult;
  readonly setupLog: string;
}

async function runSuite(temp: TempDirs, scratch: string, index: number, warm: boolean): Promise<SuiteRun> {
  const output = join(scratch, `jest-${index}.json`);
  const setupLog = join(scratch, `setup-${index}.jsonl`);
  writeFileSync(setupLog, '');
  const args = ['jest', '--ci', '--silent', '--json', `--outputFile=${output}`, ...(warm ? [] : ['--no-cache'])];
  const started = process.hrtime.bigint();
  const run = await runChild(temp, 'npx', args, { cwd: ROOT, env: { ...process.env, BENCH_TESTS_LOG: setupLog } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let result: JestResult;
  try {
    result = JSON.parse(readFileSync(output, 'utf8')) as JestResult;
  } catch {
    throw new Error(`jest wrote no result (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
  }
  return { seconds, result, setupLog: readFileSync(setupLog, 'utf8') };
}

async function runCi(temp: TempDirs, scratch: string): Promise<string> {
  const clone = join(scratch, 'clone');
  const cloned = spawnSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone], { encoding: 'utf8' });
  if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
  const run = await runChild(temp, 'bash', ['.ci/run'], { cwd: clone });
  if (run.code !== 0) console.error(`.ci/run failed (exit ${run.code}); its step times so far are below.\n${run.stderr.slice(-2000)}`);
  return run.stdout;
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseBenchTestsArgs(argv);
  const temp = new TempDirs();
  try {
    const scratch = temp.make(tmpdir(), 'bench-tests-');
    const before = emptyAppSeconds(temp);
    const runs: SuiteRun[] = [];
    for (let i = 0; i < options.runs; i++) runs.push(await runSuite(temp, scratch, i, options.warm));
    const after = emptyAppSeconds(temp);
    const empty = median([before, after]);
    const middle = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
    const files = fileRows(middle.result, ROOT);
    console.log(
      `jest, ${options.warm ? 'warm' : 'cold'} transform cache, ${options.runs} run(s): ${runs.map((r) => `${r.seconds.toFixed(1)} s`).join(', ')}`,
    );
    console.log(`tests: ${middle.result.numTotalTests} (${middle.result.numFailedTests} failed) in ${files.length} files\n`);
    console.log(table('test files, slowest first', files, { limit: 40 }));
    console.log(`\n${table('folders', folderRows(files))}`);
    console.log(`\n${table('most expensive set-ups (summed over their runs)', setupRows(parseSetupLog(middle.setupLog)), { limit: 15 })}`);
    const suite = median(runs.map((r) => r.seconds));
    const ratio = suite / empty;
    console.log(`\nempty aws-cdk-lib app synth at CDK defaults: ${empty.toFixed(2)} s (median of 3, before and after)`);
    console.log(
      `npm test (median): ${suite.toFixed(1)} s = ${ratio.toFixed(1)}x the empty app; target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'missed'}`,
    );
    if (options.ci) {
      const ci = parseCiSteps(await runCi(temp, scratch));
      console.log(
        `\n${table('.ci/run steps from a fresh clone ("| " marks a part run in parallel)', ci.steps, ci.total === undefined ? {} : { total: ci.total })}`,
      );
    }
    return middle.result.numFailedTests === 0 ? 0 : 1;
  } finally {
    temp.release();
  }
}

export const benchTestsCommand: Command = { name: 'bench:tests', usage: BENCH_TESTS_USAGE, main };

if (require.main === module) runMain(benchTestsCommand);
