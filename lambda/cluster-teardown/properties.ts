import { z } from 'zod';

/** The Provider framework's onEvent Lambda may run 15 minutes; one minute stays for listing and reporting. */
export const MAX_TIMEOUT_SECONDS = 840;

/** EKS's own rule for cluster names. */
const CLUSTER_NAME_PATTERN = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const VPC_ID_PATTERN = /^vpc-[0-9a-f]{8,17}$/;

/**
 * Thrown before any AWS call; the message lists every problem as `Field: what is wrong`.
 * Create and Update validate too, so a bad wiring fails the deploy instead of the destroy.
 */
export class InvalidPropertiesError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid ResourceProperties of the cluster teardown custom resource:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidPropertiesError';
  }
}

// CloudFormation passes every scalar as a string, so the schema takes strings and converts them.
const resourcePropertiesSchema = z.object({
  ClusterName: z.string({ error: 'is required (the EKS cluster name, a string)' }).regex(CLUSTER_NAME_PATTERN, {
    error: 'must be an EKS cluster name: 1 to 100 letters, digits, "-" or "_", starting with a letter or digit',
  }),
  VpcId: z
    .string({ error: 'is required (the id of the cluster VPC, a string)' })
    .regex(VPC_ID_PATTERN, { error: 'must be a VPC id like "vpc-0123456789abcdef0"' }),
  Mode: z.enum(['volumes', 'network'], { error: 'must be "volumes" or "network"' }),
  DeleteOrphans: z.enum(['true', 'false'], { error: 'must be the string "true" or "false"' }).transform((value) => value === 'true'),
  TimeoutSeconds: z
    .string({ error: `is required (a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, as a string)` })
    .regex(/^\d{1,6}$/, { error: `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, { error: `must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}` })
        .max(MAX_TIMEOUT_SECONDS, {
          error: `must be at most ${MAX_TIMEOUT_SECONDS} so the wait ends before the 15-minute Lambda limit`,
        }),
    ),
});

/** What to tear down and how, as validated. */
export interface TeardownProperties {
  readonly clusterName: string;
  readonly vpcId: string;
  /** `volumes`: wait for the cluster's EBS volumes; `network`: wait for its network interfaces in the VPC. */
  readonly mode: 'volumes' | 'network';
  /** Delete detached (`available`) volumes of the cluster instead of only waiting for them. */
  readonly deleteOrphans: boolean;
  readonly timeoutSeconds: number;
}

/** Validates the custom resource's properties; throws InvalidPropertiesError naming every bad field. */
export function parseResourceProperties(input: unknown): TeardownProperties {
  const result = resourcePropertiesSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new InvalidPropertiesError(
      result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const props = result.data;
  return {
    clusterName: props.ClusterName,
    vpcId: props.VpcId,
    mode: props.Mode,
    deleteOrphans: props.DeleteOrphans,
    timeoutSeconds: props.TimeoutSeconds,
  };
}

/** Stable for the same cluster and mode, so an Update never replaces (and so never tears down) the resource. */
export function physicalResourceId(props: Pick<TeardownProperties, 'clusterName' | 'mode'>): string {
  return `teardown-${props.clusterName}-${props.mode}`;
}
