import { Chart, type ChartProps } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { CACHE_IDENTITIES } from '../lib/shared/cache';
import { LANGFUSE_S3_PREFIXES, LANGFUSE_WEB_HEALTH_PATH } from '../lib/shared/langfuse';
import { HttpWorkloads, type HttpWorkloadProps } from './constructs/http-workloads';
import { plainEnv } from './constructs/pod-security';
import { roleServiceAccount } from './constructs/service-account';
import { credentialSources, postgresSources, postgresUrlTemplate, SyncedSecret } from './constructs/synced-secret';
import { bindServiceToLoadBalancers } from './constructs/target-group-binding';
import { LABELS, NAMES, serviceHost } from './endpoints';
import { IDENTITIES } from './identities';
import type { PlatformAwsValues } from './platform-props';
import { CLICKHOUSE_USER } from './renderers/clickhouse-config';
import { IMAGES, imageRef } from './versions';
/** Both Langfuse images run as uid and gid 1001 (web: nextjs/nodejs, worker: expressjs; their Dockerfiles at v3.194.1). */
export const LANGFUSE_UID = 1001;

/**
 * Headless initialisation: the organisation, project, API keys and admin user Langfuse creates on first
 * start, so LiteLLM's traces land in a project with no manual step.
 * The config schema has no admin e-mail field yet; this constant stands in until it does.
 */
export const LANGFUSE_INIT = {
  orgId: 'genai-platform',
  orgName: 'GenAI Platform',
  projectId: 'litellm-gateway',
  userEmail: 'platform-admin@genai-platform.internal',
  userName: 'Platform admin',
} as const;

/** The parts of the environment config Langfuse reads. */
export type LangfuseChartConfig = Pick<EnvironmentConfig, 'name' | 'workloads' | 'web'>;

export interface LangfuseChartProps extends ChartProps {
  readonly config: LangfuseChartConfig;
  readonly aws: PlatformAwsValues;
}

/** Langfuse v3: web (UI and ingestion API) and worker (queue processing), with their secrets and services. */
export class LangfuseChart extends Chart {
  constructor(scope: Construct, id: string, props: LangfuseChartProps) {
    const namespace = IDENTITIES.langfuse.namespace;
    super(scope, id, { ...props, namespace });
    const { config, aws } = props;
    const sso = langfuseSso(config, aws);

    roleServiceAccount(this, 'ServiceAccount', IDENTITIES.langfuse, aws.roleArns.langfuse);
    const secret = langfuseSecret(this, aws, sso);
    const env = langfuseEnv(config, aws, secret, sso);
    const { langfuse } = config.workloads;
    const workloads = new HttpWorkloads(this, 'Workloads', {
      namespace,
      workloads: [
        webWorkload(env.web, { minReplicas: langfuse.webReplicas, maxReplicas: langfuse.webMaxReplicas }),
        workerWorkload(env.worker, { minReplicas: langfuse.workerReplicas }),
      ],
    });
    exposure(this, aws, workloads.services[NAMES.langfuseWeb.deployment]!);
  }
}

type Sso = ReturnType<typeof langfuseSso>;

