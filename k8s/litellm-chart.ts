import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import { LITELLM_LIVENESS_PATH, LITELLM_READINESS_PATH } from '../lib/shared/litellm';
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
import { LABELS, LANGFUSE_INTERNAL_URL, NAMES } from './endpoints';
import { mcpCredentialEnvName } from '../lib/config/mcp-schema';
import { IDENTITIES } from './identities';
import type { PlatformChartsProps } from './platform-props';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from './renderers/checksum';
import { LITELLM_ENV, modelApiKeyEnvName, modelsWithApiKeys, renderLiteLlmConfig } from './renderers/litellm-config';
import { OPEN_WEBUI_END_USER_HEADER } from './renderers/open-webui-env';
import { IMAGES, imageRef } from './versions';

/**
 * The `-non_root` image's own user: `USER nobody` in BerriAI/litellm docker/Dockerfile.non_root, which is
 * uid 65534 on its Wolfi base. Running as the image's user keeps the files it owns (/app) readable.
 */
export const LITELLM_UID = 65534;
const CONFIG_PATH = '/etc/litellm/config.yaml';

/**
 * Writable paths under a read-only root filesystem, as in LiteLLM's own hardened setup
 * (BerriAI/litellm docker-compose.hardened.yml: tmpfs at these paths, the environment below pointing at them;
 * docs "Read-only File System": LITELLM_MIGRATION_DIR on a writable path). /tmp is ours (Python and uvicorn).
 */
export const LITELLM_WRITABLE_PATHS = {
  tmp: '/tmp',
  cache: '/app/cache',
  migrations: '/app/migrations',
  npm: '/.npm',
  home: '/nonexistent',
} as const;

/** Environment that sends LiteLLM's, Prisma's and npm's writes to those paths. */
export const LITELLM_WRITABLE_ENV = {
  XDG_CACHE_HOME: LITELLM_WRITABLE_PATHS.cache,
  PRISMA_BINARY_CACHE_DIR: `${LITELLM_WRITABLE_PATHS.cache}/prisma-python/binaries`,
  NPM_CONFIG_CACHE: LITELLM_WRITABLE_PATHS.npm,
  LITELLM_MIGRATION_DIR: LITELLM_WRITABLE_PATHS.migrations,
} as const;

export type LitellmChartProps = PlatformChartsProps & ChartProps;

/** Name of the migration Job: one per image version, so a changed version runs the migrations once more. */
export function litellmMigrationJobName(tag: string = IMAGES.litellm.tag): string {
  return `litellm-migrate-${tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')}`
    .slice(0, 63)
    .replace(/-+$/, '');
}

/**
 * The LiteLLM gateway: config, secrets sync, a migration Job, the Deployment with its Service, autoscaler
 * and disruption budget, and the bindings that register the pods in the edge's target groups (the internal load
 * balancer's, and the public one's with a web domain).
 */
