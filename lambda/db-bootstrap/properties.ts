import { z } from 'zod';

/**
 * Lower-case PostgreSQL identifiers only: they need no quoting to be used by applications, and
 * 63 bytes is the server's NAMEDATALEN limit (longer names are silently truncated).
 */
export const IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** Databases every cluster already has; taking one over would break the cluster. */
const RESERVED_DATABASES = new Set(['postgres', 'template0', 'template1', 'rdsadmin']);
/** Role names PostgreSQL or RDS reserve, or that CREATE ROLE rejects as keywords. */
const RESERVED_ROLES = new Set(['postgres', 'rdsadmin', 'public', 'none', 'current_user', 'current_role', 'session_user']);
const RESERVED_ROLE_PREFIXES = ['pg_', 'rds_'];

/** Printable ASCII only: a generated password never needs SASLprep normalisation or escaping beyond a literal. */
const PASSWORD_PATTERN = /^[\x20-\x7e]{8,256}$/;

/** One application's database, role and password, ready for the bootstrap. */
export interface ApplicationDatabase {
  readonly name: string;
  readonly username: string;
  readonly password: string;
  /** Extensions the master user creates in the database (the application role may not create them). */
  readonly extensions?: readonly string[];
}

/** Thrown before any SQL runs; the message lists every problem as `path: what is wrong`. */
export class InvalidInputError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidInputError';
  }
}

const IDENTIFIER_RULE = `must match ${IDENTIFIER_PATTERN} (lower-case letters, digits and underscores, at most 63)`;

const databaseName = z.string().superRefine((name, ctx) => {
  if (!IDENTIFIER_PATTERN.test(name)) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is not a valid database name: it ${IDENTIFIER_RULE}` });
  } else if (RESERVED_DATABASES.has(name)) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is reserved; choose an application-specific name` });
  }
});

// Values from secrets are not echoed back: the message names the field only.
const roleName = z.string().superRefine((name, ctx) => {
  if (!IDENTIFIER_PATTERN.test(name)) {
    ctx.addIssue({ code: 'custom', message: `is not a valid role name: it ${IDENTIFIER_RULE}` });
  } else if (RESERVED_ROLES.has(name) || RESERVED_ROLE_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    ctx.addIssue({
      code: 'custom',
      message: `is a reserved role name (${[...RESERVED_ROLES].join(', ')}, or starting with ${RESERVED_ROLE_PREFIXES.join(' or ')})`,
    });
  }
});

const extensionName = z.string().regex(IDENTIFIER_PATTERN, { error: `is not a valid extension name: it ${IDENTIFIER_RULE}` });

const resourcePropertiesSchema = z
  .object({
    MasterSecretArn: z.string().min(1, { error: 'is required (the ARN of the cluster master secret)' }),
    Databases: z
      .array(
        z.object({
          Name: databaseName,
          UserSecretArn: z.string().min(1, { error: 'is required (the ARN of the application user secret)' }),
          Extensions: z
            .array(extensionName)
            .refine((names) => new Set(names).size === names.length, { error: 'lists an extension twice' })
            .optional(),
        }),
      )
      .min(1, { error: 'must list at least one database' }),
  })
  .superRefine((props, ctx) => {
    const seen = new Set<string>();
    props.Databases.forEach((db, index) => {
      if (seen.has(db.Name)) {
        ctx.addIssue({ code: 'custom', path: ['Databases', index, 'Name'], message: `"${db.Name}" is listed twice` });
      }
      seen.add(db.Name);
    });
  });

/** The custom resource's properties, as CloudFormation passes them (every value a string). */
export type ResourceProperties = z.infer<typeof resourcePropertiesSchema>;

const masterSecretSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  host: z.string().min(1),
  // RDS writes a number; accept a numeric string too in case the secret was written by hand.
  port: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().min(1).max(65535)),
  dbname: z.string().min(1).optional(),
});

/** The fields we use from the RDS-generated master secret. */
export type MasterSecret = z.infer<typeof masterSecretSchema>;

const userSecretSchema = z.object({
  username: roleName,
  password: z.string().regex(PASSWORD_PATTERN, { error: 'must be 8 to 256 printable ASCII characters' }),
  dbname: z.string(),
});

/** Validates the resource properties; throws InvalidInputError listing every problem. */
export function parseResourceProperties(input: unknown): ResourceProperties {
  return parseOrThrow(resourcePropertiesSchema, input, 'ResourceProperties');
}

/** Parses the master secret's SecretString; never puts its content in an error. */
export function parseMasterSecret(secretString: string, secretArn: string): MasterSecret {
  const source = `master secret ${secretArn}`;
  return parseOrThrow(masterSecretSchema, parseJson(secretString, source), source);
}

/** Parses one user secret and checks it belongs to `databaseName`; never puts its content in an error. */
export function parseUserSecret(secretString: string, secretArn: string, databaseName: string): ApplicationDatabase {
  const source = `user secret ${secretArn} (database "${databaseName}")`;
  const secret = parseOrThrow(userSecretSchema, parseJson(secretString, source), source);
  if (secret.dbname !== databaseName) {
    // The application connects to the dbname in its secret; a mismatch would point it elsewhere.
    throw new InvalidInputError(source, [`dbname: must be "${databaseName}", the Name it is listed under`]);
  }
  return { name: databaseName, username: secret.username, password: secret.password };
}

/** Checks that applications do not share a role, and none of them is the master user. */
export function checkApplications(masterUsername: string, databases: readonly ApplicationDatabase[]): void {
  const problems: string[] = [];
  const owners = new Map<string, string>();
  for (const db of databases) {
    if (db.username === masterUsername) {
      problems.push(`database "${db.name}": its user secret names the master user; each application needs its own role`);
    }
    const other = owners.get(db.username);
    if (other !== undefined) {
      problems.push(`databases "${other}" and "${db.name}": their user secrets name the same role; each needs its own`);
    }
    owners.set(db.username, db.name);
  }
  if (problems.length > 0) throw new InvalidInputError('application users', problems);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the input, which here is a secret.
    throw new InvalidInputError(source, ['SecretString: is not valid JSON']);
  }
}

function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown, source: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidInputError(
    source,
    result.error.issues.map((issue) => `${formatPath(issue.path) || '(root)'}: ${issue.message}`),
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}