/** The synced Secret: database URL, session, salt and encryption secrets, ClickHouse password, its Valkey user, headless init. */
function langfuseSecret(scope: Construct, aws: PlatformAwsValues, sso: Sso): SyncedSecret {
  return new SyncedSecret(scope, 'Env', {
    name: NAMES.langfuse.secret,
    namespace: IDENTITIES.langfuse.namespace,
    sources: {
      ...postgresSources('db', aws.database.langfuseSecretArn),
      nextAuthSecret: { key: aws.secretArns.langfuseNextAuthSecret, property: 'value' },
      salt: { key: aws.secretArns.langfuseSalt, property: 'value' },
      encryptionKey: { key: aws.secretArns.langfuseEncryptionKey, property: 'value' },
      clickhousePassword: { key: aws.secretArns.clickhousePassword, property: 'value' },
      ...credentialSources('cache', aws.cache.langfuseCredentialsArn),
      initPublicKey: { key: aws.secretArns.langfuseInitPublicKey, property: 'value' },
      initSecretKey: { key: aws.secretArns.langfuseInitSecretKey, property: 'value' },
      adminPassword: { key: aws.secretArns.langfuseAdminPassword, property: 'value' },
      ...(sso ? { ssoClientSecret: { key: sso.clientSecretArn } } : {}),
    },
    keys: {
      DATABASE_URL: postgresUrlTemplate('db', aws.database.host, aws.database.port),
      NEXTAUTH_SECRET: '{{ .nextAuthSecret }}',
      SALT: '{{ .salt }}',
      ENCRYPTION_KEY: '{{ .encryptionKey }}',
      CLICKHOUSE_PASSWORD: '{{ .clickhousePassword }}',
      // Its own Valkey user (lib/shared/cache.ts); REDIS_AUTH is that user's password.
      REDIS_USERNAME: '{{ .cacheUsername }}',
      REDIS_AUTH: '{{ .cachePassword }}',
      LANGFUSE_INIT_PROJECT_PUBLIC_KEY: 'pk-lf-{{ .initPublicKey }}',
      LANGFUSE_INIT_PROJECT_SECRET_KEY: 'sk-lf-{{ .initSecretKey }}',
      LANGFUSE_INIT_USER_PASSWORD: '{{ .adminPassword }}',
      ...(sso ? { [sso.secretKey]: '{{ .ssoClientSecret }}' } : {}),
    },
  });
}

/**
 * Each container gets what its own schema reads at the pinned release (test/contracts/langfuse.test.ts): both parse
 * packages/shared/src/env.ts; the web adds web/src/env.mjs and its entrypoint's migrations, the worker adds
 * worker/src/env.ts. No S3 keys anywhere: the AWS SDK uses the service account's web identity.
 */
