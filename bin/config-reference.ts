/** Writes docs/configuration.md from the config schema, or checks that the committed one is current. */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { accountSchema } from '../lib/config/account-schema';
import { environmentSchema } from '../lib/config/schema';
import { readFieldDocs } from './config-reference-docs';
import { renderConfigReference, type JsonSchema } from './config-reference-render';
import { runMain, unknownOption, type Command } from './run-main';

const ROOT = join(__dirname, '..');
export const CONFIG_REFERENCE_PATH = 'docs/configuration.md';
const CONFIG_DIR = join(ROOT, 'lib', 'config');

export const CONFIG_REFERENCE_USAGE = `Usage: npm run config:reference            write ${CONFIG_REFERENCE_PATH}
       npm run config:reference:check      exit 1 when the committed ${CONFIG_REFERENCE_PATH} is stale

Renders every field of the environment config (lib/config/schema.ts) and of the account-level settings
(lib/config/account-schema.ts) with its type, default, allowed values
and the schema's comment. Exit codes: 0 written or current, 1 stale (--check), 2 bad arguments.`;

/** The reference as the schema renders it now. */
export function currentConfigReference(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const files = readdirSync(CONFIG_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(CONFIG_DIR, f));
  const account = z.toJSONSchema(accountSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return renderConfigReference(schema, readFieldDocs(files), 'npm run config:reference', account);
}

function main(argv: readonly string[]): Promise<number> {
  const option = argv.find((a) => a !== '--check');
  if (option !== undefined) throw unknownOption(option, ['--check']);
  const expected = currentConfigReference();
  const path = join(ROOT, CONFIG_REFERENCE_PATH);
  const actual = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (argv.includes('--check')) {
    if (actual !== expected) {
      process.stderr.write(`${CONFIG_REFERENCE_PATH} is stale: run \`npm run config:reference\` and commit it\n`);
      return Promise.resolve(1);
    }
    process.stdout.write(`${CONFIG_REFERENCE_PATH} is up to date.\n`);
    return Promise.resolve(0);
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, expected);
  process.stdout.write(`${actual === expected ? 'Unchanged' : 'Wrote'} ${CONFIG_REFERENCE_PATH}.\n`);
  return Promise.resolve(0);
}

export const configReferenceCommand: Command = { name: 'config:reference', usage: CONFIG_REFERENCE_USAGE, main };

if (require.main === module) runMain(configReferenceCommand);
