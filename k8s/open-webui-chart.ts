import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { OPEN_WEBUI_HEALTH_PATH } from '../lib/shared/web';
import { Availability } from './constructs/availability';
import { AllowPolicy, httpsAnywhere, podsIn, tcp, vpcPeer } from './constructs/network-policy';
import {
  plainEnv,
  resources,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  scratchDirs,
  secretEnv,
  spreadAcrossZones,
} from './constructs/pod-security';
import { httpProbes } from './constructs/probes';
import { SyncedSecret, postgresSources, postgresUrlTemplate } from './constructs/synced-secret';
import { bindServiceToTargetGroup } from './constructs/target-group-binding';
import { LABELS, NAMES } from './endpoints';
import { IDENTITIES } from './identities';
import type { OpenWebUiAwsValues, PlatformAwsValues, PlatformChartsProps, SsoAwsValues } from './platform-props';
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from './renderers/checksum';
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

export type OpenWebUiChartProps = PlatformChartsProps & ChartProps;

/** What the chart needs that only exists when Open WebUI is enabled; checked before anything is built. */
interface Resolved {
  readonly owui: OpenWebUiAwsValues;
  readonly sso: SsoAwsValues;
  readonly client: { readonly clientId: string; readonly clientSecretArn: string };
  readonly chatModels: string[];
  readonly embeddingModel?: string;
  readonly mcpTools: boolean;
}

function resolve(config: EnvironmentConfig, aws: PlatformAwsValues): Resolved {
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

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: IDENTITIES.openWebUi.serviceAccount, annotations: { 'eks.amazonaws.com/role-arn': r.owui.roleArn } },
      automountServiceAccountToken: false,
    });
    const secret = new OpenWebUiSecret(this, 'Env', { aws, resolved: r, env });
    new OpenWebUiWorkload(this, 'Workload', { config, env, secretName: secret.secretName, checksum: secret.templateChecksum });
    new OpenWebUiExposure(this, 'Exposure', { config, aws, namespace });
  }
}

interface OpenWebUiSecretProps {
  readonly aws: PlatformAwsValues;
  readonly resolved: Resolved;
  readonly env: OpenWebUiEnv;
}

/** The synced Secret: database and Valkey URLs, the built-in key, the session secret and the OIDC client secret. */
class OpenWebUiSecret extends Construct {
  readonly secretName = NAMES.openWebUi.secret;
  /** Changes when what the Secret holds changes (its keys and the tool-server JSON), never with deploy-time values. */
  readonly templateChecksum: string;

  constructor(scope: Construct, id: string, props: OpenWebUiSecretProps) {
    super(scope, id);
    const { aws, resolved: r, env } = props;
    const S = OPEN_WEBUI_SECRET_ENV;
    const dbUrl = postgresUrlTemplate('db', aws.database.host, aws.database.port);
    // ElastiCache has in-transit encryption on: rediss://, AUTH token as the password of the default user.
    const redisUrl = `rediss://:{{ .cachePassword | urlquery }}@${aws.cache.host}:${aws.cache.port}/0`;
    const toolServers = toolServerConnectionsTemplate('virtualKey');
    const templates: Record<string, string> = {
      [S.databaseUrl]: dbUrl,
      [S.vectorDbUrl]: dbUrl,
      [S.redisUrl]: redisUrl,
      [S.websocketRedisUrl]: redisUrl,
      [S.openAiKeys]: '{{ .virtualKey }}',
      [S.ragOpenAiKey]: '{{ .virtualKey }}',
      [S.secretKey]: '{{ .secretKey }}',
      [S.oauthClientSecret]: '{{ .oauthClientSecret }}',
      [S.toolServers]: toolServers,
    };
    const keys = Object.fromEntries(env.secretKeys.map((k) => [k, templates[k] as string]));
    new SyncedSecret(this, 'Resource', {
      name: this.secretName,
      namespace: IDENTITIES.openWebUi.namespace,
      sources: {
        ...postgresSources('db', r.owui.databaseSecretArn),
        cachePassword: { key: aws.cache.authSecretArn, property: 'password' },
        // Written by the tenants reconciler for the built-in consumer; found by name.
        virtualKey: { key: r.owui.virtualKeySecretName, property: 'virtualKey' },
        secretKey: { key: r.owui.secretKeyArn, property: 'value' },
        // The client secret is the whole plain-text secret.
        oauthClientSecret: { key: r.client.clientSecretArn },
      },
      keys,
    });
    this.templateChecksum = configChecksum({
      'secret-keys': env.secretKeys.join('\n'),
      ...(env.secretKeys.includes(S.toolServers) ? { [S.toolServers]: toolServers } : {}),
    });
  }
}

interface OpenWebUiWorkloadProps {
  readonly config: EnvironmentConfig;
  readonly env: OpenWebUiEnv;
  readonly secretName: string;
  readonly checksum: string;
}

