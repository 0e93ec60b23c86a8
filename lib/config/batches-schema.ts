/**
 * Batch jobs through the edge: the `batches` part of an environment config. Which model groups may run as Bedrock
 * batch inference jobs, and how long their files stay in the batch bucket. What LiteLLM does with it, and why only
 * Bedrock, is in test/contracts/litellm-batches.test.ts.
 */
import { z } from 'zod';
import { BATCH_RETENTION_DAYS, batchModelName, runsBatchJobs } from '../shared/batches';
import type { ModelGroupConfig } from './models-schema';

export const batchesSchema = z.strictObject({
  /**
   * Exposes POST/GET /v1/files, /v1/files/{file_id}(/content), /v1/batches, /v1/batches/{batch_id}(/cancel) at the
   * edge, and creates the batch bucket and Bedrock's batch service role.
   * @default false
   */
  enabled: z.boolean().default(false),
  /**
   * Model groups that may run as batch jobs. Each gets a batch copy named `<group>-batch` that teams are granted
   * like any model name. Bedrock deployments in the environment's region and account only.
   */
  models: z.array(z.string()).default([]),
  /** Days uploaded batch files and job output stay in the bucket before S3 expires them. */
  retentionDays: z
    .number()
    .int()
    .min(
      BATCH_RETENTION_DAYS.min,
      `is below ${BATCH_RETENTION_DAYS.min} (allowed: ${BATCH_RETENTION_DAYS.min} to ${BATCH_RETENTION_DAYS.max} days)`,
    )
    .max(
      BATCH_RETENTION_DAYS.max,
      `is above ${BATCH_RETENTION_DAYS.max} (allowed: ${BATCH_RETENTION_DAYS.min} to ${BATCH_RETENTION_DAYS.max} days)`,
    )
    .default(BATCH_RETENTION_DAYS.default),
});

export type BatchesConfig = z.output<typeof batchesSchema>;

type Issue = (path: (string | number)[], message: string) => void;

/**
 * Batch groups must exist and have at least one deployment that runs batch jobs (runsBatchJobs: Bedrock, this region,
 * this account); the batch copy is made of those. LiteLLM also runs Azure and (since 1.108.7) Gemini batches, but what
 * Azure needs of its deployments for batches was not read here and neither path is wired or tested, so they are left
 * out of the copy rather than half-built; so are Bedrock deployments in other regions or accounts.
 */
export function checkBatches(batches: BatchesConfig, groups: readonly ModelGroupConfig[], region: string, issue: Issue): void {
  if (batches.enabled && batches.models.length === 0) {
    issue(['batches', 'models'], 'is empty while enabled is true (allowed: at least one model group name)');
  }
  if (!batches.enabled && batches.models.length > 0) {
    issue(['batches', 'models'], 'lists model groups while enabled is false (allowed: [] or enabled: true)');
  }
  const names = groups.map((g) => g.name);
  batches.models.forEach((name, i) => {
    const at = ['batches', 'models', i];
    if (batches.models.indexOf(name) !== i) {
      issue(at, `"${name}" is listed twice (allowed: each model group once)`);
      return;
    }
    const group = groups.find((g) => g.name === name);
    if (!group) {
      issue(at, `"${name}" is not a model group (allowed: ${names.join(', ')})`);
      return;
    }
    if (names.includes(batchModelName(name))) {
      issue(at, `"${name}" would get the batch copy "${batchModelName(name)}", which is already a model group (rename that group)`);
    }
    if (!group.deployments.some((d) => runsBatchJobs(d, region))) {
      issue(
        at,
        `"${name}" has no deployment that can run batch jobs (allowed: a group with at least one bedrock deployment in the environment's region ${region} and account)`,
      );
    }
  });
}

/**
 * A team behind a guardrail is served only guarded copies of its models, and a Bedrock batch job runs its records
 * without LiteLLM's per-call guardrail hooks: granting it a batch model would open a way around its guardrail.
 */
export function checkBatchGrants(
  batches: BatchesConfig,
  teams: readonly { readonly name: string; readonly models: readonly string[]; readonly guardrail?: string }[],
  issue: Issue,
): void {
  const names = batchModelNames(batches);
  teams.forEach((team, i) => {
    if (team.guardrail === undefined) return;
    team.models.forEach((model, j) => {
      if (names.includes(model)) {
        issue(
          ['tenants', 'teams', i, 'models', j],
          `"${model}" is a batch model, and team ${team.name} has guardrail ${team.guardrail}: batch jobs skip the guardrail (allowed: no batch models for a guarded team)`,
        );
      }
    });
  });
}

/** Model names a team may be granted: the batch copies of the batch groups, when batches are on. */
export function batchModelNames(batches: BatchesConfig): string[] {
  return batches.enabled ? batches.models.map(batchModelName) : [];
}
