/**
 * Pure planning for `npm run diff|deploy|destroy`: parses the arguments, decides which environments to act on
 * and builds the exact `cdk` argv for each. Nothing here spawns a process or calls AWS.
 */
import type { EnvironmentConfig } from '../lib/config/schema';
import { ACCOUNT_STACK_NAME, ACCOUNT_STACK_REGION, ACCOUNT_STAGE } from '../lib/shared/account';
import { UsageError } from './run-main';

export const VERBS = ['diff', 'deploy', 'destroy'] as const;
export type Verb = (typeof VERBS)[number];

/** Deliberately long: destroying a retained environment must never be one habitual `--force` away. */
export const FORCE_NON_EPHEMERAL_FLAG = '--force-non-ephemeral';
export const ALL_EPHEMERAL_FLAG = '--all-ephemeral';

export const USAGE = [
  'Usage:',
  '  npm run diff -- <env>                          cdk diff of the environment against what is deployed',
  '  npm run deploy -- <env>                        non-interactive deploy; outputs in cdk.out/<env>-outputs.json',
  `  npm run destroy -- <env> [${FORCE_NON_EPHEMERAL_FLAG}]   refuses an environment not marked ephemeral unless forced`,
  `  npm run destroy -- ${ALL_EPHEMERAL_FLAG}             every ephemeral environment in turn (the end-of-day workflow)`,
  '',
  '<env> is a file name in lib/config/environments/. Exit codes: 0 done, 1 a cdk run failed, 2 nothing run',
  '(bad arguments, an unknown or invalid environment, a refusal).',
].join('\n');

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './run-main';

export interface EnvCommandRequest {
  readonly verb: Verb;
  /** One environment name, or every environment marked `ephemeral` (destroy only). */
  readonly target: { readonly environment: string } | { readonly allEphemeral: true };
  readonly forceNonEphemeral: boolean;
}

/** Parses `<verb> <env> [flags]` (the npm script supplies the verb). */
export function parseArgs(argv: readonly string[]): EnvCommandRequest {
  const [verb, ...rest] = argv;
  if (!isVerb(verb)) {
    throw new UsageError(`unknown command "${String(verb)}" (allowed: ${VERBS.join(', ')})`);
  }
  const flags = rest.filter((a) => a.startsWith('-'));
  const names = rest.filter((a) => !a.startsWith('-'));
  for (const flag of flags) {
    if (flag === '--force') {
      throw new UsageError(
        `--force is not an option: destroy never prompts. To destroy an environment that is not ephemeral, pass ${FORCE_NON_EPHEMERAL_FLAG}`,
      );
    }
    const allowed = verb === 'destroy' ? [FORCE_NON_EPHEMERAL_FLAG, ALL_EPHEMERAL_FLAG] : [];
    if (!allowed.includes(flag)) {
      throw new UsageError(`unknown option "${flag}" for ${verb} (allowed: ${allowed.join(', ') || 'none'})`);
    }
  }
  const allEphemeral = flags.includes(ALL_EPHEMERAL_FLAG);
  const forceNonEphemeral = flags.includes(FORCE_NON_EPHEMERAL_FLAG);
  if (allEphemeral) {
    if (names.length > 0) throw new UsageError(`${ALL_EPHEMERAL_FLAG} takes no environment name (got ${names.join(' ')})`);
    if (forceNonEphemeral) throw new UsageError(`${ALL_EPHEMERAL_FLAG} cannot be combined with ${FORCE_NON_EPHEMERAL_FLAG}`);
    return { verb, target: { allEphemeral: true }, forceNonEphemeral };
  }
  const [environment, ...extra] = names;
  if (environment === undefined) throw new UsageError(`${verb} needs an environment name`);
  if (extra.length > 0) throw new UsageError(`${verb} takes one environment name (got ${names.join(' ')})`);
  if (environment === 'all') throw new UsageError(`${verb} acts on one environment at a time ("all" is for synth only)`);
  return { verb, target: { environment }, forceNonEphemeral };
}

function isVerb(value: string | undefined): value is Verb {
  return (VERBS as readonly string[]).includes(value ?? '');
}

export interface CdkInvocationOptions {
  /** Running in CI: no colour, event-per-line progress (log-friendly). */
  readonly ci: boolean;
}

/** One `cdk` CLI run, as an argv (never a shell string). */
export interface CdkInvocation {
  readonly environment: string;
  readonly region: string;
  readonly command: string;
  readonly args: readonly string[];
}

