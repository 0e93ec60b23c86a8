#!/usr/bin/env node
/**
 * `npm run smoke -- <env> [options]`: the post-deploy check (see SMOKE_USAGE in ./smoke-args, or --help).
 * Exit codes: 0 every check passed, 1 a check failed or was skipped, 2 nothing checked (arguments or config).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadEnvironment } from '../lib/config/load-config';
import { errorMessage } from './env-command-plan';
import { SMOKE_USAGE, parseSmokeArgs, planSmoke, type SmokePlan } from './smoke-args';
import { awsSmokeDeps } from './smoke-aws';
import { runSmoke } from './smoke-run';
import { UsageError, runMain, type Command } from './run-main';

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as unknown;
}

async function main(argv: readonly string[]): Promise<number> {
  const request = parseSmokeArgs(argv);
  if (request === 'help') {
    process.stdout.write(`${SMOKE_USAGE}\n`);
    return 0;
  }
  const fallbacks = { region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION };
  let plan: SmokePlan;
  try {
    plan = planSmoke(request, loadEnvironment(request.environment, fallbacks));
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(errorMessage(e));
  }
  return runSmoke(plan, {
    ...awsSmokeDeps(),
    fetch,
    now: Date.now,
    sleep: (ms) => sleep(ms),
    randomId: () => randomBytes(6).toString('hex'),
    readJsonFile,
    print: (line) => process.stdout.write(`${line}\n`),
    annotate: process.env.GITHUB_ACTIONS === 'true',
  });
}

export const smokeCommand: Command = { name: 'smoke', usage: SMOKE_USAGE, main };

if (require.main === module) runMain(smokeCommand);