export class LitellmChart extends Chart {
  constructor(scope: Construct, id: string, props: LitellmChartProps) {
    const namespace = IDENTITIES.litellm.namespace;
    super(scope, id, { ...props, namespace });
    const { config, aws } = props;

    // Checks first: a rejected input builds nothing.
    const keyed = modelsWithApiKeys(config.models);
    const missing = keyed.filter((m) => !aws.modelApiKeySecretNames[m.name]).map((m) => m.name);
    if (missing.length > 0) {
      throw new Error(
        `aws.modelApiKeySecretNames: has no secret for model(s) ${missing.join(', ')} (add the secret name holding each model's API key)`,
      );
    }
    const mcpKeyed = config.mcpServers.filter((s) => s.credentialSecretName !== undefined);
    const mcpMissing = mcpKeyed.filter((s) => !aws.mcpCredentialSecretNames[s.name]).map((s) => s.name);
    if (mcpMissing.length > 0) {
      throw new Error(
        `aws.mcpCredentialSecretNames: has no secret for MCP server(s) ${mcpMissing.join(', ')} (add the secret name holding each server's credential)`,
      );
    }

    const configYaml = renderLiteLlmConfig({
      environment: config.name,
      models: config.models,
      modelGroups: config.modelGroups,
      router: config.router,
      responseCache: config.responseCache,
      mcpServers: config.mcpServers,
      // Open WebUI forwards the signed-in employee; LiteLLM attributes its spend to that end user.
      ...(config.openWebUi.enabled ? { endUserIdHeader: OPEN_WEBUI_END_USER_HEADER } : {}),
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: IDENTITIES.litellm.serviceAccount, annotations: { 'eks.amazonaws.com/role-arn': aws.roleArns.litellm } },
      automountServiceAccountToken: false,
    });

    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: NAMES.litellm.config }, data: { 'config.yaml': configYaml } });

    const secret = new SyncedSecret(this, 'Env', {
      name: NAMES.litellm.secret,
      namespace,
      sources: {
        masterKey: { key: aws.secretArns.litellmMasterKey, property: 'value' },
        saltKey: { key: aws.secretArns.litellmSaltKey, property: 'value' },
        cachePassword: { key: aws.cache.authSecretArn, property: 'password' },
        langfusePublicKey: { key: aws.secretArns.langfuseInitPublicKey, property: 'value' },
        langfuseSecretKey: { key: aws.secretArns.langfuseInitSecretKey, property: 'value' },
        ...postgresSources('db', aws.database.litellmSecretArn),
        // Third-party keys are whole plain-text secrets that outlive ephemeral environments.
        ...Object.fromEntries(keyed.map((m, i) => [`modelKey${i}`, { key: aws.modelApiKeySecretNames[m.name] as string }])),
        // MCP server credentials likewise: whole plain-text secrets, named in config.
        ...Object.fromEntries(mcpKeyed.map((s, i) => [`mcpCredential${i}`, { key: aws.mcpCredentialSecretNames[s.name] as string }])),
      },
      keys: {
        // LiteLLM requires the master key to start with sk-.
        [LITELLM_ENV.masterKey]: 'sk-{{ .masterKey }}',
        LITELLM_SALT_KEY: 'sk-{{ .saltKey }}',
        [LITELLM_ENV.databaseUrl]: postgresUrlTemplate('db', aws.database.host, aws.database.port),
        [LITELLM_ENV.redisPassword]: '{{ .cachePassword }}',
        LANGFUSE_PUBLIC_KEY: 'pk-lf-{{ .langfusePublicKey }}',
        LANGFUSE_SECRET_KEY: 'sk-lf-{{ .langfuseSecretKey }}',
        ...Object.fromEntries(keyed.map((m, i) => [modelApiKeyEnvName(m), `{{ .modelKey${i} }}`])),
        ...Object.fromEntries(mcpKeyed.map((s, i) => [mcpCredentialEnvName(s), `{{ .mcpCredential${i} }}`])),
      },
    });

    const secretKeys = [
      LITELLM_ENV.masterKey,
      'LITELLM_SALT_KEY',
      LITELLM_ENV.databaseUrl,
      LITELLM_ENV.redisPassword,
      'LANGFUSE_PUBLIC_KEY',
      'LANGFUSE_SECRET_KEY',
      ...keyed.map(modelApiKeyEnvName),
      ...mcpKeyed.map(mcpCredentialEnvName),
    ];
    const env: k8s.EnvVar[] = [
      ...plainEnv({
        [LITELLM_ENV.redisHost]: aws.cache.host,
        [LITELLM_ENV.redisPort]: aws.cache.port,
        // ElastiCache has in-transit encryption on; LiteLLM hands REDIS_* variables to the Redis client.
        REDIS_SSL: 'True',
        // langfuse_otel reads LANGFUSE_OTEL_HOST first and LANGFUSE_HOST after it; with neither it exports to
        // Langfuse Cloud, so both name the in-cluster Langfuse.
        LANGFUSE_OTEL_HOST: LANGFUSE_INTERNAL_URL,
        LANGFUSE_HOST: LANGFUSE_INTERNAL_URL,
        AWS_REGION: aws.region,
        AWS_DEFAULT_REGION: aws.region,
        // Serving pods never change the schema; the migration Job does.
        DISABLE_SCHEMA_UPDATE: 'true',
        STORE_MODEL_IN_DB: 'False',
        LITELLM_LOG: 'ERROR',
        // No .env loading in production (LiteLLM "Best Practices for Production").
        LITELLM_MODE: 'PRODUCTION',
        // Behind the public load balancer (TLS ends there) the request's own base URL is the pod's plain-http one;
        // LiteLLM builds the links it hands out (reset links, agent cards) from this instead. No UI SSO:
        // the free edition allows it for five users only (test/contracts/litellm.test.ts), so the UI keeps its own
        // login behind the load balancer's admin sign-in.
        ...(aws.litellmUiUrl ? { PROXY_BASE_URL: aws.litellmUiUrl } : {}),
        ...LITELLM_WRITABLE_ENV,
      }),
      ...secretKeys.map((key) => secretEnv(key, secret.secretName)),
    ];

    const scratch = scratchDirs(LITELLM_WRITABLE_PATHS);
    const configVolume: k8s.Volume = { name: 'config', configMap: { name: NAMES.litellm.config } };
    const configMount: k8s.VolumeMount = { name: 'config', mountPath: CONFIG_PATH, subPath: 'config.yaml', readOnly: true };
    const podSecurity = restrictedPodSecurityContext(LITELLM_UID);
    const image = imageRef(IMAGES.litellm);

    // Migrations run once per image version, from the same image as the gateway (LiteLLM "Database
    // Migrations": run `litellm --skip_server_startup` with schema updates on, keep them off on serving pods).
    // The Job's name carries the version, so an upgrade creates a new Job and an unchanged deploy re-applies
    // the same, already-completed one. Gateway pods started before it finishes restart until the schema exists.
    const jobName = litellmMigrationJobName();
    new k8s.KubeJob(this, 'Migrate', {
      metadata: { name: jobName, labels: { ...LABELS.litellmMigrate } },
      spec: {
        backoffLimit: 6,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels: { ...LABELS.litellmMigrate } },
          spec: {
            serviceAccountName: IDENTITIES.litellm.serviceAccount,
            automountServiceAccountToken: false,
            restartPolicy: 'OnFailure',
            securityContext: podSecurity,
            volumes: [...scratch.volumes, configVolume],
            containers: [
              {
                name: 'migrate',
                image,
                imagePullPolicy: 'IfNotPresent',
                // Exit non-zero when a migration fails, so the Job fails instead of completing over a stale
                // schema (the flag exists since v1.82; from v1.104 it is also the default).
                args: ['--config', CONFIG_PATH, '--skip_server_startup', '--enforce_prisma_migration_check'],
                env: [...env.filter((e) => e.name !== 'DISABLE_SCHEMA_UPDATE'), { name: 'DISABLE_SCHEMA_UPDATE', value: 'false' }],
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpuRequest: '250m', memoryRequest: '1Gi', cpuLimit: '1' }),
                volumeMounts: [...scratch.mounts, configMount],
              },
            ],
          },
        },
      },
    });

    const port = NAMES.litellm.port;
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: NAMES.litellm.deployment, labels: { ...LABELS.litellmGateway } },
      spec: {
        // Left out when the autoscaler owns the count, so an apply never scales the gateway back to its minimum.
        replicas: Availability.specReplicas(config.workloads.litellm),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...LABELS.litellmGateway } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
        },
        template: {
          metadata: {
            labels: { ...LABELS.litellmGateway },
            annotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum({ 'config.yaml': configYaml }) },
          },
          spec: {
            serviceAccountName: IDENTITIES.litellm.serviceAccount,
            // IRSA still works: EKS projects its own token volume for annotated service accounts.
            automountServiceAccountToken: false,
            securityContext: podSecurity,
            // Streams can run for minutes; give them time to finish after the pod leaves the target group.
            terminationGracePeriodSeconds: 120,
            topologySpreadConstraints: spreadAcrossZones(LABELS.litellmGateway),
            volumes: [...scratch.volumes, configVolume],
            containers: [
              {
                name: 'litellm',
                image,
                imagePullPolicy: 'IfNotPresent',
                args: ['--config', CONFIG_PATH, '--port', String(port)],
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                env,
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' }),
                volumeMounts: [...scratch.mounts, configMount],
                ...httpProbes({
                  live: LITELLM_LIVENESS_PATH,
                  ready: LITELLM_READINESS_PATH,
                  startupPeriodSeconds: 5,
                  startupFailureThreshold: 60,
                }),
                // Leave the load balancer's target list before the process stops taking requests.
                lifecycle: { preStop: { sleep: { seconds: 15 } } },
              },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: NAMES.litellm.service, labels: { ...LABELS.litellmGateway } },
      spec: {
        type: 'ClusterIP',
        selector: { ...LABELS.litellmGateway },
        ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    new Availability(this, 'Availability', {
      name: NAMES.litellm.deployment,
      namespace,
      selector: LABELS.litellmGateway,
      minReplicas: config.workloads.litellm.minReplicas,
      maxReplicas: config.workloads.litellm.maxReplicas,
      deploymentName: NAMES.litellm.deployment,
    });

    // The internal load balancer (API Gateway's VPC link, the tenants reconciler) and, with a web domain, the public one
    // (the admin UI). Both reach the pods from their nodes' addresses in the VPC's subnets, which the base chart's
    // litellm-from-load-balancer policy admits on this port (it allows the whole VPC CIDR): no policy of their own.
    const service = { name: NAMES.litellm.service, port };
    bindServiceToTargetGroup(this, 'TargetGroupBinding', {
      targetGroupArn: aws.litellmTargetGroupArn,
      name: service.name,
      namespace,
      service,
    });
    bindServiceToTargetGroup(this, 'PublicTargetGroupBinding', {
      targetGroupArn: aws.webTargetGroupArns?.litellm,
      name: `${service.name}-public`,
      namespace,
      service,
    });
  }
}
