/**
 * Synth benchmark (prints figures; not a test). Run: npm run bench:synth [-- --runs 5]
 *
 * Times `cdk synth` of each environment through the real CLI, next to the same CLI synthesizing an
 * empty aws-cdk-lib app (one empty stack) on this machine: median wall time of several runs, peak
 * memory of the app process, and the ratio. Target: one environment <= 2x the empty app.
 *
 * `npx cdk synth` skips CDK's built-in template validator (bin/app.ts; CI runs it and cfn-lint), so
 * the environments are timed both ways, against the empty app both with CDK's defaults and without
 * the validator, so every ratio can be read like for like.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS } from '../lib/config/environments';

const ROOT = resolve(__dirname, '..');
const TARGET_RATIO = 2;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

interface Sample {
  readonly seconds: number;
  /** Peak resident memory of the largest process in the run, in MiB (from GNU time), if available. */
  readonly peakMiB?: number;
}

/** One `cdk synth` into a throwaway output directory. */
function synthOnce(app: string | undefined, context: string[], validate: boolean): Sample {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '--quiet', '--output', outdir, ...(app ? ['--app', app] : []), ...context.flatMap((c) => ['--context', c])];
  const gnuTime = '/usr/bin/time';
  const useTime = spawnSync(gnuTime, ['--version'], { encoding: 'utf8' }).status === 0;
  const started = process.hrtime.bigint();
  const env = { ...process.env, CDK_BUILTIN_VALIDATION: String(validate) };
  const result = useTime
    ? spawnSync(gnuTime, ['-f', '%M', cdk, ...args], { cwd: ROOT, encoding: 'utf8', env })
    : spawnSync(cdk, args, { cwd: ROOT, encoding: 'utf8', env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(outdir, { recursive: true, force: true });
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

function measure(
  label: string,
  app: string | undefined,
  context: string[],
  validate: boolean,
): { label: string; seconds: number; peakMiB?: number } {
  synthOnce(app, context, validate); // warm the file cache; not counted
  const samples = Array.from({ length: RUNS }, () => synthOnce(app, context, validate));
  const peaks = samples.flatMap((s) => (s.peakMiB === undefined ? [] : [s.peakMiB]));
  return { label, seconds: median(samples.map((s) => s.seconds)), ...(peaks.length ? { peakMiB: Math.max(...peaks) } : {}) };
}

const emptyDir = mkdtempSync(join(ROOT, 'node_modules', '.bench-empty-'));
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

try {
  console.log(
    `cdk synth through the CLI, median of ${RUNS} runs after a warm-up; apps run with \`node --import tsx\` (as cdk.json does)\n`,
  );
  const emptyDefault = measure('empty app, CDK defaults (built-in validator on)', `node --import tsx ${emptyApp}`, [], true);
  const emptyBare = measure('empty app, built-in validator off', `node --import tsx ${emptyApp}`, [], false);
  const ours = Object.keys(ENVIRONMENTS).map((name) =>
    measure(`${name}: npx cdk synth (validator off)`, undefined, [`env=${name}`], false),
  );
  const oursValidated = Object.keys(ENVIRONMENTS).map((name) =>
    measure(`${name}: as CI synthesizes (validator on)`, undefined, [`env=${name}`], true),
  );
  const all = measure('every environment at once, as CI (validator on)', undefined, ['env=all'], true);
  const rows = [emptyDefault, emptyBare, ...ours, ...oursValidated, all];
  const width = Math.max(...rows.map((r) => r.label.length));
  const line = (row: (typeof rows)[number], ratios: string) =>
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
} finally {
  rmSync(emptyDir, { recursive: true, force: true });
}
