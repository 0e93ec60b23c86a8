import { EXIT_FAILED, EXIT_OK, accountStackInvocation, cdkInvocation, type EnvCommandPlan } from '../../bin/env-command-plan';
import { describeRemaining, runPlan, stackPrefix, type ListStacks, type RunEffects } from '../../bin/env-command-run';

const invocation = (name: string, verb: 'destroy' | 'deploy' = 'destroy') =>
  cdkInvocation(verb, { name, region: 'us-east-1' }, { ci: false });

function harness(exitCodes: Record<string, number>, listStacks: ListStacks = async () => []) {
  const ran: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const lister = jest.fn(listStacks);
  const effects: RunEffects = {
    run: async (inv) => {
      ran.push(inv.environment);
      return exitCodes[inv.environment] ?? 0;
    },
    listStacks: lister,
    info: (l) => out.push(l),
    error: (l) => err.push(l),
  };
  return { effects, ran, out, err, lister };
}

const destroyPlan = (...envs: string[]): EnvCommandPlan => ({
  verb: 'destroy',
  invocations: envs.map((e) => invocation(e)),
  problems: [],
  skipped: [],
});

describe('runPlan', () => {
  test('runs every invocation in order and exits 0 when all succeed', async () => {
    const h = harness({});
    await expect(runPlan(destroyPlan('dev', 'qa'), h.effects, { annotate: false })).resolves.toBe(EXIT_OK);
    expect(h.ran).toEqual(['dev', 'qa']);
    expect(h.lister).not.toHaveBeenCalled();
    expect(h.out.join('\n')).toContain("==> destroy dev: npx cdk destroy -c env=dev 'dev/*' --force");
  });

  test('continues past a failed destroy, lists what is left and exits 1 with a summary', async () => {
    const h = harness({ dev: 1 }, async (region, prefix) => [
      { name: `${prefix}cluster`, status: 'DELETE_FAILED', reason: `VPC in ${region} has dependencies` },
      { name: `${prefix}network`, status: 'UPDATE_COMPLETE' },
    ]);
    await expect(runPlan(destroyPlan('dev', 'qa'), h.effects, { annotate: false })).resolves.toBe(EXIT_FAILED);
    expect(h.ran).toEqual(['dev', 'qa']);
    expect(h.lister).toHaveBeenCalledWith('us-east-1', 'genai-dev-');
    expect(h.err).toEqual([
      'destroy dev failed (cdk exited with 1)',
      'dev: 2 stack(s) left in us-east-1:',
      '  genai-dev-cluster DELETE_FAILED: VPC in us-east-1 has dependencies',
      '  genai-dev-network UPDATE_COMPLETE',
      '\ndestroy: 1 of 2 environment(s) failed:\n  - dev: cdk destroy exited with 1',
    ]);
  });

  test('annotates failures for GitHub Actions', async () => {
    const h = harness({ dev: 3 });
    await runPlan(destroyPlan('dev'), h.effects, { annotate: true });
    expect(h.err[0]).toBe('::error::destroy dev failed (cdk exited with 3)');
  });

  test('a failed deploy does not look for leftover stacks', async () => {
    const h = harness({ dev: 1 });
    const plan: EnvCommandPlan = { verb: 'deploy', invocations: [invocation('dev', 'deploy')], problems: [], skipped: [] };
    await expect(runPlan(plan, h.effects, { annotate: false })).resolves.toBe(EXIT_FAILED);
    expect(h.lister).not.toHaveBeenCalled();
  });

  describe('the account stack before a deploy', () => {
    const check = { stackName: 'genai-account', region: 'us-east-1', invocation: accountStackInvocation({ ci: false }) };
    const deployPlan: EnvCommandPlan = {
      verb: 'deploy',
      invocations: [invocation('dev', 'deploy')],
      problems: [],
      skipped: [],
      accountStack: check,
    };

    test('deploys it first when it does not exist, then the environment', async () => {
      const h = harness({});
      await expect(runPlan(deployPlan, h.effects, { annotate: false })).resolves.toBe(EXIT_OK);
      expect(h.lister).toHaveBeenCalledWith('us-east-1', 'genai-account');
      expect(h.ran).toEqual(['account', 'dev']);
    });

    test('leaves it alone when it exists', async () => {
      const h = harness({}, async () => [{ name: 'genai-account', status: 'UPDATE_COMPLETE' }]);
      await runPlan(deployPlan, h.effects, { annotate: false });
      expect(h.ran).toEqual(['dev']);
    });

    test('is not fooled by another stack whose name only starts the same', async () => {
      const h = harness({}, async () => [{ name: 'genai-account-old', status: 'CREATE_COMPLETE' }]);
      await runPlan(deployPlan, h.effects, { annotate: false });
      expect(h.ran).toEqual(['account', 'dev']);
    });

    test('a failed account deploy still deploys the environment, and fails the run saying the budget is missing', async () => {
      const h = harness({ account: 1 });
      await expect(runPlan(deployPlan, h.effects, { annotate: false })).resolves.toBe(EXIT_FAILED);
      expect(h.ran).toEqual(['account', 'dev']);
      expect(h.err[0]).toBe('genai-account: cdk deploy exited with 1 (the environment is deployed anyway; its budget is not)');
    });

    test('when stacks cannot be listed, says how to deploy it by hand and deploys the environment', async () => {
      const h = harness({}, async () => {
        throw new Error('AccessDenied');
      });
      await expect(runPlan(deployPlan, h.effects, { annotate: false })).resolves.toBe(EXIT_OK);
      expect(h.ran).toEqual(['dev']);
      expect(h.err[0]).toBe(
        "could not check for the account stack genai-account in us-east-1 (AccessDenied); if it is missing, deploy it: npx cdk deploy -c env=account 'account/*' --require-approval never",
      );
    });
  });

  test('an environment whose config did not load fails the run after the others ran', async () => {
    const h = harness({});
    const plan: EnvCommandPlan = { ...destroyPlan('qa'), problems: [{ environment: 'dev', message: 'region: is required' }] };
    await expect(runPlan(plan, h.effects, { annotate: false })).resolves.toBe(EXIT_FAILED);
    expect(h.ran).toEqual(['qa']);
    expect(h.err.at(-1)).toBe('\ndestroy: 1 of 2 environment(s) failed:\n  - dev: could not load its config: region: is required');
  });

  test('with no ephemeral environment there is nothing to do', async () => {
    const h = harness({});
    const plan: EnvCommandPlan = { ...destroyPlan(), skipped: ['prod'] };
    await expect(runPlan(plan, h.effects, { annotate: false })).resolves.toBe(EXIT_OK);
    expect(h.out).toEqual(['Not ephemeral, left alone: prod', 'Nothing to destroy: no environment is marked ephemeral.']);
  });
});

describe('describeRemaining', () => {
  const dev = { environment: 'dev', region: 'eu-west-1' };

  test('says so when no stack is left', async () => {
    await expect(describeRemaining(dev, async () => [])).resolves.toEqual([
      'dev: no genai-dev-* stack is left in eu-west-1; the failure was outside CloudFormation (rerun the destroy)',
    ]);
  });

  test('says what to check by hand when the stacks cannot be listed', async () => {
    const denied: ListStacks = async () => {
      throw new Error('AccessDenied');
    };
    await expect(describeRemaining(dev, denied)).resolves.toEqual([
      'dev: could not list the stacks left in eu-west-1 (AccessDenied); check genai-dev-* by hand',
    ]);
  });
});

test('stack names follow the stage naming', () => {
  expect(stackPrefix('dev')).toBe('genai-dev-');
});
