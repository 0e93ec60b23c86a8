import { z } from 'zod';
import { ACCOUNT_SETTINGS } from './account';
import { accountSchema, type AccountConfig, type AccountInput } from './account-schema';
import { ENVIRONMENTS } from './environments';
import { environmentSchema, type EnvironmentConfig, type EnvironmentInput } from './schema';

/** Thrown when a config is invalid; the message lists every problem, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid config for environment "${environment}":\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Values from the CDK CLI's environment, used where an overlay is silent. */
export interface ConfigFallbacks {
  readonly account?: string;
  readonly region?: string;
}

/** Validates one overlay; throws ConfigError listing every problem. */
export function parseEnvironment(input: EnvironmentInput, fallbacks: ConfigFallbacks = {}): EnvironmentConfig {
  const withFallbacks = {
    ...input,
    account: input.account ?? fallbacks.account,
    region: input.region ?? fallbacks.region,
  };
  const result = environmentSchema.safeParse(withFallbacks, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(String(input.name ?? '?'), result.error.issues.map(formatIssue));
  }
  return result.data;
}

/** Looks up an environment by name and validates it. */
export function loadEnvironment(
  name: string,
  fallbacks: ConfigFallbacks = {},
  environments: Readonly<Record<string, EnvironmentInput>> = ENVIRONMENTS,
): EnvironmentConfig {
  const input = Object.prototype.hasOwnProperty.call(environments, name) ? environments[name] : undefined;
  if (!input) {
    throw new ConfigError(name, [`env: unknown environment "${name}" (allowed: ${Object.keys(environments).join(', ')})`]);
  }
  if (input.name !== name) {
    throw new ConfigError(name, [`name: "${String(input.name)}" does not match its key "${name}" (allowed: the key it is listed under)`]);
  }
  return parseEnvironment(input, fallbacks);
}

/** Validates the account-level settings (lib/config/account.ts); throws ConfigError for "account" listing every problem. */
export function loadAccountSettings(input: AccountInput = ACCOUNT_SETTINGS): AccountConfig {
  const result = accountSchema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ConfigError('account', result.error.issues.map(formatIssue));
  return result.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '') ||
    '(root)'
  );
}

function formatIssue(issue: z.core.$ZodIssue): string {
  return `${formatPath(issue.path)}: ${describe(issue)}`;
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (!issue.message.startsWith('Invalid input')) return issue.message;
      if (issue.input === undefined) return 'is required';
      return `must be ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`} (got ${JSON.stringify(issue.input) ?? typeName(issue.input)})`;
    case 'invalid_value':
      return `${JSON.stringify(issue.input)} is not allowed (allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')})`;
    case 'invalid_union':
      if ('options' in issue && issue.options) {
        const input = issue.input as Record<string, unknown> | undefined;
        const value = input && typeof input === 'object' && issue.discriminator ? input[issue.discriminator] : input;
        return `${JSON.stringify(value)} is not allowed (allowed: ${issue.options.map((v) => JSON.stringify(v)).join(', ')})`;
      }
      return issue.message;
    case 'too_small':
      if (!isDefaultMessage(issue)) return issue.message;
      return `${JSON.stringify(issue.input)} is below the minimum (allowed: ${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)})`;
    case 'too_big':
      if (!isDefaultMessage(issue)) return issue.message;
      return `${JSON.stringify(issue.input)} is above the maximum (allowed: ${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)})`;
    case 'not_multiple_of':
      return `${JSON.stringify(issue.input)} is not a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} (remove or fix the spelling)`;
    case 'invalid_format':
      return issue.message;
    case 'invalid_key':
      // A record key that failed its own check: its message says what a key must look like.
      return issue.issues.map((inner) => inner.message).join('; ');
    default:
      return issue.message;
  }
}

/** Zod's own wording for a check; a schema's custom message reads better as is. */
function isDefaultMessage(issue: z.core.$ZodIssue): boolean {
  return /^(Too (small|big)|Invalid input)/.test(issue.message);
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