function langfuseEnv(config: LangfuseChartConfig, aws: PlatformAwsValues, secret: SyncedSecret, sso: Sso) {
  const clickhouseHost = serviceHost(NAMES.clickhouse.service, IDENTITIES.langfuse.namespace);
  const bucket = aws.buckets.langfuse;
  const shared: k8s.EnvVar[] = [
    ...plainEnv({
      NEXTAUTH_URL: aws.langfuseUrl,
      CLICKHOUSE_URL: `http://${clickhouseHost}:${NAMES.clickhouse.httpPort}`,
      CLICKHOUSE_USER,
      // Follows the ClickHouse topology: ON CLUSTER statements and Replicated engines only with Keeper.
      CLICKHOUSE_CLUSTER_ENABLED: config.workloads.clickhouse.replicas > 1 ? 'true' : 'false',
      REDIS_HOST: aws.cache.host,
      REDIS_PORT: aws.cache.port,
      REDIS_TLS_ENABLED: 'true',
      // Every queue and cache key starts with it, the only keys its Valkey user may touch.
      REDIS_KEY_PREFIX: CACHE_IDENTITIES.langfuse.keyPrefix!,
      LANGFUSE_S3_EVENT_UPLOAD_BUCKET: bucket,
      LANGFUSE_S3_EVENT_UPLOAD_REGION: aws.region,
      LANGFUSE_S3_EVENT_UPLOAD_PREFIX: LANGFUSE_S3_PREFIXES.events,
      LANGFUSE_S3_MEDIA_UPLOAD_BUCKET: bucket,
      LANGFUSE_S3_MEDIA_UPLOAD_REGION: aws.region,
      LANGFUSE_S3_MEDIA_UPLOAD_PREFIX: LANGFUSE_S3_PREFIXES.media,
      AWS_REGION: aws.region,
    }),
    ...secret.env('DATABASE_URL', 'SALT', 'ENCRYPTION_KEY', 'CLICKHOUSE_PASSWORD', 'REDIS_USERNAME', 'REDIS_AUTH'),
  ];
  const web: k8s.EnvVar[] = [
    ...shared,
    ...plainEnv({
      // Next.js listens on HOSTNAME; the pod's own host name would bind one interface only.
      HOSTNAME: '0.0.0.0',
      PORT: String(NAMES.langfuseWeb.port),
      // Only the web container migrates ClickHouse (its entrypoint), over the native protocol.
      CLICKHOUSE_MIGRATION_URL: `clickhouse://${clickhouseHost}:${NAMES.clickhouse.tcpPort}`,
      TELEMETRY_ENABLED: 'false',
      LANGFUSE_ENABLE_EXPERIMENTAL_FEATURES: 'false',
      // Without SSO nobody signs up; with it, sign-up must stay open (Langfuse creates an SSO user on first sign-in
      // and refuses that too when sign-up is disabled) while password sign-in and sign-up are off.
      AUTH_DISABLE_SIGNUP: sso ? 'false' : 'true',
      ...sso?.plain,
      LANGFUSE_INIT_ORG_ID: LANGFUSE_INIT.orgId,
      LANGFUSE_INIT_ORG_NAME: LANGFUSE_INIT.orgName,
      LANGFUSE_INIT_PROJECT_ID: LANGFUSE_INIT.projectId,
      LANGFUSE_INIT_PROJECT_NAME: `LiteLLM gateway (${config.name})`,
      LANGFUSE_INIT_USER_EMAIL: LANGFUSE_INIT.userEmail,
      LANGFUSE_INIT_USER_NAME: LANGFUSE_INIT.userName,
    }),
    ...secret.env(
      'NEXTAUTH_SECRET',
      'LANGFUSE_INIT_PROJECT_PUBLIC_KEY',
      'LANGFUSE_INIT_PROJECT_SECRET_KEY',
      'LANGFUSE_INIT_USER_PASSWORD',
      ...(sso ? [sso.secretKey] : []),
    ),
  ];
  const worker: k8s.EnvVar[] = [
    ...shared,
    ...plainEnv({
      // The worker's bind address; the container runtime would otherwise set it to the pod's name.
      HOSTNAME: '0.0.0.0',
      PORT: String(NAMES.langfuseWorker.port),
      // Batch exports run in the worker only.
      LANGFUSE_S3_BATCH_EXPORT_ENABLED: 'true',
      LANGFUSE_S3_BATCH_EXPORT_BUCKET: bucket,
      LANGFUSE_S3_BATCH_EXPORT_REGION: aws.region,
      LANGFUSE_S3_BATCH_EXPORT_PREFIX: LANGFUSE_S3_PREFIXES.exports,
    }),
  ];
  return { web, worker };
}

/**
 * Web: serves the UI and the ingestion API, and applies the Postgres and ClickHouse migrations on start-up. Prisma and
 * the ClickHouse migrator take locks, so several starting pods do not collide.
 */
function webWorkload(env: readonly k8s.EnvVar[], replicas: HttpWorkloadProps['replicas']): HttpWorkloadProps {
  return {
    ...langfuseWorkload(NAMES.langfuseWeb, LABELS.langfuseWeb, env, replicas),
    containerName: 'web',
    image: imageRef(IMAGES.langfuseWeb),
    // Migrations run before the server listens; allow them up to ten minutes.
    probes: { live: LANGFUSE_WEB_HEALTH_PATH, ready: '/api/public/ready', startupPeriodSeconds: 10, startupFailureThreshold: 60 },
    writablePaths: { tmp: '/tmp', 'next-cache': '/app/web/.next/cache' },
  };
}

/** Worker: processes the ingestion queues and batch exports. */
function workerWorkload(env: readonly k8s.EnvVar[], replicas: HttpWorkloadProps['replicas']): HttpWorkloadProps {
  return {
    ...langfuseWorkload(NAMES.langfuseWorker, LABELS.langfuseWorker, env, replicas),
    containerName: 'worker',
    image: imageRef(IMAGES.langfuseWorker),
    probes: { live: '/api/health', startupPeriodSeconds: 10, startupFailureThreshold: 30 },
    writablePaths: { tmp: '/tmp' },
  };
}

