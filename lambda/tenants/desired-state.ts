// zod/mini, as the authorizer: the classic build pulls ~400 KB into the bundle, mini ~20 KB.
import * as z from 'zod/mini';
import { BUDGET_DURATION, consumerOfRetiredAlias, type DesiredTenants } from '../../lib/shared/tenants';

const count = z.number('a whole number, 0 or more').check(z.int('a whole number, 0 or more'), z.gte(0, 'a whole number, 0 or more'));
const limits = {
  maxBudgetUsd: z.optional(z.number('an amount in USD, 0 or more').check(z.gte(0, 'an amount in USD, 0 or more'))),
  budgetDuration: z.optional(z.string().check(z.regex(BUDGET_DURATION, 'a LiteLLM duration such as 30d or 1mo'))),
  tpmLimit: z.optional(count),
  rpmLimit: z.optional(count),
  maxParallelRequests: z.optional(count),
};
const name = z.string().check(z.regex(/^[a-z][a-z0-9-]{1,62}$/, 'lowercase letters, digits and dashes, starting with a letter'));
const tags = z.record(z.string(), z.string());

const schema = z.object({
  environment: z.string().check(z.minLength(1)),
  teams: z.array(
    z.object({
      alias: name,
      models: z.array(z.string().check(z.minLength(1))),
      mcpServers: z.optional(z.array(z.string().check(z.minLength(1)))),
      tags,
      ...limits,
    }),
  ),
  consumers: z.array(
    z.object({
      name,
      team: z.string(),
      // Absent for a built-in consumer (Open WebUI's key), which no token names.
      clientId: z.optional(z.string().check(z.minLength(1))),
      secretArn: z.string().check(z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, 'a Secrets Manager secret ARN')),
      tags,
      ...limits,
    }),
  ),
});

/**
 * The custom resource's `DesiredTenants` property (one JSON string, see constructs/tenants-reconciler.ts),
 * validated before any call: a bad value fails the deploy with every problem in one message.
 */
export function parseDesiredTenants(json: unknown): DesiredTenants {
  if (typeof json !== 'string') throw new Error('DesiredTenants: expected the desired state as one JSON string');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new Error(`DesiredTenants: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = schema.safeParse(value);
  const problems = parsed.success
    ? crossChecks(parsed.data)
    : parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (problems.length > 0) throw new Error(`DesiredTenants: ${problems.join('; ')}`);
  return parsed.data as DesiredTenants;
}

function crossChecks(d: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  const teams = new Set<string>();
  d.teams.forEach((t, i) => {
    if (teams.has(t.alias)) problems.push(`teams.${i}.alias: "${t.alias}" is declared twice`);
    teams.add(t.alias);
  });
  const consumers = new Set<string>();
  d.consumers.forEach((c, i) => {
    if (consumers.has(c.name)) problems.push(`consumers.${i}.name: "${c.name}" is declared twice`);
    consumers.add(c.name);
    if (!teams.has(c.team)) problems.push(`consumers.${i}.team: "${c.team}" is not a declared team`);
    // A retired alias (`<consumer>.retired-<epoch>`) is never a consumer name; the name pattern already rules it out.
    if (consumerOfRetiredAlias(c.name) !== undefined) problems.push(`consumers.${i}.name: "${c.name}" looks like a retired key alias`);
  });
  return problems;
}
