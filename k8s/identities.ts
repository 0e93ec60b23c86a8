/**
 * Namespace and service account of every workload that gets an AWS role.
 * IAM trust policies (lib/) and the charts (k8s/) both read these, so they cannot drift apart.
 */
export interface WorkloadIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export const IDENTITIES = {
  litellm: { namespace: 'litellm', serviceAccount: 'litellm' },
  langfuse: { namespace: 'langfuse', serviceAccount: 'langfuse' },
  clickhouse: { namespace: 'langfuse', serviceAccount: 'clickhouse' },
  secretsSync: { namespace: 'external-secrets', serviceAccount: 'external-secrets' },
} as const satisfies Record<string, WorkloadIdentity>;

export type WorkloadName = keyof typeof IDENTITIES;
