#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ENVIRONMENTS, DEFAULT_ENVIRONMENT } from '../lib/config/environments';
import { ACCOUNT_STAGE } from '../lib/account-stack';
import { ConfigError, loadAccountSettings, loadEnvironment } from '../lib/config/load-config';
import { createAccountStage, createStacks } from '../lib/create-stacks';

// The only place that reads context or process.env: everything below takes plain config.
const app = new App({
  // CDK's built-in template validator costs about 4 s per synth of these templates, twice the rest of
  // synth. CI runs it (CDK_BUILTIN_VALIDATION=true in `npm run synth:all`) and cfn-lint, a superset, on
  // every template; the local loop skips it unless asked.
  builtinCloudFormationValidation: process.env.CDK_BUILTIN_VALIDATION === 'true',
});
const requested = String(app.node.tryGetContext('env') ?? DEFAULT_ENVIRONMENT);
const names = requested === 'all' ? [...Object.keys(ENVIRONMENTS), ACCOUNT_STAGE] : requested.split(',').map((n) => n.trim());
const fallbacks = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
// The account stage budgets every environment, so it needs all of them, deployed or not.
const withAccount = names.includes(ACCOUNT_STAGE);
const environmentNames = withAccount ? Object.keys(ENVIRONMENTS) : names;

// Validate every requested environment before building any construct, so a bad config synthesizes nothing.
const errors: string[] = [];
const attempt = <T>(load: () => T): T[] => {
  try {
    return [load()];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    errors.push(e.message);
    return [];
  }
};
const configs = environmentNames.flatMap((name) => attempt(() => loadEnvironment(name, fallbacks)));
const account = withAccount ? attempt(() => loadAccountSettings()) : [];
if (errors.length > 0) {
  process.stderr.write(`${errors.join('\n')}\n`);
  process.exit(1);
}

for (const config of configs) {
  if (!names.includes(config.name)) continue;
  // A region left out of the overlay is the shell's: say which, so a deploy never lands somewhere by surprise.
  if (ENVIRONMENTS[config.name]?.region === undefined) {
    process.stderr.write(
      `${config.name}: no region in lib/config/environments/${config.name}.ts; using ${config.region} from CDK_DEFAULT_REGION\n`,
    );
  }
  createStacks(app, config);
}
for (const settings of account) createAccountStage(app, settings, configs, fallbacks.account);
