import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missingPrerequisites, pinnedToolVersion } from './prerequisites';

const ROOT = join(__dirname, '..', '..');
const MOTO = pinnedToolVersion('MOTO_VERSION', readFileSync(join(ROOT, '.github', 'workflows', 'pull-request.yml'), 'utf8'));
const everything = { hasCommand: () => true, hasFile: () => true, postgres: () => undefined };

describe('test prerequisites', () => {
  test('finds nothing missing on a machine that has moto_server, Chromium and the binaries', () => {
    expect(missingPrerequisites(ROOT, everything)).toEqual([]);
  });

  test('without moto_server, says what it is for and installs the version CI pins', () => {
    const missing = missingPrerequisites(ROOT, { ...everything, hasCommand: (c) => c !== 'moto_server' });
    expect(missing).toEqual([
      `moto_server (the local AWS API emulator the Lambda and CLI tests call) is not on the PATH: python3 -m pip install 'moto[server]==${MOTO}'`,
    ]);
  });

  test("without Debian's Chromium, names the browser tests, the exact install command and how to run the rest", () => {
    const missing = missingPrerequisites(ROOT, { ...everything, hasFile: (p) => p !== '/usr/bin/chromium' });
    expect(missing).toEqual([
      "Chromium (the headless browser the browser tests in test/browser drive with playwright-core) is missing at /usr/bin/chromium: apt-get install -y chromium (as root; bash .ci/run installs it when apt-get is there). Without it, the rest runs with: npx jest --testPathIgnorePatterns 'test/browser'",
    ]);
  });

  test('without PostgreSQL binaries for this platform, names the database tests and how to run the rest', () => {
    const missing = missingPrerequisites(ROOT, {
      ...everything,
      postgres: (v) => {
        if (v.startsWith('17.')) throw new Error('No PostgreSQL 17 binaries for darwin-arm64.');
      },
    });
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(
      /^PostgreSQL 17\.\d+ for the database tests \(test\/lambda\/db-bootstrap, .*\): No PostgreSQL 17 binaries for darwin-arm64\. /,
    );
    expect(missing[0]).toContain(
      "npx jest --testPathIgnorePatterns 'test/lambda/db-bootstrap' 'test/contracts/aurora-postgresql' 'test/support/postgres'",
    );
  });

  test('reads the pinned versions from the workflow, and refuses a workflow without one', () => {
    expect(pinnedToolVersion('CFN_LINT_VERSION', "env:\n  CFN_LINT_VERSION: '1.51.0'\n")).toBe('1.51.0');
    expect(() => pinnedToolVersion('MOTO_VERSION', 'env: {}')).toThrow('.github/workflows/pull-request.yml pins no MOTO_VERSION');
  });

  test('the real probe finds this machine ready (npm test could not have started otherwise)', () => {
    expect(missingPrerequisites(ROOT)).toEqual([]);
  });
});
