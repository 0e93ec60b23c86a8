/**
 * What `npm test` needs from outside the lockfile, checked once before any test file runs (global-setup.ts):
 * `moto_server` on the PATH, Debian's Chromium for the browser tests, and PostgreSQL binaries of every pinned
 * Aurora version for this platform.
 * Each missing piece is one line saying what it is for and the exact command that installs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_INSTALL, CHROMIUM_PATH } from './chromium';
import { AURORA_ENGINE_VERSIONS, postgresBinaries } from './postgres-binaries';

/** The version the pull-request workflow pins, so a newcomer installs what CI runs. */
export function pinnedToolVersion(key: 'MOTO_VERSION' | 'CFN_LINT_VERSION', workflow: string): string {
  const match = new RegExp(`^\\s*${key}:\\s*'([^']+)'`, 'm').exec(workflow);
  if (!match) throw new Error(`.github/workflows/pull-request.yml pins no ${key}`);
  return match[1]!;
}

/** The test paths that start PostgreSQL, for a platform without binaries. */
const DATABASE_TESTS = ['test/lambda/db-bootstrap', 'test/contracts/aurora-postgresql', 'test/support/postgres'];

export interface PrerequisiteProbe {
  /** Whether a command answers on the PATH. */
  readonly hasCommand: (command: string) => boolean;
  /** Whether a file exists. */
  readonly hasFile: (path: string) => boolean;
  /** Throws when an engine version's binaries are missing for this platform. */
  readonly postgres: (engineVersion: string) => void;
}

const realProbe: PrerequisiteProbe = {
  hasCommand: (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0,
  hasFile: (path) => existsSync(path),
  postgres: (engineVersion) => void postgresBinaries(engineVersion),
};

/** Every missing prerequisite, one message each; empty when all are there. */
export function missingPrerequisites(root: string, probe: PrerequisiteProbe = realProbe): string[] {
  const workflow = readFileSync(join(root, '.github', 'workflows', 'pull-request.yml'), 'utf8');
  const problems: string[] = [];
  if (!probe.hasCommand('moto_server')) {
    problems.push(
      `moto_server (the local AWS API emulator the Lambda and CLI tests call) is not on the PATH: ` +
        `python3 -m pip install 'moto[server]==${pinnedToolVersion('MOTO_VERSION', workflow)}'`,
    );
  }
  if (!probe.hasFile(CHROMIUM_PATH)) {
    problems.push(
      `Chromium (the headless browser the browser tests in test/browser drive with playwright-core) is missing at ` +
        `${CHROMIUM_PATH}: ${CHROMIUM_INSTALL} (as root; bash .ci/run installs it when apt-get is there). ` +
        `Without it, the rest runs with: npx jest --testPathIgnorePatterns 'test/browser'`,
    );
  }
  for (const version of AURORA_ENGINE_VERSIONS) {
    try {
      probe.postgres(version);
    } catch (err) {
      problems.push(
        `PostgreSQL ${version} for the database tests (${DATABASE_TESTS.join(', ')}): ${(err as Error).message} ` +
          `Without it, the rest runs with: npx jest --testPathIgnorePatterns ${DATABASE_TESTS.map((t) => `'${t}'`).join(' ')}`,
      );
    }
  }
  return problems;
}
