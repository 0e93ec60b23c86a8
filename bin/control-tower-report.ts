/**
 * Checks every environment against the AWS Control Tower proactive controls (cfn-guard rules from
 * @cdklabs/cdk-validator-cfnguard) and prints, per environment, how many controls were evaluated, passed and excepted.
 */
import { App } from 'aws-cdk-lib';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkControlTower, staleExceptions, summaryLine, type ControlTowerReport } from '../lib/compliance/control-tower';
import { ENVIRONMENTS } from '../lib/config/environments';
import { loadAccountSettings, loadEnvironment } from '../lib/config/load-config';
import { createAccountStage, createStacks } from '../lib/create-stacks';
import { ACCOUNT_STAGE } from '../lib/shared/account';
import { UsageError, runMain, unknownOption, type Command } from './run-main';

export const COMPLIANCE_USAGE = `Usage: npm run compliance [-- <env> ...]

Synthesizes each environment (all of them and the account-level stage, \`${ACCOUNT_STAGE}\`, when none is named) and checks its templates against the AWS Control
Tower proactive controls that @cdklabs/cdk-validator-cfnguard ships as cfn-guard rules. Prints per environment
the controls evaluated, passed, excepted and failed, then each failure with its construct path.
Exit codes: 0 no finding outside lib/compliance/control-tower-exceptions.ts; 1 a finding, or (with every
environment) an exception that matches nothing; 2 bad arguments or an invalid config.`;

/** The feature flags `cdk synth` passes from cdk.json; no bundling, since Lambda code is not what the controls read. */
function appContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] };
}

function check(name: string): ControlTowerReport {
  const outdir = mkdtempSync(join(tmpdir(), `control-tower-${name}-`));
  try {
    const app = new App({ outdir, context: appContext(), builtinCloudFormationValidation: false });
    if (name === ACCOUNT_STAGE) {
      const environments = Object.keys(ENVIRONMENTS).map((env) => loadEnvironment(env, { region: 'us-east-1' }));
      // Never destroyed: only the exceptions that hold everywhere apply.
      return checkControlTower(createAccountStage(app, loadAccountSettings(), environments), { ephemeral: false });
    }
    const config = loadEnvironment(name, { region: 'us-east-1' });
    return checkControlTower(createStacks(app, config), { ephemeral: config.ephemeral });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function failures(report: ControlTowerReport): string[] {
  return report.failures.map((f) => `  FAIL ${f.control} ${f.path}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const option = argv.find((a) => a.startsWith('-'));
  if (option !== undefined) throw unknownOption(option, []);
  const known = [...Object.keys(ENVIRONMENTS), ACCOUNT_STAGE];
  const names = argv.length > 0 ? argv : known;
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown environment ${unknown.map((n) => `"${n}"`).join(', ')} (allowed: ${known.join(', ')})`);
  }
  const reports = names.map((name) => {
    const report = check(name);
    process.stdout.write(`${[summaryLine(report), ...failures(report)].join('\n')}\n`);
    return report;
  });
  // An exception may name a resource of one environment only: whether it still matches anything needs all of them.
  const stale = Object.keys(ENVIRONMENTS).every((n) => names.includes(n)) ? staleExceptions(reports) : [];
  for (const use of stale) process.stdout.write(`STALE exception ${use.exception.control} ${use.pattern}: matches nothing, remove it\n`);
  const ok = reports.every((r) => r.failures.length === 0) && stale.length === 0;
  if (!ok) process.stdout.write('Fix the resource, or add a reasoned exception in lib/compliance/control-tower-exceptions.ts.\n');
  return Promise.resolve(ok ? 0 : 1);
}

export const complianceCommand: Command = { name: 'compliance', usage: COMPLIANCE_USAGE, main };

if (require.main === module) runMain(complianceCommand);
