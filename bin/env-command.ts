#!/usr/bin/env node
/**
 * `npm run diff|deploy|destroy -- ...`: the one way to run cdk against an environment, locally and in CI.
 *   npm run diff -- <env>                          cdk diff of the environment's stage
 *   npm run deploy -- <env>                        non-interactive deploy; outputs in cdk.out/<env>-outputs.json
 *   npm run destroy -- <env> [--force-non-ephemeral]
 *   npm run destroy -- --all-ephemeral             every ephemeral environment in turn, past failures
 * Exit codes: 0 done, 1 a cdk run failed, 2 nothing run (bad arguments, unknown or invalid environment, refusal).
 */
import { spawn } from 'node:child_process';
import { ENVIRONMENTS } from '../lib/config/environments';
import { loadEnvironment } from '../lib/config/load-config';
import { USAGE, VERBS, parseArgs, planEnvCommand, type CdkInvocation } from './env-command-plan';
import { runPlan } from './env-command-run';
import { cloudFormationStackLister } from './env-command-stacks';
import { runMain, type Command } from './run-main';

function runCdk(invocation: CdkInvocation): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(invocation.command, [...invocation.args], { stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`could not start ${invocation.command}: ${e.message}\n`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const ci = process.env.CI === 'true';
  const fallbacks = { region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION };
  // A refusal or an invalid environment throws a UsageError or ConfigError: one message, exit 2, nothing run.
  const plan = planEnvCommand(parseArgs(argv), Object.keys(ENVIRONMENTS), (name) => loadEnvironment(name, fallbacks), { ci });
  return runPlan(
    plan,
    {
      run: runCdk,
      listStacks: cloudFormationStackLister(),
      info: (line) => process.stdout.write(`${line}\n`),
      error: (line) => process.stderr.write(`${line}\n`),
    },
    { annotate: process.env.GITHUB_ACTIONS === 'true' },
  );
}

/** The command as one npm script runs it (the script passes its verb first). */
export function envCommand(verb: string | undefined): Command {
  return { name: (VERBS as readonly string[]).includes(verb ?? '') ? (verb as string) : 'deploy', usage: USAGE, main };
}

if (require.main === module) runMain(envCommand(process.argv[2]));
