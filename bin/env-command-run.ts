/**
 * Runs an EnvCommandPlan through injected effects (process runner, CloudFormation stack lister, output), so the
 * order, the continue-past-failure rule, the exit code and the "what is left" report are unit-tested without AWS.
 */
import {
  EXIT_FAILED,
  EXIT_OK,
  errorMessage,
  formatInvocation,
  type AccountStackCheck,
  type CdkInvocation,
  type EnvCommandPlan,
} from './env-command-plan';

/** A stack that still exists after a failed destroy. */
export interface RemainingStack {
  readonly name: string;
  readonly status: string;
  readonly reason?: string;
}

/** Lists the CloudFormation stacks in `region` whose names start with `prefix` and are not deleted. */
export type ListStacks = (region: string, prefix: string) => Promise<readonly RemainingStack[]>;

export interface RunEffects {
  /** Runs one invocation to completion; resolves to its exit code (non-zero for a signal or spawn failure). */
  readonly run: (invocation: CdkInvocation) => Promise<number>;
  readonly listStacks: ListStacks;
  readonly info: (line: string) => void;
  readonly error: (line: string) => void;
}

export interface RunOptions {
  /** Prefix failure lines with GitHub Actions' `::error::` so they surface as annotations. */
  readonly annotate: boolean;
}

/** CloudFormation stack names of one environment (see lib/platform-stage.ts). */
export function stackPrefix(environment: string): string {
  return `genai-${environment}-`;
}

/** Runs every invocation in turn, never stopping at a failure; returns the process exit code. */
export async function runPlan(plan: EnvCommandPlan, effects: RunEffects, options: RunOptions): Promise<number> {
  const fail = (line: string) => effects.error(options.annotate ? `::error::${line}` : line);
  const failures: string[] = plan.problems.map((p) => `${p.environment}: could not load its config: ${p.message}`);
  for (const problem of plan.problems) fail(`${problem.environment}: skipped, config did not load: ${problem.message}`);
  if (plan.skipped.length > 0) effects.info(`Not ephemeral, left alone: ${plan.skipped.join(', ')}`);
  if (plan.invocations.length === 0 && plan.problems.length === 0) {
    effects.info(`Nothing to ${plan.verb}: no environment is marked ephemeral.`);
    return EXIT_OK;
  }

  if (plan.accountStack) {
    const problem = await ensureAccountStack(plan.accountStack, effects);
    if (problem) {
      failures.push(problem);
      fail(problem);
    }
  }

  for (const invocation of plan.invocations) {
    effects.info(`\n==> ${plan.verb} ${invocation.environment}: ${formatInvocation(invocation)}`);
    const code = await effects.run(invocation);
    if (code === 0) {
      effects.info(`==> ${plan.verb} ${invocation.environment}: done`);
      continue;
    }
    failures.push(`${invocation.environment}: cdk ${plan.verb} exited with ${code}`);
    fail(`${plan.verb} ${invocation.environment} failed (cdk exited with ${code})`);
    if (plan.verb === 'destroy') {
      for (const line of await describeRemaining(invocation, effects.listStacks)) fail(line);
    }
  }

  if (failures.length === 0) return EXIT_OK;
  const total = plan.invocations.length + plan.problems.length;
  effects.error(`\n${plan.verb}: ${failures.length} of ${total} environment(s) failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  return EXIT_FAILED;
}

/**
 * Deploys the account-level stack when it does not exist yet (its budgets must outlive every environment). Returns a
 * failure line, or undefined. Could it not be listed, it says how to deploy it by hand and lets the environment deploy.
 */
export async function ensureAccountStack(check: AccountStackCheck, effects: RunEffects): Promise<string | undefined> {
  let stacks: readonly RemainingStack[];
  try {
    stacks = await effects.listStacks(check.region, check.stackName);
  } catch (e) {
    effects.error(
      `could not check for the account stack ${check.stackName} in ${check.region} (${errorMessage(e)}); if it is missing, deploy it: ${formatInvocation(check.invocation)}`,
    );
    return undefined;
  }
  if (stacks.some((s) => s.name === check.stackName && !s.status.startsWith('DELETE_'))) return undefined;
  effects.info(`\n==> ${check.stackName} (budgets, cost alerts) is not deployed yet: ${formatInvocation(check.invocation)}`);
  const code = await effects.run(check.invocation);
  if (code === 0) {
    effects.info(`==> ${check.stackName}: done`);
    return undefined;
  }
  return `${check.stackName}: cdk deploy exited with ${code} (the environment is deployed anyway; its budget is not)`;
}

/** One line per stack left behind, or why they could not be listed. */
export async function describeRemaining(
  invocation: Pick<CdkInvocation, 'environment' | 'region'>,
  listStacks: ListStacks,
): Promise<string[]> {
  const prefix = stackPrefix(invocation.environment);
  let stacks: readonly RemainingStack[];
  try {
    stacks = await listStacks(invocation.region, prefix);
  } catch (e) {
    return [
      `${invocation.environment}: could not list the stacks left in ${invocation.region} (${errorMessage(e)}); check ${prefix}* by hand`,
    ];
  }
  if (stacks.length === 0) {
    return [
      `${invocation.environment}: no ${prefix}* stack is left in ${invocation.region}; the failure was outside CloudFormation (rerun the destroy)`,
    ];
  }
  return [
    `${invocation.environment}: ${stacks.length} stack(s) left in ${invocation.region}:`,
    ...stacks.map((s) => `  ${s.name} ${s.status}${s.reason ? `: ${s.reason}` : ''}`),
  ];
}
