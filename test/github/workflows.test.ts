import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { COMMENT_MARKER } from '../../bin/diff-comment';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { environmentListProblems } from './workflow-environments';

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly permissions?: Record<string, string> | string;
  readonly steps?: readonly Step[];
  readonly environment?: string;
  readonly if?: string;
  readonly strategy?: { readonly matrix?: Record<string, unknown> };
}
interface Workflow {
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string> | string;
  readonly concurrency?: { readonly group: string; readonly 'cancel-in-progress': boolean };
  readonly jobs: Record<string, Job>;
}

const root = join(__dirname, '..', '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const sources = Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
const workflows = Object.fromEntries(files.map((f) => [f, parse(sources[f] ?? '') as Workflow]));
const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

const jobs = Object.entries(workflows).flatMap(([file, wf]) => Object.entries(wf.jobs).map(([id, job]) => ({ file, id, job })));
const steps = jobs.flatMap(({ file, id, job }) => (job.steps ?? []).map((step) => ({ file, job: id, step })));
const runs = steps.flatMap(({ file, step }) => (step.run ? [{ file, run: step.run }] : []));
const configuresAws = (job: Job) => (job.steps ?? []).some((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
const workflow = (file: string): Workflow => {
  const wf = workflows[file];
  if (!wf) throw new Error(`missing .github/workflows/${file}`);
  return wf;
};
const job = (file: string, id: string): Job => {
  const j = workflow(file).jobs[id];
  if (!j) throw new Error(`missing job ${id} in ${file}`);
  return j;
};

test('the three workflows exist', () => {
  expect(files.sort()).toEqual(['deploy.yml', 'end-of-day.yml', 'pull-request.yml']);
});

describe.each(files)('%s', (file) => {
  test('passes the workflow schema (action-validator)', () => {
    expect(validateWorkflow(sources[file] ?? '').errors).toEqual([]);
  });

  test('grants nothing at workflow level beyond reading contents', () => {
    const permissions = workflow(file).permissions;
    expect(permissions).toBeDefined();
    const granted = typeof permissions === 'object' ? Object.entries(permissions) : [['(all)', String(permissions)]];
    expect(granted.filter(([scope, level]) => !(scope === 'contents' && level === 'read'))).toEqual([]);
  });
});

test('every npm script a workflow runs exists in package.json', () => {
  const called = runs.flatMap(({ file, run }) =>
    [...run.matchAll(/\bnpm (?:run(?:-script)? ([\w:.-]+)|(test|start)\b)/g)].map((m) => `${file}: ${m[1] ?? m[2]}`),
  );
  expect(called.length).toBeGreaterThan(0);
  const missing = called.filter((c) => !Object.prototype.hasOwnProperty.call(scripts, c.split(': ')[1] ?? ''));
  expect(missing).toEqual([]);
});

test('every file a workflow runs directly exists', () => {
  const paths = runs.flatMap(({ run }) => [...run.matchAll(/\b(?:tsx|node) ((?:bin|scripts)\/[\w./-]+)/g)].map((m) => m[1] ?? ''));
  expect(paths.filter((p) => !existsSync(join(root, p)))).toEqual([]);
});

test('every action is pinned to a full commit SHA with its version in a comment', () => {
  const used = steps.flatMap(({ file, step }) => (step.uses ? [`${file}: ${step.uses}`] : []));
  expect(used.length).toBeGreaterThan(0);
  expect(used.filter((u) => !/: [\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
  const usesLines = Object.values(sources).flatMap((s) => s.split('\n').filter((l) => /^\s*(- )?uses:/.test(l)));
  expect(usesLines.filter((l) => !/@[0-9a-f]{40} # v\d+(\.\d+)*\s*$/.test(l))).toEqual([]);
});

test('one action is pinned to one SHA everywhere', () => {
  const shas = new Map<string, Set<string>>();
  for (const { step } of steps) {
    const [action, sha] = (step.uses ?? '').split('@');
    if (action && sha) shas.set(action, (shas.get(action) ?? new Set()).add(sha));
  }
  expect([...shas].filter(([, s]) => s.size > 1).map(([a]) => a)).toEqual([]);
});

test('every job states its permissions', () => {
  expect(jobs.filter(({ job }) => job.permissions === undefined).map(({ file, id }) => `${file}: ${id}`)).toEqual([]);
});

test('id-token: write only on jobs that configure AWS credentials, and all of those have it', () => {
  const withToken = jobs.filter(({ job }) => typeof job.permissions === 'object' && job.permissions['id-token'] === 'write');
  expect(withToken.filter(({ job }) => !configuresAws(job)).map(({ id }) => id)).toEqual([]);
  expect(jobs.filter(({ job }) => configuresAws(job) && !withToken.some((w) => w.job === job)).map(({ id }) => id)).toEqual([]);
});

test('the comment job alone may write, and only to pull requests', () => {
  const writes = jobs.flatMap(({ file, id, job }) =>
    Object.entries(typeof job.permissions === 'object' ? job.permissions : {})
      .filter(([scope, level]) => level === 'write' && scope !== 'id-token')
      .map(([scope]) => `${file}: ${id}: ${scope}`),
  );
  expect(writes).toEqual(['pull-request.yml: comment: pull-requests']);
});

test('no run step interpolates an expression into the shell (values go through env)', () => {
  expect(runs.filter(({ run }) => run.includes('${{')).map(({ file, run }) => `${file}: ${run.split('\n')[0]}`)).toEqual([]);
});

test('checkouts do not leave the token in the git config', () => {
  const checkouts = steps.filter(({ step }) => step.uses?.startsWith('actions/checkout@'));
  expect(checkouts.filter(({ step }) => step.with?.['persist-credentials'] !== false).map(({ file, job }) => `${file}: ${job}`)).toEqual(
    [],
  );
});

describe('pull-request.yml', () => {
  const checks = job('pull-request.yml', 'checks');
  const diff = job('pull-request.yml', 'diff');
  const comment = job('pull-request.yml', 'comment');
  // Commands only (a line that starts with npm), not messages that mention one.
  const scriptsRun = (j: Job) =>
    (j.steps ?? []).flatMap((s) => [...(s.run ?? '').matchAll(/^\s*npm (?:run ([\w:.-]+)|(test|ci)\b)/gm)].map((m) => m[1] ?? m[2]));

  test('runs every check in order from a lockfile install', () => {
    expect(scriptsRun(checks)).toEqual([
      'ci',
      'typecheck',
      'lint',
      'format:check',
      'test',
      'synth:all',
      'lint:cfn',
      'compliance',
      'manifests:check',
      'config:reference:check',
    ]);
  });

  test('pins cfn-lint to 1.51.0', () => {
    expect(sources['pull-request.yml']).toContain("CFN_LINT_VERSION: '1.51.0'");
    expect(checks.steps?.some((s) => s.run?.includes('"cfn-lint==${CFN_LINT_VERSION}"'))).toBe(true);
  });

  test('diffs only when the role variable is set, and says so with a notice otherwise', () => {
    expect(diff.if).toContain("vars.AWS_DIFF_ROLE_ARN != ''");
    const notice = checks.steps?.find((s) => s.run?.includes('::notice'));
    expect(notice?.if).toContain("vars.AWS_DIFF_ROLE_ARN == ''");
  });

  test('diffs every environment in config', () => {
    expect(diff.strategy?.matrix?.environment).toEqual(Object.keys(ENVIRONMENTS));
    expect(scriptsRun(diff)).toEqual(['ci', 'diff']);
  });

  test('updates one comment found by the marker diff-comment writes about', () => {
    const script = comment.steps?.find((s) => s.uses?.startsWith('actions/github-script@'))?.with?.script;
    expect(script).toContain(`const marker = '${COMMENT_MARKER}'`);
    expect(script).toContain('updateComment');
    expect(comment.steps?.some((s) => s.run !== undefined)).toBe(false);
  });
});

test('every workflow runs Node.js 24, the LTS the Lambda functions run and package.json requires', () => {
  const versions = Object.values(sources).map((s) => /^\s*NODE_VERSION: '(\d+)'$/m.exec(s)?.[1]);
  expect(versions).toEqual(files.map(() => '24'));
  const setups = steps.filter(({ step }) => step.uses?.startsWith('actions/setup-node@'));
  expect(setups.length).toBe(jobs.filter(({ job }) => (job.steps ?? []).some((s) => s.run?.includes('npm '))).length);
  for (const { step } of setups) expect(step.with?.['node-version']).toBe('${{ env.NODE_VERSION }}');
  const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  expect(engines).toBe('>=24');
  expect(readFileSync(join(root, 'constructs', 'bundled-code.ts'), 'utf8')).toContain('Runtime.NODEJS_24_X');
});

test('lists every environment wherever a workflow names them by hand', () => {
  expect(environmentListProblems(sources, Object.keys(ENVIRONMENTS))).toEqual([]);
});

describe('deploy.yml', () => {
  const wf = workflow('deploy.yml');
  const deploy = job('deploy.yml', 'deploy');

  test('is dispatched by hand with every environment as a choice', () => {
    const inputs = (wf.on.workflow_dispatch as { inputs: Record<string, { type: string; options: string[] }> }).inputs;
    expect(inputs.environment?.type).toBe('choice');
    expect(inputs.environment?.options).toEqual(Object.keys(ENVIRONMENTS));
    expect(Object.keys(wf.on)).toEqual(['workflow_dispatch']);
  });

  test('never runs two deploys of one environment at once, nor cancels one', () => {
    expect(wf.concurrency).toEqual({ group: 'deploy-${{ inputs.environment }}', 'cancel-in-progress': false });
  });

  test('runs in the GitHub environment of the input so its protection rules apply', () => {
    expect(deploy.environment).toBe('${{ inputs.environment }}');
  });

  test('deploys through the npm script with an OIDC role, no keys, then smoke-tests the environment', () => {
    expect(deploy.steps?.filter((s) => s.run?.includes('npm run')).map((s) => s.run?.trim())).toEqual([
      'npm run deploy -- "$ENVIRONMENT"',
      'npm run smoke -- "$ENVIRONMENT" --wait 600',
    ]);
    expect(sources['deploy.yml']).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
  });

  test('the smoke test is the last step and runs only after a successful deploy', () => {
    const last = deploy.steps?.[deploy.steps.length - 1];
    expect(last?.run?.trim()).toMatch(/^npm run smoke -- "\$ENVIRONMENT"/);
    expect(last?.if).toBeUndefined();
  });
});

describe('end-of-day.yml', () => {
  const wf = workflow('end-of-day.yml');

  test('runs on a UTC schedule and by hand', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect((wf.on.schedule as { cron: string }[])[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
  });

  test('destroys every ephemeral environment through the npm script', () => {
    expect(steps.filter((s) => s.file === 'end-of-day.yml' && s.step.run?.includes('npm run')).map((s) => s.step.run?.trim())).toEqual([
      'npm run destroy -- --all-ephemeral',
    ]);
  });

  test('holds no keys', () => {
    expect(sources['end-of-day.yml']).not.toMatch(/aws-access-key-id|aws-secret-access-key|secrets\./);
  });
});
