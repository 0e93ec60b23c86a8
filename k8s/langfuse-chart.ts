import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import { LANGFUSE_S3_PREFIXES, LANGFUSE_WEB_HEALTH_PATH } from '../lib/shared/langfuse';
import { Availability } from './constructs/availability';
import { httpProbes } from './constructs/probes';
import {
  plainEnv,
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDirs,
  secretEnv,
  spreadAcrossZones,
} from './constructs/pod-security';
import { SyncedSecret, postgresSources, postgresUrlTemplate } from './constructs/synced-secret';
import { bindServiceToTargetGroup } from './constructs/target-group-binding';
import { LABELS, NAMES, serviceHost } from './endpoints';
import { IDENTITIES } from './identities';
import type { PlatformChartsProps } from './platform-props';
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

export type LangfuseChartProps = PlatformChartsProps & ChartProps;

/** Langfuse v3: web (UI and ingestion API) and worker (queue processing), with their secrets and services. */
export class LangfuseChart extends Chart {
  constructor(scope: Construct, id: string, props: LangfuseChartProps) {
    const namespace = IDENTITIES.langfuse.namespace;
    super(scope, id, { ...props, namespace });
    const { config, aws } = props;
    const replicated = config.workloads.clickhouse.replicas > 1;
    const clickhouseHost = serviceHost(NAMES.clickhouse.service, namespace);

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: IDENTITIES.langfuse.serviceAccount, annotations: { 'eks.amazonaws.com/role-arn': aws.roleArns.langfuse } },
      automountServiceAccountToken: false,
    });

    const sso = langfuseSso(config, aws);
    const secret = new SyncedSecret(this, 'Env', {
      name: NAMES.langfuse.secret,
      namespace,
      sources: {
        ...postgresSources('db', aws.database.langfuseSecretArn),
        nextAuthSecret: { key: aws.secretArns.langfuseNextAuthSecret, property: 'value' },
        salt: { key: aws.secretArns.langfuseSalt, property: 'value' },
        encryptionKey: { key: aws.secretArns.langfuseEncryptionKey, property: 'value' },
        clickhousePassword: { key: aws.secretArns.clickhousePassword, property: 'value' },
        cachePassword: { key: aws.cache.authSecretArn, property: 'password' },
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
        REDIS_AUTH: '{{ .cachePassword }}',
        LANGFUSE_INIT_PROJECT_PUBLIC_KEY: 'pk-lf-{{ .initPublicKey }}',
        LANGFUSE_INIT_PROJECT_SECRET_KEY: 'sk-lf-{{ .initSecretKey }}',
        LANGFUSE_INIT_USER_PASSWORD: '{{ .adminPassword }}',
        ...(sso ? { [sso.secretKey]: '{{ .ssoClientSecret }}' } : {}),
      },
    });

    const bucket = aws.buckets.langfuse;
    const fromSecret = (...keys: string[]) => keys.map((key) => secretEnv(key, secret.secretName));
    // Each container gets what its own schema reads at the pinned release (test/contracts/langfuse.test.ts):
    // both parse packages/shared/src/env.ts; the web adds web/src/env.mjs and its entrypoint's migrations,
    // the worker adds worker/src/env.ts. No S3 keys anywhere: the AWS SDK uses the service account's web identity.
    const sharedEnv: k8s.EnvVar[] = [
      ...plainEnv({
        NEXTAUTH_URL: aws.langfuseUrl,
        CLICKHOUSE_URL: `http://${clickhouseHost}:${NAMES.clickhouse.httpPort}`,
        CLICKHOUSE_USER,
        // Follows the ClickHouse topology: ON CLUSTER statements and Replicated engines only with Keeper.
        CLICKHOUSE_CLUSTER_ENABLED: replicated ? 'true' : 'false',
        REDIS_HOST: aws.cache.host,
        REDIS_PORT: aws.cache.port,
        REDIS_TLS_ENABLED: 'true',
        LANGFUSE_S3_EVENT_UPLOAD_BUCKET: bucket,
        LANGFUSE_S3_EVENT_UPLOAD_REGION: aws.region,
        LANGFUSE_S3_EVENT_UPLOAD_PREFIX: LANGFUSE_S3_PREFIXES.events,
        LANGFUSE_S3_MEDIA_UPLOAD_BUCKET: bucket,
        LANGFUSE_S3_MEDIA_UPLOAD_REGION: aws.region,
        LANGFUSE_S3_MEDIA_UPLOAD_PREFIX: LANGFUSE_S3_PREFIXES.media,
        AWS_REGION: aws.region,
      }),
      ...fromSecret('DATABASE_URL', 'SALT', 'ENCRYPTION_KEY', 'CLICKHOUSE_PASSWORD', 'REDIS_AUTH'),
    ];
    const webEnv: k8s.EnvVar[] = [
      ...sharedEnv,
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
      ...fromSecret(
        'NEXTAUTH_SECRET',
        'LANGFUSE_INIT_PROJECT_PUBLIC_KEY',
        'LANGFUSE_INIT_PROJECT_SECRET_KEY',
        'LANGFUSE_INIT_USER_PASSWORD',
        ...(sso ? [sso.secretKey] : []),
      ),
    ];
    const workerEnv: k8s.EnvVar[] = [
      ...sharedEnv,
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

    const podSecurity = restrictedPodSecurityContext(LANGFUSE_UID);
    const { langfuse } = config.workloads;
    const webReplicas = { minReplicas: langfuse.webReplicas, maxReplicas: langfuse.webMaxReplicas };
    const workerReplicas = { minReplicas: langfuse.workerReplicas };

    // Web: serves the UI and the ingestion API, and applies the Postgres and ClickHouse migrations on
    // start-up. Prisma and the ClickHouse migrator take locks, so several starting pods do not collide.
    const webScratch = scratchDirs({ tmp: '/tmp', 'next-cache': '/app/web/.next/cache' });
    const webPort = NAMES.langfuseWeb.port;
    new k8s.KubeDeployment(this, 'Web', {
      metadata: { name: NAMES.langfuseWeb.deployment, labels: { ...LABELS.langfuseWeb } },
      spec: {
        replicas: Availability.specReplicas(webReplicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...LABELS.langfuseWeb } },
        template: {
          metadata: { labels: { ...LABELS.langfuseWeb } },
          spec: {
            serviceAccountName: IDENTITIES.langfuse.serviceAccount,
            automountServiceAccountToken: false,
            securityContext: podSecurity,
            topologySpreadConstraints: spreadAcrossZones(LABELS.langfuseWeb),
            volumes: webScratch.volumes,
            containers: [
              {
                name: 'web',
                image: imageRef(IMAGES.langfuseWeb),
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: webPort, protocol: 'TCP' }],
                env: webEnv,
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' }),
                volumeMounts: webScratch.mounts,
                // Migrations run before the server listens; allow them up to ten minutes.
                ...httpProbes({
                  live: LANGFUSE_WEB_HEALTH_PATH,
                  ready: '/api/public/ready',
                  startupPeriodSeconds: 10,
                  startupFailureThreshold: 60,
                }),
              },
            ],
          },
        },
      },
    });

    const workerScratch = scratchDirs({ tmp: '/tmp' });
    const workerPort = NAMES.langfuseWorker.port;
    new k8s.KubeDeployment(this, 'Worker', {
      metadata: { name: NAMES.langfuseWorker.deployment, labels: { ...LABELS.langfuseWorker } },
      spec: {
        replicas: Availability.specReplicas(workerReplicas),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...LABELS.langfuseWorker } },
        template: {
          metadata: { labels: { ...LABELS.langfuseWorker } },
          spec: {
            serviceAccountName: IDENTITIES.langfuse.serviceAccount,
            automountServiceAccountToken: false,
            securityContext: podSecurity,
            topologySpreadConstraints: spreadAcrossZones(LABELS.langfuseWorker),
            volumes: workerScratch.volumes,
            containers: [
              {
                name: 'worker',
                image: imageRef(IMAGES.langfuseWorker),
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: workerPort, protocol: 'TCP' }],
                env: workerEnv,
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' }),
                volumeMounts: workerScratch.mounts,
                ...httpProbes({ live: '/api/health', startupPeriodSeconds: 10, startupFailureThreshold: 30 }),
              },
            ],
          },
        },
      },
    });

    for (const [id, names, labels] of [
      ['WebService', NAMES.langfuseWeb, LABELS.langfuseWeb],
      ['WorkerService', NAMES.langfuseWorker, LABELS.langfuseWorker],
    ] as const) {
      new k8s.KubeService(this, id, {
        metadata: { name: names.service, labels: { ...labels } },
        spec: {
          type: 'ClusterIP',
          selector: { ...labels },
          ports: [{ name: 'http', port: names.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
        },
      });
    }

    new Availability(this, 'WebAvailability', {
      name: NAMES.langfuseWeb.deployment,
      namespace,
      selector: LABELS.langfuseWeb,
      ...webReplicas,
      deploymentName: NAMES.langfuseWeb.deployment,
    });
    new Availability(this, 'WorkerAvailability', {
      name: NAMES.langfuseWorker.deployment,
      namespace,
      selector: LABELS.langfuseWorker,
      ...workerReplicas,
    });

    // The UI through the internal load balancer and, with a web domain, the public one. Both reach the web pods from
    // their nodes' addresses in the VPC's subnets, which the base chart's langfuse-web-from-vpc policy admits on this
    // port (it allows the whole VPC CIDR): no policy of their own.
    const web = { name: NAMES.langfuseWeb.service, port: NAMES.langfuseWeb.port };
    bindServiceToTargetGroup(this, 'WebTargetGroupBinding', {
      targetGroupArn: aws.langfuseTargetGroupArn,
      name: web.name,
      namespace,
      service: web,
    });
    bindServiceToTargetGroup(this, 'WebPublicTargetGroupBinding', {
      targetGroupArn: aws.webTargetGroupArns?.langfuse,
      name: `${web.name}-public`,
      namespace,
      service: web,
    });
  }
}

/** Langfuse's button label for the external issuer (AUTH_CUSTOM_NAME; the provider is not offered without one). */
export const LANGFUSE_CUSTOM_SSO_NAME = 'Company sign-in';

/**
 * Langfuse's single sign-on, when the workforce identity gives it a client (only with a public hostname: Cognito and
 * most IdPs take https callbacks only). Free edition providers at v3.194.1 (web/src/server/auth.ts): Cognito through
 * AUTH_COGNITO_*, any OIDC issuer through AUTH_CUSTOM_*. Signed-in users join the headless-init organisation as
 * admins: only the admin group gets a token for this client (Cognito: the admin gate; external issuer: the admin
 * hostnames' sign-in in front). The headless-init user and its project keys stay; it just cannot sign in by password.
 * Account linking by e-mail stays off (default), so nobody takes over an existing Langfuse user by e-mail alone.
 */
function langfuseSso(config: LangfuseChartProps['config'], aws: LangfuseChartProps['aws']) {
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
      LANGFUSE_DEFAULT_ORG_ROLE: 'ADMIN',
    },
  };
}
