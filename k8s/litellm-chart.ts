import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { uniqueOrigins } from '../lib/shared/cors';
import { LITELLM_END_USER_HEADERS, LITELLM_LIVENESS_PATH, LITELLM_READINESS_PATH, mcpCredentialEnvName } from '../lib/shared/litellm';
import { HttpWorkloads, type HttpWorkloadProps } from './constructs/http-workloads';
import {
  plainEnv,
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDirs,
} from './constructs/pod-security';
import { roleServiceAccount } from './constructs/service-account';
import { credentialSources, postgresSources, postgresUrlTemplate, SyncedSecret } from './constructs/synced-secret';
import { bindServiceToLoadBalancers } from './constructs/target-group-binding';
import { LABELS, LANGFUSE_INTERNAL_URL, NAMES } from './endpoints';
import { IDENTITIES } from './identities';
import type { PlatformAwsValues } from './platform-props';
import { configChecksum } from './renderers/checksum';
import {
  bedrockProfileEnvNames,
  guardrailUses,
  LITELLM_ENV,
  modelApiKeyEnvName,
  modelsWithApiKeys,
  renderLiteLlmConfig,
  type GuardrailUse,
} from './renderers/litellm-config';
import { guardrailEnvNames } from '../lib/shared/guardrails';
import { BATCH_ENV } from '../lib/shared/batches';
import { OPEN_WEBUI_END_USER_HEADER } from './renderers/open-webui-env';
import { IMAGES, imageRef } from './versions';
import { platformNodeSelector } from '../lib/shared/node-pool';

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

/** The parts of the environment config the gateway reads. */
export type LitellmChartConfig = Pick<
  EnvironmentConfig,
  | 'name'
  | 'region'
  | 'models'
  | 'modelGroups'
  | 'router'
  | 'responseCache'
  | 'mcpServers'
  | 'openWebUi'
  | 'workloads'
  | 'guardrails'
  | 'tenants'
  | 'loadTest'
  | 'batches'
>;

export interface LitellmChartProps extends ChartProps {
  readonly config: LitellmChartConfig;
  readonly aws: PlatformAwsValues;
}

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
    const credentials = thirdPartyCredentials(config, aws);
    const profileEnv = bedrockProfileEnv(config, aws);

    const guardrails = guardrailUses(
      config.guardrails.map((g) => g.name),
      config.tenants.teams,
    );
    const browserOrigins = uniqueOrigins(config.tenants.consumers.flatMap((c) => (c.browser ? [c.browser] : [])));
    const configYaml = renderLiteLlmConfig({
      environment: config.name,
      models: config.models,
      modelGroups: config.modelGroups,
      router: config.router,
      responseCache: config.responseCache,
      mcpServers: config.mcpServers,
      // Bedrock deployments of the environment's region and account go through its application inference profiles.
      applicationProfileRegion: config.region,
      // Open WebUI forwards the signed-in employee; LiteLLM attributes its spend to that end user. Without it, browser
      // apps' people arrive in x-litellm-end-user-id (written by the edge): named here too, so a release that reads
      // only the configured header still takes it before the body's `user`.
      ...(config.openWebUi.enabled
        ? { endUserIdHeader: OPEN_WEBUI_END_USER_HEADER }
        : config.tenants.consumers.some((c) => c.browser)
          ? { endUserIdHeader: LITELLM_END_USER_HEADERS[1] }
          : {}),
      ...(browserOrigins.length > 0 ? { corsOrigins: browserOrigins } : {}),
      ...(guardrails.length > 0 ? { guardrails, guardrailRegion: config.region } : {}),
      ...(config.loadTest.mockModel ? { mockModel: { delayMs: config.loadTest.mockDelayMs } } : {}),
      ...(config.batches.enabled ? { batches: { models: config.batches.models, region: config.region } } : {}),
    });
    roleServiceAccount(this, 'ServiceAccount', IDENTITIES.litellm, aws.roleArns.litellm);
    // cdk8s-plus's ConfigMap adds `immutable: false`.
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: NAMES.litellm.config }, data: { 'config.yaml': configYaml } });
    const secret = litellmSecret(this, aws, credentials);
    const env = [
      ...plainEnv({ ...litellmPlainEnv(aws), ...guardrailEnv(guardrails, aws), ...profileEnv, ...batchEnv(config, aws) }),
      ...secret.env(),
    ];
    migrationJob(this, env);
    const gateway = new HttpWorkloads(this, 'Workload', {
      namespace,
      workloads: [gatewayWorkload(env, configChecksum({ 'config.yaml': configYaml }), config.workloads.litellm)],
    });
    exposure(this, aws, gateway.services[NAMES.litellm.deployment]!);
  }
}

