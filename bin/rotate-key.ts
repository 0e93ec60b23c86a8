#!/usr/bin/env node
/**
 * `npm run rotate-key -- <env> <consumer>`: rotates one consumer's virtual key now (see ROTATE_KEY_USAGE in
 * ./rotate-key-run, or --help). Exit codes: 0 rotation started, 1 AWS refused or failed, 2 arguments or config.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadEnvironment } from '../lib/config/load-config';
import { errorMessage } from './env-command-plan';
import { ROTATE_KEY_USAGE, checkConsumer, parseRotateKeyArgs, rotateKey } from './rotate-key-run';
import { UsageError, runMain, type Command } from './run-main';

async function main(argv: readonly string[]): Promise<number> {
  const request = parseRotateKeyArgs(argv);
  if (request === 'help') {
    process.stdout.write(`${ROTATE_KEY_USAGE}\n`);
    return 0;
  }
  const fallbacks = { region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION };
  let config;
  try {
    config = loadEnvironment(request.environment, fallbacks);
  } catch (e) {
    throw e instanceof UsageError ? e : new UsageError(errorMessage(e));
  }
  checkConsumer(request, config);
  const secretsManager = new SecretsManagerClient({ region: config.region });
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

export const rotateKeyCommand: Command = { name: 'rotate-key', usage: ROTATE_KEY_USAGE, main };

if (require.main === module) runMain(rotateKeyCommand);
