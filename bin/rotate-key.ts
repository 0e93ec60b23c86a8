#!/usr/bin/env node
/**
 * `npm run rotate-key -- <env> <consumer>`: rotates one consumer's virtual key now (see ROTATE_KEY_USAGE in
 * ./rotate-key-run, or --help). Exit codes: 0 rotation started, 1 AWS refused or failed, 2 arguments or config.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadEnvironment } from '../lib/config/load-config';
import { EXIT_USAGE, UsageError, errorMessage } from './env-command-plan';
import { ROTATE_KEY_USAGE, checkConsumer, parseRotateKeyArgs, rotateKey } from './rotate-key-run';
import { runMain } from './run-main';

async function main(argv: readonly string[]): Promise<number> {
  let request;
  let region: string;
  try {
    const parsed = parseRotateKeyArgs(argv);
    if (parsed === 'help') {
      process.stdout.write(`${ROTATE_KEY_USAGE}\n`);
      return 0;
    }
    request = parsed;
    const fallbacks = { region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION };
    let config;
    try {
      config = loadEnvironment(request.environment, fallbacks);
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError(errorMessage(e));
    }
    checkConsumer(request, config);
    region = config.region;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return EXIT_USAGE;
  }
  const secretsManager = new SecretsManagerClient({ region });
  try {
    return await rotateKey(request, {
      secretsManager,
      print: (line) => process.stdout.write(`${line}\n`),
      printError: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    secretsManager.destroy();
  }
}

runMain(main);