/** What web and worker share: identity, user, size; no config checksum, strategy, grace period or preStop of their own. */
function langfuseWorkload(
  names: { readonly deployment: string; readonly port: number },
  labels: Readonly<Record<string, string>>,
  env: readonly k8s.EnvVar[],
  replicas: HttpWorkloadProps['replicas'],
) {
  return {
    name: names.deployment,
    labels,
    serviceAccount: IDENTITIES.langfuse.serviceAccount,
    uid: LANGFUSE_UID,
    port: names.port,
    env,
    resources: { cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' },
    replicas,
  };
}

/**
 * The UI behind whichever load balancers the platform stack hands a target group for: the internal one without a web
 * domain, only the public one (behind its admin sign-in) with one. The base chart's langfuse-web-from-load-balancer
 * policy admits exactly those load balancers' subnets.
 */
function exposure(scope: Construct, aws: PlatformAwsValues, web: { readonly name: string; readonly port: number }): void {
  bindServiceToLoadBalancers(scope, IDENTITIES.langfuse.namespace, web, {
    internal: aws.langfuseTargetGroupArn,
    public: aws.webTargetGroupArns?.langfuse,
  });
}

/** Langfuse's button label for the external issuer (AUTH_CUSTOM_NAME; the provider is not offered without one). */
export const LANGFUSE_CUSTOM_SSO_NAME = 'Company sign-in';

/**
 * Organisation role of every person single sign-on creates: read-only (VIEWER at v3.194.1 reads projects, traces and
 * prompts, never API keys or members). Langfuse keeps a membership's role on later sign-ins, so promoting someone is
 * an owner's deliberate act, never the default. test/contracts/langfuse.test.ts.
 */
export const LANGFUSE_SSO_ORG_ROLE = 'VIEWER';

/**
 * Langfuse's single sign-on, when the workforce identity gives it a client (only with a public hostname: Cognito and
 * most IdPs take https callbacks only). Free edition providers at v3.194.1 (web/src/server/auth.ts): Cognito through
 * AUTH_COGNITO_*, any OIDC issuer through AUTH_CUSTOM_*. The client is Langfuse's own, never Open WebUI's (the config
 * requires a separate registration for an external issuer), and only the admin group gets a token for it (Cognito: the
 * admin gate; external issuer: assignment at the IdP). Even so, signed-in users join the headless-init organisation
 * as viewers only. The headless-init user and its project keys stay; it just cannot sign in by password.
 * Account linking by e-mail stays off (default), so nobody takes over an existing Langfuse user by e-mail alone.
 */
function langfuseSso(config: LangfuseChartConfig, aws: PlatformAwsValues) {
  const client = aws.sso?.clients.langfuse;
  if (!aws.sso || !client) return undefined;
  const cognito = config.web.sso.provider === 'cognito';
  const prefix = cognito ? 'AUTH_COGNITO' : 'AUTH_CUSTOM';
  return {
    clientSecretArn: client.clientSecretArn,
    secretKey: `${prefix}_CLIENT_SECRET`,
    plain: {
      [`${prefix}_CLIENT_ID`]: client.clientId,
      [`${prefix}_ISSUER`]: aws.sso.issuer,
      ...(cognito ? {} : { AUTH_CUSTOM_NAME: LANGFUSE_CUSTOM_SSO_NAME, AUTH_CUSTOM_SCOPE: 'openid email profile' }),
      AUTH_DISABLE_USERNAME_PASSWORD: 'true',
      LANGFUSE_DEFAULT_ORG_ID: LANGFUSE_INIT.orgId,
      LANGFUSE_DEFAULT_ORG_ROLE: LANGFUSE_SSO_ORG_ROLE,
    },
  };
}
