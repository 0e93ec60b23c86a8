import { Chart, type ChartProps } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { OPEN_WEBUI_HEALTH_PATH } from '../lib/shared/web';
import { HttpWorkloads, type HttpWorkloadProps } from './constructs/http-workloads';
import { AllowPolicy, dataStores, httpsAnywhere, loadBalancerPeers, podsIn, tcp } from './constructs/network-policy';
import { plainEnv, resources, restrictedContainerSecurityContext } from './constructs/pod-security';
import { roleServiceAccount } from './constructs/service-account';
import { credentialSources, postgresSources, postgresUrlTemplate, SyncedSecret } from './constructs/synced-secret';
import { bindServiceToTargetGroup } from './constructs/target-group-binding';
import { LABELS, NAMES } from './endpoints';
import { IDENTITIES } from './identities';
import type { OpenWebUiAwsValues, PlatformAwsValues, SsoAwsValues } from './platform-props';
import { configChecksum } from './renderers/checksum';
import {
  OPEN_WEBUI_SECRET_ENV,
  OPEN_WEBUI_WRITABLE_PATHS,
  openWebUiEnv,
  toolServerConnectionsTemplate,
  type OpenWebUiEnv,
} from './renderers/open-webui-env';
import { IMAGES, imageRef } from './versions';

/**
 * The user the pods run as. The upstream image builds as root (Dockerfile `ARG UID=0`) and documents a non-root
 * build (`--build-arg UID=1000`); its files stay world-readable, so the stock image runs as this user as long as
 * every path it writes is a mounted emptyDir (OPEN_WEBUI_WRITABLE_PATHS).
 */
export const OPEN_WEBUI_UID = 1000;

/**
 * Health routes: /health answers once the process serves (the web load balancer's health check uses it too);
 * /health/db also checks the database (upstream Helm chart's probes).
 */
export const OPEN_WEBUI_HEALTH = { live: OPEN_WEBUI_HEALTH_PATH, ready: '/health/db' } as const;

/** The parts of the environment config Open WebUI reads. */
export type OpenWebUiChartConfig = Pick<EnvironmentConfig, 'openWebUi' | 'tenants' | 'mcpServers' | 'web'>;

export interface OpenWebUiChartProps extends ChartProps {
  readonly config: OpenWebUiChartConfig;
  readonly aws: PlatformAwsValues;
}

/** What the chart needs that only exists when Open WebUI is enabled; checked before anything is built. */
interface Resolved {
  readonly owui: OpenWebUiAwsValues;
  readonly sso: SsoAwsValues;
  readonly client: { readonly clientId: string; readonly clientSecretArn: string };
  readonly chatModels: string[];
  readonly embeddingModel?: string;
  readonly mcpTools: boolean;
}

function resolve(config: OpenWebUiChartConfig, aws: PlatformAwsValues): Resolved {
  if (!config.openWebUi.enabled) {
    throw new Error('openWebUi.enabled: is false (create the Open WebUI chart only for environments that enable it)');
  }
  const owui = aws.openWebUi;
  if (!owui) throw new Error('aws.openWebUi: is missing (pass the Open WebUI role, database secret, bucket and secrets)');
  const sso = aws.sso;
  const client = sso?.clients.openWebUi;
  if (!sso || !client) {
    throw new Error(
      'aws.sso.clients.openWebUi: is missing (Open WebUI signs employees in only through single sign-on; local sign-up and password login are off)',
    );
  }
  const team = config.tenants.teams.find((t) => t.name === config.openWebUi.team);
  if (!team) throw new Error(`openWebUi.team: "${config.openWebUi.team ?? ''}" is not a team in tenants.teams`);
  const embeddingModel = config.openWebUi.embeddingModel;
  if (embeddingModel !== undefined && !team.models.includes(embeddingModel)) {
    throw new Error(`openWebUi.embeddingModel: "${embeddingModel}" is not a model of team ${team.name} (add it to the team's models)`);
  }
  return {
    owui,
    sso,
    client,
    chatModels: team.models.filter((m) => m !== embeddingModel),
    ...(embeddingModel !== undefined ? { embeddingModel } : {}),
    mcpTools: config.mcpServers.length > 0 && team.mcpServers.length > 0,
  };
}