/** Models and MCP servers whose credentials come from secrets named in config; checked before anything is built. */
function thirdPartyCredentials(config: LitellmChartConfig, aws: PlatformAwsValues) {
  const models = modelsWithApiKeys(config.models);
  const missing = models.filter((m) => !aws.modelApiKeySecretNames[m.name]).map((m) => m.name);
  if (missing.length > 0) {
    throw new Error(
      `aws.modelApiKeySecretNames: has no secret for model(s) ${missing.join(', ')} (add the secret name holding each model's API key)`,
    );
  }
  const mcpServers = config.mcpServers.filter((s) => s.credentialSecretName !== undefined);
  const mcpMissing = mcpServers.filter((s) => !aws.mcpCredentialSecretNames[s.name]).map((s) => s.name);
  if (mcpMissing.length > 0) {
    throw new Error(
      `aws.mcpCredentialSecretNames: has no secret for MCP server(s) ${mcpMissing.join(', ')} (add the secret name holding each server's credential)`,
    );
  }
  return { models, mcpServers };
}

/** The synced Secret: master and salt keys, database URL, its Valkey user and password, Langfuse keys and third-party credentials. */
function litellmSecret(scope: Construct, aws: PlatformAwsValues, { models, mcpServers }: ReturnType<typeof thirdPartyCredentials>) {
  return new SyncedSecret(scope, 'Env', {
    name: NAMES.litellm.secret,
    namespace: IDENTITIES.litellm.namespace,
    sources: {
      masterKey: { key: aws.secretArns.litellmMasterKey, property: 'value' },
      saltKey: { key: aws.secretArns.litellmSaltKey, property: 'value' },
      ...credentialSources('cache', aws.cache.litellmCredentialsArn),
      langfusePublicKey: { key: aws.secretArns.langfuseInitPublicKey, property: 'value' },
      langfuseSecretKey: { key: aws.secretArns.langfuseInitSecretKey, property: 'value' },
      ...postgresSources('db', aws.database.litellmSecretArn),
      // Third-party keys are whole plain-text secrets that outlive ephemeral environments.
      ...Object.fromEntries(models.map((m, i) => [`modelKey${i}`, { key: aws.modelApiKeySecretNames[m.name] as string }])),
      // MCP server credentials likewise: whole plain-text secrets, named in config.
      ...Object.fromEntries(mcpServers.map((s, i) => [`mcpCredential${i}`, { key: aws.mcpCredentialSecretNames[s.name] as string }])),
    },
    keys: {
      // LiteLLM requires the master key to start with sk-.
      [LITELLM_ENV.masterKey]: 'sk-{{ .masterKey }}',
      LITELLM_SALT_KEY: 'sk-{{ .saltKey }}',
      [LITELLM_ENV.databaseUrl]: postgresUrlTemplate('db', aws.database.host, aws.database.port),
      // Its own Valkey user, confined by its access string (lib/shared/cache.ts).
      [LITELLM_ENV.redisUsername]: '{{ .cacheUsername }}',
      [LITELLM_ENV.redisPassword]: '{{ .cachePassword }}',
      LANGFUSE_PUBLIC_KEY: 'pk-lf-{{ .langfusePublicKey }}',
      LANGFUSE_SECRET_KEY: 'sk-lf-{{ .langfuseSecretKey }}',
      ...Object.fromEntries(models.map((m, i) => [modelApiKeyEnvName(m), `{{ .modelKey${i} }}`])),
      ...Object.fromEntries(mcpServers.map((s, i) => [mcpCredentialEnvName(s), `{{ .mcpCredential${i} }}`])),
    },
  });
}

/** Each used guardrail's id and version, which config.yaml refers to by variable. */
function guardrailEnv(uses: readonly GuardrailUse[], aws: PlatformAwsValues): Record<string, string> {
  const missing = uses.filter((u) => !aws.guardrails?.[u.name]).map((u) => u.name);
  if (missing.length > 0) {
    throw new Error(
      `aws.guardrails: has no Bedrock guardrail for ${missing.join(', ')} (add the id and version of each guardrail a team chose)`,
    );
  }
  return Object.fromEntries(
    uses.flatMap((u) => {
      const names = guardrailEnvNames(u.name);
      const values = aws.guardrails![u.name]!;
      return [
        [names.id, values.id],
        [names.version, values.version],
      ];
    }),
  );
}

/**
 * The application inference profile ARNs the config refers to, one variable each. Fails closed: a deployment
 * without its profile's ARN would otherwise call Bedrock with the unresolved `os.environ/` reference.
 */
function bedrockProfileEnv(config: LitellmChartProps['config'], aws: PlatformAwsValues): Record<string, string> {
  const names = bedrockProfileEnvNames(config.models, config.region);
  const missing = names.filter((name) => !aws.bedrockProfileArns[name]);
  if (missing.length > 0) {
    throw new Error(`aws.bedrockProfileArns: has no ARN for ${missing.join(', ')} (add the application inference profile of each)`);
  }
  return Object.fromEntries(names.map((name) => [name, aws.bedrockProfileArns[name] as string]));
}

