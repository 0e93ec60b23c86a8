/**
 * Environments are data: a third environment added by the README's steps ("Configure an environment", "To add an
 * environment") passes the config, CLI, workflow and manifest checks without any other change. The steps are
 * followed here in memory, on a temporary registry and temporary copies of the workflow files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { planEnvCommand, parseArgs } from '../../../../bin/env-command-plan';
import { planSmoke, parseSmokeArgs } from '../../../../bin/smoke-args';
import { renderAllManifests } from '../../../../k8s/manifests';
import { DEFAULT_ENVIRONMENT, ENVIRONMENTS } from '../../../../lib/config/environments';
import { dev } from '../../../../lib/config/environments/dev';
import { loadEnvironment } from '../../../../lib/config/load-config';
import { ACCOUNT_STAGE } from '../../../../lib/shared/account';
import type { EnvironmentInput } from '../../../../lib/config/schema';
import { environmentListProblems } from '../../../github/workflow-environments';
import type * as ComplianceModule from '../../../../bin/control-tower-report';
import type * as RunMainModule from '../../../../bin/run-main';

const root = join(__dirname, '..', '..', '..', '..');
const workflowDir = join(root, '.github', 'workflows');
const workflows = Object.fromEntries(readdirSync(workflowDir).map((f) => [f, readFileSync(join(workflowDir, f), 'utf8')]));

describe('the shipped environments', () => {
  test('each overlay is listed under its own name and loads', () => {
    for (const [name, input] of Object.entries(ENVIRONMENTS)) {
      expect(input.name).toBe(name);
      expect(loadEnvironment(name).name).toBe(name);
    }
    expect(Object.keys(ENVIRONMENTS)).toContain(DEFAULT_ENVIRONMENT);
  });

  test('every overlay file is listed in the registry (step 2 cannot be forgotten)', () => {
    const files = readdirSync(join(root, 'lib', 'config', 'environments'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(Object.keys(ENVIRONMENTS).sort());
  });
});

describe('a third environment added by the README steps', () => {
  // Step 1: copy dev.ts to qa.ts and change the name, CIDR and sizes.
  const qa: EnvironmentInput = {
    ...dev,
    name: 'qa',
    network: { ...dev.network, cidr: '10.44.0.0/16' },
    database: { ...dev.database, maxCapacity: 2 },
  };
  // Step 2: list it in lib/config/environments/index.ts.
  const registry = { ...ENVIRONMENTS, qa };
  const names = Object.keys(registry);

  test('config: it loads, and an unknown name lists it among the allowed ones', () => {
    expect(loadEnvironment('qa', {}, registry)).toMatchObject({ name: 'qa', ephemeral: true, network: { cidr: '10.44.0.0/16' } });
    expect(() => loadEnvironment('no-such-env', {}, registry)).toThrow(`(allowed: ${names.join(', ')})`);
  });

  test('CLI: deploy, diff and destroy plan it, and the end-of-day destroy takes it as ephemeral', () => {
    const load = (name: string) => loadEnvironment(name, {}, registry);
    for (const verb of ['deploy', 'diff', 'destroy']) {
      const plan = planEnvCommand(parseArgs([verb, 'qa']), names, load, { ci: true });
      expect(plan.invocations.map((i) => i.args.join(' '))).toEqual([expect.stringContaining('qa/*')]);
    }
    const nightly = planEnvCommand(parseArgs(['destroy', '--all-ephemeral']), names, load, { ci: true });
    expect(nightly.invocations.map((i) => i.environment)).toContain('qa');
    expect(nightly.problems).toEqual([]);
  });

  test('CLI: the smoke test plans it with its own consumer', () => {
    const request = parseSmokeArgs(['qa']);
    if (request === 'help') throw new Error('unexpected help');
    expect(planSmoke(request, loadEnvironment('qa', {}, registry)).consumer).toBe('demo-app');
  });

  test('CLI: compliance checks it like the others', async () => {
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../../../lib/config/environments', () => ({ ENVIRONMENTS: registry, DEFAULT_ENVIRONMENT }));
      /* eslint-disable @typescript-eslint/no-require-imports */
      const { complianceCommand } = require('../../../../bin/control-tower-report') as typeof ComplianceModule;
      const { runCommand } = require('../../../../bin/run-main') as typeof RunMainModule;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCommand(complianceCommand, ['qa'], { out: (t) => out.push(t), err: (t) => err.push(t) });
      expect(err).toEqual([]);
      expect(code).toBe(0);
      const unknown = await runCommand(complianceCommand, ['no-such-env'], { out: () => undefined, err: (t) => err.push(t) });
      expect(unknown).toBe(2);
      expect(err[0]).toContain(`(allowed: ${[...names, ACCOUNT_STAGE].join(', ')})`);
    });
  });

  test('workflows: they fail the check until step 3 lists it, and pass once it does', () => {
    expect(environmentListProblems(workflows, names)).toEqual([
      expect.stringContaining('deploy.yml: workflow_dispatch choices are ["dev","prod"]'),
      expect.stringContaining('pull-request.yml: diff matrix are ["dev","prod"]'),
    ]);
    // Step 3: add it to the choices in deploy.yml and the diff matrix in pull-request.yml.
    const edited = {
      ...workflows,
      'deploy.yml': workflows['deploy.yml']!.replace('options: [dev, prod]', 'options: [dev, prod, qa]'),
      'pull-request.yml': workflows['pull-request.yml']!.replace('environment: [dev, prod]', 'environment: [dev, prod, qa]'),
    };
    expect(environmentListProblems(edited, names)).toEqual([]);
  });

  test('manifests: step 4 renders manifests/qa/ beside the others', () => {
    const rendered = Object.keys(renderAllManifests(names.map((name) => loadEnvironment(name, {}, registry))));
    expect(rendered.filter((p) => p.startsWith('manifests/qa/')).length).toBe(
      rendered.filter((p) => p.startsWith('manifests/dev/')).length,
    );
  });
});
