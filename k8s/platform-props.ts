import type { EnvironmentConfig } from '../lib/config/schema';

/**
 * Everything the charts need from AWS. In the CDK app the strings are CloudFormation tokens;
 * rendered for review they are readable placeholders such as `<litellm-role-arn>`.
 * Secret values never appear here: only secret ARNs, which the in-cluster sync resolves.
 */
export interface PlatformAwsValues {
  readonly region: string;
  /** IAM roles for service accounts, one per workload in IDENTITIES. */
  readonly roleArns: {
    readonly litellm: string;
    readonly langfuse: string;
    readonly clickhouse: string;
    /** The CronJob publishing ClickHouse volume use to CloudWatch. */
    readonly clickhouseMetrics: string;
    /** The litellm namespace's SecretStore: LiteLLM's secrets only. */
    readonly litellmSecretsSync: string;
    /** The langfuse namespace's SecretStore: Langfuse's and ClickHouse's secrets only. */
    readonly langfuseSecretsSync: string;
  };
  /**
   * CIDR ranges of the VPC's subnets, by subnet group: the only address ranges network policies name (never the VPC's
   * whole range). In the CDK app they come from the network stack; rendered for review they are placeholders.
   */
  readonly subnetCidrs: SubnetCidrs;
  readonly database: {
    readonly host: string;
    readonly port: string;
    /** Secret JSON: { username, password, dbname }. */
    readonly litellmSecretArn: string;
    readonly langfuseSecretArn: string;
  };
  readonly cache: {
    readonly host: string;
    readonly port: string;
    /**
     * Each application's own Valkey user (lib/shared/cache.ts), secret JSON { username, password }; TLS is always on.
     * Open WebUI's is in `openWebUi`.
     */
    readonly litellmCredentialsArn: string;
    readonly langfuseCredentialsArn: string;
  };
  readonly buckets: {
    readonly langfuse: string;
    readonly clickhouse: string;
    /** ClickHouse's backup bucket; absent without `backup.enabled`, and then no backup CronJob runs. */
    readonly clickhouseBackup?: string;
  };
  /** Generated secrets; each is JSON { value } holding random characters only (prefixes like sk- are added by the consumer). */
  readonly secretArns: {
    readonly litellmMasterKey: string;
    readonly litellmSaltKey: string;
    readonly langfuseNextAuthSecret: string;
    readonly langfuseSalt: string;
    /** 64 hex characters. */
    readonly langfuseEncryptionKey: string;
    /** Random part of the headless-init public key; the consumer prefixes pk-lf-. */
    readonly langfuseInitPublicKey: string;
    /** Random part of the headless-init secret key; the consumer prefixes sk-lf-. */
    readonly langfuseInitSecretKey: string;
    readonly langfuseAdminPassword: string;
    /** Alphanumeric only. */
    readonly clickhousePassword: string;
  };
  /** Existing secrets (by name) holding third-party model API keys, keyed by model name. */
  readonly modelApiKeySecretNames: Readonly<Record<string, string>>;
  /** Existing secrets (by name) holding MCP server credentials, keyed by server name. */
  readonly mcpCredentialSecretNames: Readonly<Record<string, string>>;
  /**
   * ARN of each Bedrock application inference profile by the variable LiteLLM reads it from
   * (`bedrockProfileEnvName`): one for every Bedrock deployment in `region` and the environment's account.
   */
  readonly bedrockProfileArns: Readonly<Record<string, string>>;
  /** Target group the edge's internal load balancer forwards to; no TargetGroupBinding when absent. */
  readonly litellmTargetGroupArn?: string;
  /** Target group of the internal load balancer's Langfuse UI listener; no TargetGroupBinding when absent. */
  readonly langfuseTargetGroupArn?: string;
  /** URL people use to reach the Langfuse UI (NEXTAUTH_URL). */
  readonly langfuseUrl: string;
  /** Open WebUI's AWS side; absent when `openWebUi.enabled` is false. */
  readonly openWebUi?: OpenWebUiAwsValues;
  /**
   * Target groups of the public web load balancer (only with `web.domain`); each workload's pods join its
   * group through a TargetGroupBinding, beside any internal one.
   */
  readonly webTargetGroupArns?: {
    readonly openWebUi?: string;
    readonly litellm?: string;
    readonly langfuse?: string;
  };
  /** Single sign-on for the web UIs (Open WebUI, Langfuse); absent: their own logins only. */
  readonly sso?: SsoAwsValues;
  /** URL of LiteLLM's admin UI (PROXY_BASE_URL); absent: reached through kubectl port-forward. */
  readonly litellmUiUrl?: string;
  /** Bedrock guardrails by configured name: id and published version (`guardrails`). @default none */
  readonly guardrails?: Readonly<Record<string, { readonly id: string; readonly version: string }>>;
  /** Bedrock batch jobs' bucket name and service role ARN; required with `batches.enabled`. @default none */
  readonly batches?: { readonly bucket: string; readonly roleArn: string };
}

/** The VPC's subnets by group (lib/network-stack.ts SUBNETS), one CIDR per availability zone. */
export interface SubnetCidrs {
  /** Public subnets: the internet-facing web load balancer's nodes. */
  readonly public: readonly string[];
  /** Workload subnets: the pods, the internal load balancer's nodes and the control plane's network interfaces. */
  readonly workloads: readonly string[];
  /** Isolated data subnets: Aurora and ElastiCache. */
  readonly data: readonly string[];
}

export interface OpenWebUiAwsValues {
  /** IAM role for its service account (its uploads bucket). */
  readonly roleArn: string;
  /** Secret JSON: { username, password, dbname } of its own database (pgvector created there by the bootstrap). */
  readonly databaseSecretArn: string;
  /** Bucket for uploaded files. */
  readonly bucket: string;
  /** Name of the secret the tenants reconciler writes the built-in consumer's virtual key into (`builtinKeySecretName`): JSON { virtualKey }. */
  readonly virtualKeySecretName: string;
  /** Generated secret JSON { value }: WEBUI_SECRET_KEY, the same in every replica (it signs sessions). */
  readonly secretKeyArn: string;
  /** Generated secret JSON { value }: the password of the headless admin account created before anyone signs in. */
  readonly adminPasswordArn: string;
  /** IAM role of the open-webui namespace's SecretStore: Open WebUI's secrets only. */
  readonly secretsSyncRoleArn: string;
  /** Its own Valkey user, secret JSON { username, password } (lib/shared/cache.ts). */
  readonly cacheCredentialsArn: string;
  /** URL employees open (WEBUI_URL, and the base of the OIDC redirect URI). */
  readonly url: string;
}

/** One OpenID Connect client per web UI, all at the same issuer. */
export interface SsoAwsValues {
  /** The issuer's `.well-known/openid-configuration` URL. */
  readonly discoveryUrl: string;
  /** Issuer URL (the `iss` claim). */
  readonly issuer: string;
  /** Claim carrying the user's groups (`cognito:groups` for Cognito). */
  readonly groupsClaim: string;
  /** Group whose members are admins. */
  readonly adminGroup: string;
  /** Client id and the ARN of a secret holding its client secret as plain text, per UI. */
  readonly clients: {
    readonly openWebUi?: { readonly clientId: string; readonly clientSecretArn: string };
    readonly langfuse?: { readonly clientId: string; readonly clientSecretArn: string };
  };
}

export interface PlatformChartsProps {
  readonly config: EnvironmentConfig;
  readonly aws: PlatformAwsValues;
}