/** The exact `npx cdk ...` argv for one environment's stage. */
export function cdkInvocation(
  verb: Verb,
  config: Pick<EnvironmentConfig, 'name' | 'region'>,
  options: CdkInvocationOptions,
): CdkInvocation {
  const env = config.name;
  const stacks = `${env}/*`;
  const common = options.ci ? ['--no-color'] : [];
  const byVerb: Record<Verb, string[]> = {
    // Template diff uses the read-only lookup role: a pull request's diff never needs deploy rights or leaves change sets.
    diff: ['diff', '--context', `env=${env}`, stacks, '--method', 'template', '--fail-on', 'never'],
    deploy: [
      'deploy',
      '-c',
      `env=${env}`,
      stacks,
      '--require-approval',
      'never',
      '--concurrency',
      '2',
      '--outputs-file',
      `cdk.out/${env}-outputs.json`,
      ...(options.ci ? ['--progress', 'events'] : []),
    ],
    destroy: ['destroy', '-c', `env=${env}`, stacks, '--force'],
  };
  return { environment: env, region: config.region, command: 'npx', args: ['cdk', ...byVerb[verb], ...common] };
}

/** The account-level stack (budgets, cost alerts) a deploy makes sure exists first, and how to deploy it. */
export interface AccountStackCheck {
  readonly stackName: string;
  readonly region: string;
  readonly invocation: CdkInvocation;
}

/** What to run, and the environments that could not be planned (their problem, one line each). */
export interface EnvCommandPlan {
  readonly verb: Verb;
  readonly invocations: readonly CdkInvocation[];
  readonly problems: readonly { readonly environment: string; readonly message: string }[];
  /** Environments left alone on purpose (not ephemeral, under --all-ephemeral). */
  readonly skipped: readonly string[];
  /** Deploy only: the account stack to deploy first when it does not exist yet. Destroy never touches it. */
  readonly accountStack?: AccountStackCheck;
}

/** `cdk deploy` of the account-level stage; nothing else ever names it, destroy least of all. */
export function accountStackInvocation(options: CdkInvocationOptions): CdkInvocation {
  return {
    environment: ACCOUNT_STAGE,
    region: ACCOUNT_STACK_REGION,
    command: 'npx',
    args: [
      'cdk',
      'deploy',
      '-c',
      `env=${ACCOUNT_STAGE}`,
      `${ACCOUNT_STAGE}/*`,
      '--require-approval',
      'never',
      ...(options.ci ? ['--progress', 'events', '--no-color'] : []),
    ],
  };
}

/** Loads one environment's validated config; throws (e.g. ConfigError) when unknown or invalid. */
export type LoadConfig = (name: string) => EnvironmentConfig;

/**
 * Plans a request. A single-environment request that fails validation or is refused throws UsageError, so nothing
 * runs. Under --all-ephemeral an environment that fails to load is reported as a problem and the rest still run.
 */
export function planEnvCommand(
  request: EnvCommandRequest,
  environmentNames: readonly string[],
  load: LoadConfig,
  options: CdkInvocationOptions,
): EnvCommandPlan {
  const { verb } = request;
  if ('environment' in request.target) {
    const config = loadOrThrow(load, request.target.environment);
    if (verb === 'destroy' && !config.ephemeral && !request.forceNonEphemeral) {
      throw new UsageError(
        `refusing to destroy "${config.name}": it is not marked ephemeral (its data is retained and deletion-protected). ` +
          `If you really mean it, pass ${FORCE_NON_EPHEMERAL_FLAG}.`,
      );
    }
    const plan = { verb, invocations: [cdkInvocation(verb, config, options)], problems: [], skipped: [] };
    if (verb !== 'deploy') return plan;
    return {
      ...plan,
      accountStack: { stackName: ACCOUNT_STACK_NAME, region: ACCOUNT_STACK_REGION, invocation: accountStackInvocation(options) },
    };
  }
  const invocations: CdkInvocation[] = [];
  const problems: { environment: string; message: string }[] = [];
  const skipped: string[] = [];
  for (const name of environmentNames) {
    let config: EnvironmentConfig;
    try {
      config = load(name);
    } catch (e) {
      problems.push({ environment: name, message: errorMessage(e) });
      continue;
    }
    if (config.ephemeral) invocations.push(cdkInvocation(verb, config, options));
    else skipped.push(name);
  }
  return { verb, invocations, problems, skipped };
}

function loadOrThrow(load: LoadConfig, name: string): EnvironmentConfig {
  try {
    return load(name);
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** For humans: the argv as one copy-pasteable line (display only; never executed through a shell). */
export function formatInvocation(invocation: Pick<CdkInvocation, 'command' | 'args'>): string {
  return [invocation.command, ...invocation.args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
