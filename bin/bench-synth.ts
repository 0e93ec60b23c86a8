/**
 * Synth benchmark (prints figures; not a test). Run: npm run bench:synth [-- --runs 5]
 *
 * Times `cdk synth` of each environment through the real CLI, next to the same CLI synthesizing an
 * empty aws-cdk-lib app (one empty stack) on this machine: median wall time of several runs, peak
 * memory of the app process, and the ratio. Target: one environment <= 2x the empty app.
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
function synthOnce(app: string | undefined, context: string[]): Sample {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
  const cdk = join(ROOT, 'node_modules', '.bin', 'cdk');
  const args = ['synth', '--quiet', '--output', outdir, ...(app ? ['--app', app] : []), ...context.flatMap((c) => ['--context', c])];
  const gnuTime = '/usr/bin/time';
  const useTime = spawnSync(gnuTime, ['--version'], { encoding: 'utf8' }).status === 0;
  const started = process.hrtime.bigint();
  const result = useTime
    ? spawnSync(gnuTime, ['-f', '%M', cdk, ...args], { cwd: ROOT, encoding: 'utf8' })
    : spawnSync(cdk, args, { cwd: ROOT, encoding: 'utf8' });
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

function measure(label: string, app: string | undefined, context: string[]): { label: string; seconds: number; peakMiB?: number } {
  synthOnce(app, context); // warm the file cache; not counted
  const samples = Array.from({ length: RUNS }, () => synthOnce(app, context));
  const peaks = samples.flatMap((s) => (s.peakMiB === undefined ? [] : [s.peakMiB]));
  return { label, seconds: median(samples.map((s) => s.seconds)), ...(peaks.length ? { peakMiB: Math.max(...peaks) } : {}) };
}

const emptyDir = mkdtempSync(join(ROOT, 'node_modules', '.bench-empty-'));
const emptyApp = join(emptyDir, 'empty-app.ts');
writeFileSync(emptyApp, "import { App, Stack } from 'aws-cdk-lib';\nconst app = new App();\nnew Stack(app, 'Empty');\napp.synth();\n");

try {
  console.log(`cdk synth, median of ${RUNS} runs after one warm-up (cdk.json feature flags apply to both)\n`);
  const empty = measure('empty aws-cdk-lib app', `npx tsx ${emptyApp}`, []);
  const rows = [empty, ...Object.keys(ENVIRONMENTS).map((name) => measure(`${name} (all stacks)`, undefined, [`env=${name}`]))];
  const all = measure('every environment at once', undefined, ['env=all']);
  const width = Math.max(...[...rows, all].map((r) => r.label.length));
  for (const row of [...rows, all]) {
    const ratio = row === empty ? '' : `  ${(row.seconds / empty.seconds).toFixed(2)}x empty`;
    const memory = row.peakMiB === undefined ? '' : `  peak ${row.peakMiB.toFixed(0)} MiB`;
    console.log(`${row.label.padEnd(width)}  ${row.seconds.toFixed(2)} s${memory}${ratio}`);
  }
  const worst = Math.max(...rows.slice(1).map((r) => r.seconds / empty.seconds));
  console.log(
    `\ntarget: one environment <= ${TARGET_RATIO}x the empty app; worst environment ${worst.toFixed(2)}x: ${worst <= TARGET_RATIO ? 'met' : 'missed'}`,
  );
} finally {
  rmSync(emptyDir, { recursive: true, force: true });
}
