import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENVIRONMENTS } from '../../lib/config/environments';

const root = path.join(__dirname, '..', '..');

/** Runs the CDK app the way the CLI does: context and output directory through the environment. */
function runApp(context: Record<string, unknown>) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-app-'));
  const result = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'bin', 'app.ts')],
    {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const written = fs.readdirSync(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, written };
}

describe('bin/app.ts', () => {
  test('rejects an unknown environment with one clear message and synthesizes nothing', () => {
    // A dash can never be in an environment name, so this stays unknown whatever environments are added.
    const { status, stderr, written } = runApp({ env: 'no-such-env' });
    expect(status).toBe(1);
    expect(stderr).toContain(
      `Invalid config for environment "no-such-env":\n  - env: unknown environment "no-such-env" (allowed: ${Object.keys(ENVIRONMENTS).join(', ')})`,
    );
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
    expect(written).toEqual([]);
  });

  test('synthesizes nothing when any one of several requested environments is invalid', () => {
    const { status, stderr, written } = runApp({ env: 'dev,nope' });
    expect(status).toBe(1);
    expect(stderr).toContain('unknown environment "nope"');
    expect(written).toEqual([]);
  });

  test('synthesizes the account stage alone when asked for it, over every environment, and no environment with it', () => {
    const { status, stderr, written } = runApp({ env: 'account', 'aws:cdk:bundling-stacks': [] });
    expect([status, stderr]).toEqual([0, '']);
    expect(written).toContain('assembly-account');
    expect(written.filter((f) => f.startsWith('assembly-'))).toEqual(['assembly-account']);
  });
});