/**
 * Open WebUI, the employees' chat in front of LiteLLM: secrets sync, identity, the Deployment with its Service,
 * autoscaler and disruption budget, its network policies and, behind the web load balancer, its target group binding.
 */
export class OpenWebUiChart extends Chart {
  constructor(scope: Construct, id: string, props: OpenWebUiChartProps) {
    const namespace = IDENTITIES.openWebUi.namespace;
    super(scope, id, { ...props, namespace });
    const { config, aws } = props;
    const r = resolve(config, aws);

    const env = openWebUiEnv({
      region: aws.region,
      url: r.owui.url,
      bucket: r.owui.bucket,
      secureCookies: config.web.domain !== undefined,
      sso: { discoveryUrl: r.sso.discoveryUrl, clientId: r.client.clientId, groupsClaim: r.sso.groupsClaim, adminGroup: r.sso.adminGroup },
      chatModels: r.chatModels,
      ...(r.embeddingModel !== undefined ? { embeddingModel: r.embeddingModel } : {}),
      mcpTools: r.mcpTools,
    });

    roleServiceAccount(this, 'ServiceAccount', IDENTITIES.openWebUi, r.owui.roleArn);
    const { secret, checksum } = openWebUiSecret(this, aws, r, env);
    const containerEnv = [...plainEnv(env.plain), ...secret.env()];
    const chat = new HttpWorkloads(this, 'Workload', { namespace, workloads: [chatWorkload(config, containerEnv, checksum)] });
    networkPolicies(this, aws);
    exposure(this, aws, chat.services[NAMES.openWebUi.deployment]!);
  }
}

/**
 * The synced Secret: database and Valkey URLs, the built-in key, the session secret and the OIDC client secret, with a
 * checksum that changes when what it holds changes (its keys and the tool-server JSON), never with deploy-time values.
 */
function openWebUiSecret(scope: Construct, aws: PlatformAwsValues, r: Resolved, env: OpenWebUiEnv) {
  const S = OPEN_WEBUI_SECRET_ENV;
  const dbUrl = postgresUrlTemplate('db', aws.database.host, aws.database.port);
  // ElastiCache has in-transit encryption on: rediss://, signed in as Open WebUI's own Valkey user, which reaches only
  // its prefix's keys and channels (lib/shared/cache.ts).
  const redisUrl = `rediss://{{ .cacheUsername | urlquery }}:{{ .cachePassword | urlquery }}@${aws.cache.host}:${aws.cache.port}/0`;
  const toolServers = toolServerConnectionsTemplate('virtualKey');
  const templates: Record<string, string> = {
    [S.databaseUrl]: dbUrl,
    [S.vectorDbUrl]: dbUrl,
    [S.redisUrl]: redisUrl,
    [S.websocketRedisUrl]: redisUrl,
    [S.openAiKeys]: '{{ .virtualKey }}',
    [S.ragOpenAiKey]: '{{ .virtualKey }}',
    [S.secretKey]: '{{ .secretKey }}',
    [S.adminPassword]: '{{ .adminPassword }}',
    [S.oauthClientSecret]: '{{ .oauthClientSecret }}',
    [S.toolServers]: toolServers,
  };
  const secret = new SyncedSecret(scope, 'Env', {
    name: NAMES.openWebUi.secret,
    namespace: IDENTITIES.openWebUi.namespace,
    sources: {
      ...postgresSources('db', r.owui.databaseSecretArn),
      ...credentialSources('cache', r.owui.cacheCredentialsArn),
      // Written by the tenants reconciler for the built-in consumer; found by name.
      virtualKey: { key: r.owui.virtualKeySecretName, property: 'virtualKey' },
      secretKey: { key: r.owui.secretKeyArn, property: 'value' },
      adminPassword: { key: r.owui.adminPasswordArn, property: 'value' },
      // The client secret is the whole plain-text secret.
      oauthClientSecret: { key: r.client.clientSecretArn },
    },
    keys: Object.fromEntries(env.secretKeys.map((k) => [k, templates[k] as string])),
  });
  const checksum = configChecksum({
    'secret-keys': env.secretKeys.join('\n'),
    ...(env.secretKeys.includes(S.toolServers) ? { [S.toolServers]: toolServers } : {}),
  });
  return { secret, checksum };
}

