/**
 * Runs once before every test file (jest globalSetup): checks the prerequisites from outside the lockfile, then
 * makes this run's own temporary directory and points TMPDIR at it, so everything the tests leave in the temporary
 * directory (each CDK App's cdk.out, cdk8s output, PostgreSQL data, emulator state) goes when the run ends
 * (global-teardown.ts). In it, the first test file to synthesize an environment leaves its templates for the
 * others (app.ts synthEnvironment): they live for this run only, so nothing is ever stale.
 */
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPrerequisites } from './prerequisites';

export default function globalSetup(): void {
  const missing = missingPrerequisites(join(__dirname, '..', '..'));
  if (missing.length > 0) {
    // A missing tool is the machine's state, not a bug: one message, no stack trace.
    process.stderr.write(`npm test needs what npm ci does not install:\n${missing.map((m) => `  - ${m}`).join('\n')}\n`);
    process.exit(1);
  }
  const runDir = mkdtempSync(join(tmpdir(), 'jest-run-'));
  // Like /tmp: PostgreSQL runs as its own OS user when the tests run as root, and makes its directories in here.
  chmodSync(runDir, 0o1777);
  const synthCache = join(runDir, 'synth');
  mkdirSync(synthCache);
  // Workers start after this and inherit the environment.
  process.env.TEST_RUN_DIR = runDir;
  process.env.TEST_SYNTH_CACHE = synthCache;
  process.env.TMPDIR = runDir;
}
