/**
 * Synth benchmark (prints figures; not a test): times `cdk synth` of each environment through the real CLI, next to
 * the same CLI synthesizing an empty aws-cdk-lib app. See BENCH_SYNTH_USAGE.
 *
 * `npx cdk synth` skips CDK's built-in template validator (bin/app.ts; CI runs it and cfn-lint), so the environments
 * are timed both ways, against the empty app both with CDK's defaults and without the validator, so every ratio can
 * be read like for like.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS } from '../lib/config/environments';
import { UsageError, runMain, unknownOption, type Command } from './run-main';
import { TempDirs } from './temp-dirs';

const ROOT = resolve(__dirname, '..');
const TARGET_RATIO = 2;
const DEFAULT_RUNS = 5;
const MAX_RUNS = 50;

export const BENCH_SYNTH_USAGE = `Usage: npm run bench:synth [-- --runs <n>]

Times \`cdk synth\` of every environment through the real CLI (median of <n> runs after a warm-up, default
${DEFAULT_RUNS}, at most ${MAX_RUNS}), with and without CDK's built-in template validator, next to an empty aws-cdk-lib app, and
prints peak memory (with GNU time) and the ratio to the empty app. Target: one environment <= ${TARGET_RATIO}x the empty
app. Takes several minutes; Ctrl-C stops it and removes its temporary folders.`;

/** Parses `--runs <n>` (or `--runs=<n>`); nothing else is accepted. */
export function parseBenchSynthArgs(argv: readonly string[]): { readonly runs: number } {
  let runs = DEFAULT_RUNS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag !== '--runs') throw unknownOption(arg, ['--runs <n>']);
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_RUNS) {
      throw new UsageError(`--runs needs a whole number from 1 to ${MAX_RUNS} (got ${value === undefined ? 'nothing' : `"${value}"`})`);
    }
    runs = Number(value);
  }
  return { runs };
}

interface Sample {
  readonly seconds: number;
  /** Peak resident memory of the largest process in the run, in MiB (from GNU time), if available. */
  readonly peakMiB?: number;
}

/** Runs a process to its end, collecting stderr; the temp-dir keeper stops it on Ctrl-C. */
function run(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  temp: TempDirs,
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, [...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const forget = temp.track(child);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (e) => {
      forget();
      fail(e);
    });
    child.on('close', (status) => {
      forget();
      done({ status, stderr });
    });
  });
}

/** One `cdk synth` into a throwaway output directory. */
async function synthOnce(app: string | undefined, context: string[], validate: boolean, temp: TempDirs): Promise<Sample> {
  const outdir = temp.make(tmpdir(), 'bench-synth-');
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '--quiet', '--output', outdir, ...(app ? ['--app', app] : []), ...context.flatMap((c) => ['--context', c])];
  const gnuTime = '/usr/bin/time';
  const useTime = spawnSync(gnuTime, ['--version'], { encoding: 'utf8' }).status === 0;
  const started = process.hrtime.bigint();
  const env = { ...process.env, CDK_BUILTIN_VALIDATION: String(validate) };
  const result = useTime ? await run(gnuTime, ['-f', '%M', cdk, ...args], env, temp) : await run(cdk, args, env, temp);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  temp.remove(outdir);
  if (result.status !== 0) throw new Error(`cdk ${args.join(' ')} failed:\n${result.stderr}`);
  const lastLine = result.stderr.trim().split('\n').at(-1) ?? '';
  const peakKiB = useTime ? Number(lastLine) : NaN;
  return { seconds, ...(Number.isFinite(peakKiB) ? { peakMiB: peakKiB / 1024 } : {}) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Row {
  readonly label: string;
  readonly seconds: number;
  readonly peakMiB?: number;
}

async function measure(
  label: string,
  app: string | undefined,
  context: string[],
  validate: boolean,
  runs: number,
  temp: TempDirs,
): Promise<Row> {
  await synthOnce(app, context, validate, temp); // warm the file cache; not counted
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await synthOnce(app, context, validate, temp));
  const peaks = samples.flatMap((s) => (s.peakMiB === undefined ? [] : [s.peakMiB]));
  return { label, seconds: median(samples.map((s) => s.seconds)), ...(peaks.length ? { peakMiB: Math.max(...peaks) } : {}) };
}

async function main(argv: readonly string[]): Promise<number> {
  const { runs } = parseBenchSynthArgs(argv);
  const temp = new TempDirs();
  try {
    const emptyDir = temp.make(join(ROOT, 'node_modules'), '.bench-empty-');
    const emptyApp = join(emptyDir, 'empty-app.ts');
    writeFileSync(
      emptyApp,
      [
        "import { App, Stack } from 'aws-cdk-lib';",
        "const app = new App({ builtinCloudFormationValidation: process.env.CDK_BUILTIN_VALIDATION === 'true' });",
        "new Stack(app, 'Empty');",
        'app.synth();',
      ].join('\n'),
    );
    console.log(
      `cdk synth through the CLI, median of ${runs} runs after a warm-up; apps run with \`node --import tsx\` (as cdk.json does)\n`,
    );
    const empty = `node --import tsx ${emptyApp}`;
    const emptyDefault = await measure('empty app, CDK defaults (built-in validator on)', empty, [], true, runs, temp);
    const emptyBare = await measure('empty app, built-in validator off', empty, [], false, runs, temp);
    const ours: Row[] = [];
    for (const name of Object.keys(ENVIRONMENTS))
      ours.push(await measure(`${name}: npx cdk synth (validator off)`, undefined, [`env=${name}`], false, runs, temp));
    const oursValidated: Row[] = [];
    for (const name of Object.keys(ENVIRONMENTS))
      oursValidated.push(await measure(`${name}: as CI synthesizes (validator on)`, undefined, [`env=${name}`], true, runs, temp));
    const all = await measure('every environment at once, as CI (validator on)', undefined, ['env=all'], true, runs, temp);
    const rows = [emptyDefault, emptyBare, ...ours, ...oursValidated, all];
    const width = Math.max(...rows.map((r) => r.label.length));
    const line = (row: Row, ratios: string) =>
      console.log(
        `  ${row.label.padEnd(width)}  ${row.seconds.toFixed(2)} s${row.peakMiB === undefined ? '' : `  peak ${row.peakMiB.toFixed(0)} MiB`}${ratios}`,
      );
    line(emptyDefault, '');
    line(emptyBare, '');
    for (const row of ours)
      line(
        row,
        `  ${(row.seconds / emptyDefault.seconds).toFixed(2)}x empty default, ${(row.seconds / emptyBare.seconds).toFixed(2)}x empty without validator`,
      );
    for (const row of [...oursValidated, all]) line(row, `  ${(row.seconds / emptyDefault.seconds).toFixed(2)}x empty default`);
    const worst = Math.max(...ours.map((r) => r.seconds / emptyDefault.seconds));
    console.log(
      `\ntarget: one environment's \`cdk synth\` <= ${TARGET_RATIO}x an empty aws-cdk-lib app; worst ${worst.toFixed(2)}x: ${worst <= TARGET_RATIO ? 'met' : 'missed'}`,
    );
    return 0;
  } finally {
    temp.release();
  }
}

export const benchSynthCommand: Command = { name: 'bench:synth', usage: BENCH_SYNTH_USAGE, main };

if (require.main === module) runMain(benchSynthCommand);