/**
 * The employees' chat: what differs from any other HTTP workload. Its emptyDirs replace directories the image ships
 * files in (DATA_DIR: model caches; STATIC_DIR: frontend assets), so an init container seeds them from the image first,
 * as the upstream Helm chart does for its data volume.
 */
function chatWorkload(config: OpenWebUiChartConfig, env: readonly k8s.EnvVar[], checksum: string): HttpWorkloadProps {
  const image = imageRef(IMAGES.openWebUi);
  const seed = `cp -R ${OPEN_WEBUI_WRITABLE_PATHS.data}/. /seed/data/ && cp -R ${OPEN_WEBUI_WRITABLE_PATHS.static}/. /seed/static/`;
  return {
    name: NAMES.openWebUi.deployment,
    labels: LABELS.openWebUi,
    serviceAccount: IDENTITIES.openWebUi.serviceAccount,
    uid: OPEN_WEBUI_UID,
    containerName: 'open-webui',
    image,
    port: NAMES.openWebUi.port,
    env,
    resources: { cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' },
    // A first start runs the migrations and seeds the database: allow five minutes.
    probes: { live: OPEN_WEBUI_HEALTH.live, ready: OPEN_WEBUI_HEALTH.ready, startupPeriodSeconds: 5, startupFailureThreshold: 60 },
    writablePaths: OPEN_WEBUI_WRITABLE_PATHS,
    writableSizeLimit: '4Gi',
    initContainers: [
      {
        name: 'seed',
        image,
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', '-c', seed],
        securityContext: restrictedContainerSecurityContext(),
        resources: resources({ cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '1' }),
        volumeMounts: [
          { name: 'data', mountPath: '/seed/data' },
          { name: 'static', mountPath: '/seed/static' },
        ],
      },
    ],
    replicas: { minReplicas: config.openWebUi.minReplicas, maxReplicas: config.openWebUi.maxReplicas },
    // Old and new releases must never serve against one database (a migration may rename what the old one queries),
    // so every rollout stops all pods before starting the new ones: a short outage per deploy. The new pods each run
    // the migrations on start; PostgreSQL's transactional DDL makes a losing racer fail and restart instead of
    // half-migrating.
    strategy: { type: 'Recreate' },
    configChecksum: checksum,
    terminationGracePeriodSeconds: 60,
    // Leave the load balancer's target list before the process stops.
    preStopSeconds: 10,
  };
}

/**
 * The namespace's flows on top of its default deny (base chart): the web load balancer in (only when it is bound:
 * without a domain people reach the chat through `kubectl port-forward`, which enters the pod without crossing its
 * network policies); LiteLLM, the data stores and HTTPS out.
 */
function networkPolicies(scope: Construct, aws: PlatformAwsValues): void {
  const namespace = IDENTITIES.openWebUi.namespace;
  const balancers = loadBalancerPeers(aws.subnetCidrs, { internal: false, web: Boolean(aws.webTargetGroupArns?.openWebUi) });
  if (balancers.length > 0) {
    new AllowPolicy(scope, 'FromLoadBalancer', {
      name: 'open-webui-from-load-balancer',
      namespace,
      podLabels: LABELS.openWebUi,
      ingress: [{ from: balancers, ports: [tcp(NAMES.openWebUi.port)] }],
    });
  }
  new AllowPolicy(scope, 'Egress', {
    name: 'open-webui-egress',
    namespace,
    podLabels: LABELS.openWebUi,
    egress: [
      // Models, embeddings and MCP tools through LiteLLM.
      { to: [podsIn(IDENTITIES.litellm.namespace, LABELS.litellmGateway)], ports: [tcp(NAMES.litellm.port)] },
      dataStores(aws.subnetCidrs),
      // S3 and STS for uploads, and the identity provider's discovery, token and key endpoints.
      httpsAnywhere(),
    ],
  });
}

/** The web load balancer's binding, when there is one (only with a web domain). */
function exposure(scope: Construct, aws: PlatformAwsValues, service: { readonly name: string; readonly port: number }): void {
  bindServiceToTargetGroup(scope, 'TargetGroupBinding', {
    targetGroupArn: aws.webTargetGroupArns?.openWebUi,
    name: service.name,
    namespace: IDENTITIES.openWebUi.namespace,
    service,
  });
}
