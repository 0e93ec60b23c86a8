/**
 * Runs once before every test file (jest globalSetup): checks the prerequisites from outside the lockfile, and
 * makes the directory where the first test file to synthesize an environment leaves its templates for the
 * others (app.ts synthEnvironment). The directory lives for this run only, so nothing is ever stale.
 */
import { mkdtempSync } from 'node:fs';
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
  // Workers start after this and inherit the environment.
  process.env.TEST_SYNTH_CACHE = mkdtempSync(join(tmpdir(), 'jest-synth-'));
}