/** Deployment, Service, autoscaler and disruption budget. */
class OpenWebUiWorkload extends Construct {
  constructor(scope: Construct, id: string, props: OpenWebUiWorkloadProps) {
    super(scope, id);
    const { config, env, secretName } = props;
    const namespace = IDENTITIES.openWebUi.namespace;
    const port = NAMES.openWebUi.port;
    const image = imageRef(IMAGES.openWebUi);
    const scratch = scratchDirs(OPEN_WEBUI_WRITABLE_PATHS, '4Gi');
    // The image ships files under DATA_DIR (model caches) and STATIC_DIR (frontend assets); the emptyDirs that
    // replace them for a read-only root are seeded from the image first, as the upstream Helm chart does for its data volume.
    const seedMounts: k8s.VolumeMount[] = [
      { name: 'data', mountPath: '/seed/data' },
      { name: 'static', mountPath: '/seed/static' },
    ];
    const seed = `cp -R ${OPEN_WEBUI_WRITABLE_PATHS.data}/. /seed/data/ && cp -R ${OPEN_WEBUI_WRITABLE_PATHS.static}/. /seed/static/`;

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name: NAMES.openWebUi.deployment, labels: { ...LABELS.openWebUi } },
      spec: {
        replicas: Availability.specReplicas(config.openWebUi),
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...LABELS.openWebUi } },
        // Old and new releases must never serve against one database (a migration may rename what the old one
        // queries), so every rollout stops all pods before starting the new ones: a short outage per deploy.
        // The new pods each run the migrations on start; PostgreSQL's transactional DDL makes a losing racer fail
        // and restart instead of half-migrating.
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels: { ...LABELS.openWebUi }, annotations: { [CONFIG_CHECKSUM_ANNOTATION]: props.checksum } },
          spec: {
            serviceAccountName: IDENTITIES.openWebUi.serviceAccount,
            // IRSA still works: EKS projects its own token volume for annotated service accounts.
            automountServiceAccountToken: false,
            securityContext: restrictedPodSecurityContext(OPEN_WEBUI_UID),
            terminationGracePeriodSeconds: 60,
            topologySpreadConstraints: spreadAcrossZones(LABELS.openWebUi),
            volumes: scratch.volumes,
            initContainers: [
              {
                name: 'seed',
                image,
                imagePullPolicy: 'IfNotPresent',
                command: ['sh', '-c', seed],
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpuRequest: '100m', memoryRequest: '256Mi', cpuLimit: '1' }),
                volumeMounts: seedMounts,
              },
            ],
            containers: [
              {
                name: 'open-webui',
                image,
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
                env: [...plainEnv(env.plain), ...env.secretKeys.map((key) => secretEnv(key, secretName))],
                securityContext: restrictedContainerSecurityContext(),
                resources: resources({ cpuRequest: '500m', memoryRequest: '2Gi', cpuLimit: '2' }),
                volumeMounts: scratch.mounts,
                // A first start runs the migrations and seeds the database: allow five minutes.
                ...httpProbes({
                  live: OPEN_WEBUI_HEALTH.live,
                  ready: OPEN_WEBUI_HEALTH.ready,
                  startupPeriodSeconds: 5,
                  startupFailureThreshold: 60,
                }),
                // Leave the load balancer's target list before the process stops.
                lifecycle: { preStop: { sleep: { seconds: 10 } } },
              },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: NAMES.openWebUi.service, labels: { ...LABELS.openWebUi } },
      spec: {
        type: 'ClusterIP',
        selector: { ...LABELS.openWebUi },
        ports: [{ name: 'http', port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });

    new Availability(this, 'Availability', {
      name: NAMES.openWebUi.deployment,
      namespace,
      selector: LABELS.openWebUi,
      minReplicas: config.openWebUi.minReplicas,
      maxReplicas: config.openWebUi.maxReplicas,
      deploymentName: NAMES.openWebUi.deployment,
    });
  }
}

interface OpenWebUiExposureProps {
  readonly config: EnvironmentConfig;
  readonly aws: PlatformAwsValues;
  readonly namespace: string;
}

/** Who may reach the pods and whom they may reach; the web load balancer's binding when there is one. */
class OpenWebUiExposure extends Construct {
  constructor(scope: Construct, id: string, props: OpenWebUiExposureProps) {
    super(scope, id);
    const { config, aws, namespace } = props;
    const vpcCidr = config.network.cidr;
    const port = NAMES.openWebUi.port;
    new AllowPolicy(this, 'FromLoadBalancer', {
      name: 'open-webui-from-load-balancer',
      namespace,
      podLabels: LABELS.openWebUi,
      // The web load balancer registers pod IPs (target type ip); its nodes and health checks are in the VPC.
      ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(port)] }],
    });
    new AllowPolicy(this, 'Egress', {
      name: 'open-webui-egress',
      namespace,
      podLabels: LABELS.openWebUi,
      egress: [
        // Models, embeddings and MCP tools through LiteLLM.
        { to: [podsIn(IDENTITIES.litellm.namespace, LABELS.litellmGateway)], ports: [tcp(NAMES.litellm.port)] },
        // Aurora (5432) and Valkey (6379) in the VPC's data subnets.
        { to: [vpcPeer(vpcCidr)], ports: [tcp(5432), tcp(6379)] },
        // S3 and STS for uploads, and the identity provider's discovery, token and key endpoints.
        httpsAnywhere(),
      ],
    });
    bindServiceToTargetGroup(this, 'TargetGroupBinding', {
      targetGroupArn: aws.webTargetGroupArns?.openWebUi,
      name: NAMES.openWebUi.service,
      namespace,
      service: { name: NAMES.openWebUi.service, port },
    });
  }
}
