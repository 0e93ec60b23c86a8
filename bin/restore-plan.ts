#!/usr/bin/env node
/**
 * `npm run restore-plan -- <env>`: prints, from the deployed data stack, which recovery points exist for each store
 * and the commands that would restore them. Read-only: it lists and describes, and runs none of what it prints.
 * Exit codes: 0 printed, 1 an AWS call failed, 2 bad arguments or unknown environment.
 */
import { ENVIRONMENTS } from '../lib/config/environments';
import { ConfigError, loadEnvironment } from '../lib/config/load-config';
import { DATA_OUTPUTS, dataStackName } from '../lib/shared/data-outputs';
import { awsRestoreReader, type RestoreReader } from './restore-plan-aws';
import { buildRestorePlan } from './restore-plan-build';
import { runMain, unknownOption, type Command } from './run-main';

export const RESTORE_PLAN_USAGE = 'Usage: npm run restore-plan -- <env>';

/** The whole command, with its reader and output injected (tests pass fakes). */
export async function restorePlan(
  argv: readonly string[],
  reader: RestoreReader,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || rest.length > 0 || name.startsWith('-')) {
    err(`restore-plan takes one environment name (allowed: ${Object.keys(ENVIRONMENTS).join(', ')})\n${RESTORE_PLAN_USAGE}`);
    return 2;
  }
  let region: string;
  try {
    region = loadEnvironment(name, { region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION }).region;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(`${e.message}\n${RESTORE_PLAN_USAGE}`);
    return 2;
  }
  try {
    const outputs = await reader.stackOutputs(region, dataStackName(name));
    const vault = outputs[DATA_OUTPUTS.backupVault];
    const cluster = outputs[DATA_OUTPUTS.auroraCluster];
    const plan = buildRestorePlan({
      environment: name,
      region,
      outputs,
      ...(vault ? { recoveryPoints: await reader.recoveryPoints(region, vault) } : {}),
      clusterSnapshots: cluster ? await reader.clusterSnapshots(region, cluster) : [],
    });
    for (const line of plan) out(line);
    return 0;
  } catch (e) {
    err(`restore-plan ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

export const restorePlanCommand: Command = {
  name: 'restore-plan',
  usage: `${RESTORE_PLAN_USAGE}

Prints, from the deployed data stack of <env>, the recovery points of each store (AWS Backup, Aurora snapshots)
and the commands that would restore each into something new. Read-only: it runs none of what it prints.
Exit codes: 0 printed; 1 an AWS call failed; 2 bad arguments or an unknown environment.`,
  main: (argv) => {
    const option = argv.find((a) => a.startsWith('-'));
    if (option !== undefined) throw unknownOption(option, []);
    return restorePlan(
      argv,
      awsRestoreReader(),
      (l) => process.stdout.write(`${l}\n`),
      (l) => process.stderr.write(`${l}\n`),
    );
  },
};

if (require.main === module) runMain(restorePlanCommand);