/** The batch bucket and service role config.yaml refers to; fails closed when batches are on and either is missing. */
function batchEnv(config: LitellmChartConfig, aws: PlatformAwsValues): Record<string, string> {
  if (!config.batches.enabled) return {};
  if (!aws.batches) throw new Error('aws.batches: is required with batches.enabled (the batch bucket name and service role ARN)');
  return { [BATCH_ENV.bucket]: aws.batches.bucket, [BATCH_ENV.roleArn]: aws.batches.roleArn };
}

/** Plain environment of the gateway and the migration Job. */
function litellmPlainEnv(aws: PlatformAwsValues): Record<string, string> {
  return {
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
  };
}

/** config.yaml from the ConfigMap, read-only, at the path both containers are started with. */
const CONFIG_FILE: { readonly volumes: readonly k8s.Volume[]; readonly mounts: readonly k8s.VolumeMount[] } = {
  volumes: [{ name: 'config', configMap: { name: NAMES.litellm.config } }],
  mounts: [{ name: 'config', mountPath: CONFIG_PATH, subPath: 'config.yaml', readOnly: true }],
};

/**
 * Migrations run once per image version, from the same image as the gateway (LiteLLM "Database Migrations": run
 * `litellm --skip_server_startup` with schema updates on, keep them off on serving pods). The Job's name carries the
 * version, so an upgrade creates a new Job and an unchanged deploy re-applies the same, already-completed one.
 * Gateway pods started before it finishes restart until the schema exists. `k8s.KubeJob`: cdk8s-plus's `Job` adds
 * pod defaults of its own.
 */
function migrationJob(scope: Construct, env: readonly k8s.EnvVar[]): void {
  const scratch = scratchDirs(LITELLM_WRITABLE_PATHS);
  new k8s.KubeJob(scope, 'Migrate', {
    metadata: { name: litellmMigrationJobName(), labels: { ...LABELS.litellmMigrate } },
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 1800,
      template: {
        metadata: { labels: { ...LABELS.litellmMigrate } },
        spec: {
          serviceAccountName: IDENTITIES.litellm.serviceAccount,
          automountServiceAccountToken: false,
          restartPolicy: 'OnFailure',
          nodeSelector: platformNodeSelector(),
          securityContext: restrictedPodSecurityContext(LITELLM_UID),
          volumes: [...scratch.volumes, ...CONFIG_FILE.volumes],
          containers: [
            {
              name: 'migrate',
              image: imageRef(IMAGES.litellm),
              imagePullPolicy: 'IfNotPresent',
              // Exit non-zero when a migration fails, so the Job fails instead of completing over a stale
              // schema (the flag exists since v1.82; from v1.104 it is also the default).
              args: ['--config', CONFIG_PATH, '--skip_server_startup', '--enforce_prisma_migration_check'],
              env: [...env.filter((e) => e.name !== 'DISABLE_SCHEMA_UPDATE'), { name: 'DISABLE_SCHEMA_UPDATE', value: 'false' }],
              securityContext: restrictedContainerSecurityContext(),
              resources: resources({ cpuRequest: '250m', memoryRequest: '1Gi', cpuLimit: '1' }),
              volumeMounts: [...scratch.mounts, ...CONFIG_FILE.mounts],
            },
          ],
        },
      },
    },
  });
}

/** The gateway: what differs from any other HTTP workload. */
function gatewayWorkload(
  env: readonly k8s.EnvVar[],
  checksum: string,
  replicas: LitellmChartConfig['workloads']['litellm'],
): HttpWorkloadProps {
  const port = NAMES.litellm.port;
  return {
    name: NAMES.litellm.deployment,
    labels: LABELS.litellmGateway,
    serviceAccount: IDENTITIES.litellm.serviceAccount,
    uid: LITELLM_UID,
    containerName: 'litellm',
    image: imageRef(IMAGES.litellm),
    args: ['--config', CONFIG_PATH, '--port', String(port)],
    port,
    env,
    resources: { cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' },
    probes: { live: LITELLM_LIVENESS_PATH, ready: LITELLM_READINESS_PATH, startupPeriodSeconds: 5, startupFailureThreshold: 60 },
    writablePaths: LITELLM_WRITABLE_PATHS,
    extraVolumes: CONFIG_FILE,
    replicas,
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
    },
    configChecksum: checksum,
    // Streams can run for minutes; give them time to finish after the pod leaves the target group.
    terminationGracePeriodSeconds: 120,
    // Leave the load balancer's target list before the process stops taking requests.
    preStopSeconds: 15,
  };
}

/**
 * The internal load balancer (API Gateway's VPC link, the tenants reconciler) and, with a web domain, the public one
 * (the admin UI). The base chart's litellm-from-load-balancer policy admits exactly those load balancers' subnets.
 */
function exposure(scope: Construct, aws: PlatformAwsValues, service: { readonly name: string; readonly port: number }): void {
  bindServiceToLoadBalancers(scope, IDENTITIES.litellm.namespace, service, {
    internal: aws.litellmTargetGroupArn,
    public: aws.webTargetGroupArns?.litellm,
  });
}
