/**
 * Namespace and service account of every workload that gets an AWS role.
 * IAM trust policies (lib/) and the charts (k8s/) both read these, so they cannot drift apart.
 */
export interface WorkloadIdentity {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Service account each namespace's SecretStore authenticates as. No pod runs as it: the External Secrets controller
 * asks the API server for its token, so the secrets it may read never reach a workload's own credentials.
 */
export const SECRETS_SYNC_SERVICE_ACCOUNT = 'secrets-sync';

export const IDENTITIES = {
  litellm: { namespace: 'litellm', serviceAccount: 'litellm' },
  langfuse: { namespace: 'langfuse', serviceAccount: 'langfuse' },
  clickhouse: { namespace: 'langfuse', serviceAccount: 'clickhouse' },
  /** The CronJob that publishes ClickHouse volume use to CloudWatch. */
  clickhouseMetrics: { namespace: 'langfuse', serviceAccount: 'clickhouse-metrics' },
  openWebUi: { namespace: 'open-webui', serviceAccount: 'open-webui' },
  /** The litellm namespace's SecretStore: LiteLLM's secrets only. */
  litellmSecretsSync: { namespace: 'litellm', serviceAccount: SECRETS_SYNC_SERVICE_ACCOUNT },
  /** The langfuse namespace's SecretStore: Langfuse's and ClickHouse's secrets only. */
  langfuseSecretsSync: { namespace: 'langfuse', serviceAccount: SECRETS_SYNC_SERVICE_ACCOUNT },
  /** The open-webui namespace's SecretStore: Open WebUI's secrets only (never LiteLLM's master key). */
  openWebUiSecretsSync: { namespace: 'open-webui', serviceAccount: SECRETS_SYNC_SERVICE_ACCOUNT },
} as const satisfies Record<string, WorkloadIdentity>;

export type WorkloadName = keyof typeof IDENTITIES;

/** Workloads that run only when the config enables them (their role and chart exist only then). */
export const OPTIONAL_WORKLOADS = ['openWebUi', 'openWebUiSecretsSync'] as const satisfies readonly WorkloadName[];

/** One role per workload; optional ones only when enabled. */
export type ServiceAccountRoles<R> = Readonly<Record<Exclude<WorkloadName, (typeof OPTIONAL_WORKLOADS)[number]>, R>> &
  Readonly<Partial<Record<(typeof OPTIONAL_WORKLOADS)[number], R>>>;

/** Workloads whose role reads secrets for a namespace's SecretStore, by the namespace they serve. */
export const SECRETS_SYNC_IDENTITIES = {
  litellm: 'litellmSecretsSync',
  langfuse: 'langfuseSecretsSync',
  'open-webui': 'openWebUiSecretsSync',
} as const satisfies Readonly<Record<string, WorkloadName>>;

/**
 * The External Secrets Operator's own controller. It has no AWS role on purpose: every store authenticates as its
 * namespace's `secrets-sync` account, so a store someone adds without `auth` finds no credentials to use.
 */
export const SECRETS_OPERATOR: WorkloadIdentity = { namespace: 'external-secrets', serviceAccount: 'external-secrets' };
