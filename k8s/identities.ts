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
  /** The CronJob that publishes ClickHouse volume use to CloudWatch. */
  clickhouseMetrics: { namespace: 'langfuse', serviceAccount: 'clickhouse-metrics' },
  secretsSync: { namespace: 'external-secrets', serviceAccount: 'external-secrets' },
  openWebUi: { namespace: 'open-webui', serviceAccount: 'open-webui' },
} as const satisfies Record<string, WorkloadIdentity>;

export type WorkloadName = keyof typeof IDENTITIES;

/** Workloads that run only when the config enables them (their role and chart exist only then). */
export const OPTIONAL_WORKLOADS = ['openWebUi'] as const satisfies readonly WorkloadName[];

/** One role per workload; optional ones only when enabled. */
export type ServiceAccountRoles<R> = Readonly<Record<Exclude<WorkloadName, (typeof OPTIONAL_WORKLOADS)[number]>, R>> &
  Readonly<Partial<Record<(typeof OPTIONAL_WORKLOADS)[number], R>>>;
