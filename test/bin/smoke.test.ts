import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ENVIRONMENTS } from '../../lib/config/environments';

/** The CLI itself, as `npm run smoke` starts it: only what needs no AWS (help and refusals). */
const root = join(__dirname, '..', '..');
const smoke = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bin/smoke.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true' },
  });

test('--help prints the usage and exits 0', () => {
  const result = smoke('--help');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Usage: npm run smoke -- <env> \[options\]/);
});

test('an unknown environment or a bad option exits 2 before any call, naming the problem', () => {
  const unknown = smoke('nope');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain(`env: unknown environment "nope" (allowed: ${Object.keys(ENVIRONMENTS).join(', ')})`);
  const option = smoke('dev', '--consumer', 'nobody');
  expect(option.status).toBe(2);
  expect(option.stderr).toContain('--consumer: "nobody" is not a consumer of dev (allowed: demo-app)');
});
