import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import type { Construct } from 'constructs';
import { BedrockApplicationProfiles } from '../constructs/bedrock-application-profiles';
import { ClusterTeardown } from '../constructs/cluster-teardown';
import { pascalCase, stackSuffix } from '../constructs/names';
import { builtinConsumersFor, Tenants } from '../constructs/tenants';
import { externalSecretsHelmValues } from '../k8s/external-secrets-values';
import type { ServiceAccountRoles } from '../k8s/identities';
import { type CHART_ORDER, type ChartName, chartsInApplyOrder, createPlatformCharts } from '../k8s/platform-charts';
import type { OpenWebUiAwsValues, PlatformAwsValues, SsoAwsValues, SubnetCidrs } from '../k8s/platform-props';
import { builtinKeySecretName, OPEN_WEBUI_CONSUMER, OPEN_WEBUI_PORT } from './shared/web';
import type { WebTargetGroupArns, WebUrls } from './edge-stack';
import { HELM_CHARTS } from '../k8s/versions';
import { mcpCredentialSecretNames } from './config/mcp-schema';
import type { EnvironmentConfig } from './config/schema';
import type { DataStack } from './data-stack';
import { SUBNETS } from './network-stack';
import { removalPolicyFor } from './removal';

export interface PlatformStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly cluster: eks.ICluster;
  /** Literal cluster name, for the volume teardown's tag conditions. */
  readonly clusterName: string;
  readonly vpc: ec2.IVpc;
  readonly serviceAccountRoles: ServiceAccountRoles<iam.IRole>;
  readonly data: DataStack;
  /** Target group the edge's internal load balancer forwards to; no TargetGroupBinding without it. */
  readonly litellmTargetGroupArn?: string;
  /** Target group of the internal load balancer's Langfuse UI listener; ignored with `web.domain` (no internal binding then). */
  readonly langfuseTargetGroupArn?: string;
  /**
   * URL people open the Langfuse UI at (NEXTAUTH_URL).
   * @default http://localhost:3000 — the UI is reached through `kubectl port-forward`
   */
  readonly langfuseUrl?: string;
  /**
   * Where the tenants reconciler and key rotation reach LiteLLM's admin API inside the VPC, and the security group the
   * internal load balancer admits them by (with web.domain it admits nobody else in the VPC); no tenants without it.
   */
  readonly internalLiteLlm?: { readonly url: string; readonly port: number; readonly clientSecurityGroup?: ec2.ISecurityGroup };
  /** Consumer name → OAuth client id (the edge's Cognito app clients, or the config's for an external issuer). */
  readonly consumerClientIds?: Readonly<Record<string, string>>;
  /** The public web entrance (only with `web.domain`): target groups the web UIs' pods join, and their URLs. */
  readonly web?: { readonly targetGroupArns: WebTargetGroupArns; readonly urls: WebUrls };
  /** Single sign-on clients of the workforce identity, for Open WebUI and Langfuse. */
  readonly sso?: SsoAwsValues;
  /** Bedrock guardrails by configured name (ClusterStack.guardrails): id and published version. @default none */
  readonly guardrails?: Readonly<Record<string, { readonly id: string; readonly version: string }>>;
}

/** Local port of the documented port-forward to the Langfuse UI. */
export const LANGFUSE_PORT_FORWARD_URL = 'http://localhost:3000';

/** Where employees open Open WebUI without a domain: `kubectl port-forward` (Cognito accepts http://localhost callbacks). */
export const OPEN_WEBUI_PORT_FORWARD_URL = `http://localhost:${OPEN_WEBUI_PORT}`;

/**
 * The workloads: the External Secrets Operator (Helm), then the cdk8s charts in dependency order
 * (base → ClickHouse → Langfuse → LiteLLM, then Open WebUI where enabled), applied through the cluster's kubectl provider.
 */
export class PlatformStack extends Stack {
  /** The applied charts by name, in apply order; the optional ones (Open WebUI) only when the config enables them. */
  readonly manifests: Readonly<Record<(typeof CHART_ORDER)[number], eks.KubernetesManifest>> &
    Readonly<Partial<Record<ChartName, eks.KubernetesManifest>>>;
  readonly externalSecrets: eks.HelmChart;
  /** Waits for PVC-backed volumes on destroy; ephemeral environments only. */
  readonly volumeTeardown?: ClusterTeardown;
  /** Teams and consumers reconciled into LiteLLM, with their key secrets. */
  readonly tenants?: Tenants;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config, cluster, serviceAccountRoles: roles, data } = props;

    // Ephemeral environments only: prod keeps its volumes on purpose. Everything below depends on it,
    // so on destroy the workloads go first, then this waits for their EBS volumes to be deleted.
    const teardown = (this.volumeTeardown = config.ephemeral
      ? new ClusterTeardown(this, 'VolumeTeardown', {
          clusterName: props.clusterName,
          vpcId: props.vpc.vpcId,
          mode: 'volumes',
          deleteOrphans: true,
          timeout: Duration.minutes(10),
          logRetention: config.cluster.logRetentionDays,
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined);

    const eso = HELM_CHARTS.externalSecrets;
    this.externalSecrets = new eks.HelmChart(this, 'ExternalSecrets', {
      cluster,
      chart: eso.chart,
      repository: eso.repository,
      version: eso.version,
      release: eso.release,
      namespace: eso.namespace,
      createNamespace: true,
      // CRDs and the webhook must be ready before the base chart creates its ClusterSecretStore.
      wait: true,
      atomic: true,
      timeout: Duration.minutes(10),
      values: externalSecretsHelmValues(),
    });
    if (teardown) this.externalSecrets.node.addDependency(teardown);

    // Bedrock token spend carries the environment tag only through these; LiteLLM may invoke them and nothing wider.
    const bedrockProfiles = new BedrockApplicationProfiles(this, 'BedrockProfiles', { environment: config.name, models: config.models });
    const bedrockPolicy = bedrockProfiles.grantInvoke(roles.litellm);

    const aws: PlatformAwsValues = {
      region: this.region,
      roleArns: {
        litellm: roles.litellm.roleArn,
        langfuse: roles.langfuse.roleArn,
        clickhouse: roles.clickhouse.roleArn,
        clickhouseMetrics: roles.clickhouseMetrics.roleArn,
        litellmSecretsSync: roles.litellmSecretsSync.roleArn,
        langfuseSecretsSync: roles.langfuseSecretsSync.roleArn,
      },
      subnetCidrs: subnetCidrs(props.vpc),
      database: {
        host: data.database.cluster.clusterEndpoint.hostname,
        port: String(data.database.cluster.clusterEndpoint.port),
        litellmSecretArn: data.applicationDatabases.userSecrets.litellm!.secretArn,
        langfuseSecretArn: data.applicationDatabases.userSecrets.langfuse!.secretArn,
      },
      cache: {
        host: data.cache.endpointAddress,
        port: data.cache.endpointPort,
        litellmCredentialsArn: data.cache.credentials.litellm!.secretArn,
        langfuseCredentialsArn: data.cache.credentials.langfuse!.secretArn,
      },
      buckets: {
        langfuse: data.buckets.langfuse.bucketName,
        clickhouse: data.buckets.clickhouse.bucketName,
        ...(data.clickhouseBackup ? { clickhouseBackup: data.clickhouseBackup.bucket.bucketName } : {}),
      },
      secretArns: {
        litellmMasterKey: data.secrets.secrets.litellmMasterKey.secretArn,
        litellmSaltKey: data.secrets.secrets.litellmSaltKey.secretArn,
        langfuseNextAuthSecret: data.secrets.secrets.langfuseNextAuthSecret.secretArn,
        langfuseSalt: data.secrets.secrets.langfuseSalt.secretArn,
        langfuseEncryptionKey: data.secrets.secrets.langfuseEncryptionKey.secretArn,
        langfuseInitPublicKey: data.secrets.secrets.langfuseInitPublicKey.secretArn,
        langfuseInitSecretKey: data.secrets.secrets.langfuseInitSecretKey.secretArn,
        langfuseAdminPassword: data.secrets.secrets.langfuseAdminPassword.secretArn,
        clickhousePassword: data.secrets.secrets.clickhousePassword.secretArn,
      },
      modelApiKeySecretNames: Object.fromEntries(
        config.models.flatMap((m) => (m.provider === 'bedrock' ? [] : [[m.name, m.apiKeySecretName]])),
      ),
      mcpCredentialSecretNames: mcpCredentialSecretNames(config.mcpServers),
      bedrockProfileArns: bedrockProfiles.arns,
      ...(props.litellmTargetGroupArn ? { litellmTargetGroupArn: props.litellmTargetGroupArn } : {}),
      // With a web domain Langfuse is reached only through the public entrance's admin sign-in: no internal binding.
      ...(props.langfuseTargetGroupArn && !config.web.domain ? { langfuseTargetGroupArn: props.langfuseTargetGroupArn } : {}),
      langfuseUrl: props.web?.urls.langfuse ?? props.langfuseUrl ?? LANGFUSE_PORT_FORWARD_URL,
      ...(props.web ? { webTargetGroupArns: props.web.targetGroupArns, litellmUiUrl: props.web.urls.litellm } : {}),
      ...(props.sso ? { sso: props.sso } : {}),
      ...(props.guardrails ? { guardrails: props.guardrails } : {}),
      ...(data.batches ? { batches: { bucket: data.batches.bucket.bucketName, roleArn: data.batches.serviceRole.roleArn } } : {}),
      ...(config.openWebUi.enabled ? { openWebUi: this.openWebUiValues(props) } : {}),
    };

    // The charts are built in a cdk8s app of their own; their JSON (with tokens) goes to the kubectl provider.
    const charts = createPlatformCharts(new cdk8s.App(), { config, aws });
    let previous: Construct = this.externalSecrets;
    const manifests: Partial<Record<ChartName, eks.KubernetesManifest>> = {};
    for (const [name, chart] of chartsInApplyOrder(charts)) {
      const manifest = new eks.KubernetesManifest(this, `${pascalCase(name)}Chart`, {
        cluster,
        manifest: chart.toJson() as Record<string, unknown>[],
        // Objects removed from a chart are deleted from the cluster on the next deploy.
        prune: true,
      });
      manifest.node.addDependency(previous);
      previous = manifest;
      manifests[name] = manifest;
    }
    this.manifests = manifests as PlatformStack['manifests'];
    // LiteLLM's pods call the profiles from their first request: the grant exists before they start.
    if (bedrockPolicy) this.manifests.litellm.node.addDependency(bedrockPolicy);

    if (props.internalLiteLlm) {
      this.tenants = new Tenants(this, 'Tenants', {
        environment: config.name,
        tenants: config.tenants,
        clientIds: props.consumerClientIds ?? {},
        vpc: props.vpc,
        subnets: { subnetGroupName: SUBNETS.workloads },
        litellmUrl: props.internalLiteLlm.url,
        litellmPort: props.internalLiteLlm.port,
        ...(props.internalLiteLlm.clientSecurityGroup ? { litellmClientSecurityGroup: props.internalLiteLlm.clientSecurityGroup } : {}),
        masterKey: data.secrets.secrets.litellmMasterKey,
        secretsKey: data.key,
        authorizerCacheTtl: Duration.seconds(config.edge.authorizerCacheTtlSeconds),
        after: this.manifests.litellm,
        logRetention: config.cluster.logRetentionDays,
        removalPolicy: removalPolicyFor(config),
        builtinConsumers: builtinConsumersFor(config.openWebUi),
      });
    }

    // Open WebUI starts only once its key has been issued, so its first pods find it.
    const reconciler = this.tenants?.reconciler;
    if (reconciler) this.manifests.openWebUi?.node.addDependency(reconciler.resource);
  }

  /** Open WebUI's AWS values: its role, database, bucket, session secret, built-in key and URL. */
  private openWebUiValues(props: PlatformStackProps): OpenWebUiAwsValues {
    const role = props.serviceAccountRoles.openWebUi;
    const syncRole = props.serviceAccountRoles.openWebUiSecretsSync;
    const data = props.data.openWebUi;
    if (!role || !syncRole || !data)
      throw new Error('openWebUi: enabled, but the cluster stack made no role or the data stack no data for it');
    return {
      roleArn: role.roleArn,
      databaseSecretArn: data.databaseSecret.secretArn,
      bucket: data.bucket.bucketName,
      // The same name the tenants' key secret gets (constructs/consumer-key-secrets.ts): both end with this stack's suffix.
      virtualKeySecretName: builtinKeySecretName(props.config.name, OPEN_WEBUI_CONSUMER, stackSuffix(this)),
      secretKeyArn: data.secretKey.secretArn,
      adminPasswordArn: data.adminPassword.secretArn,
      secretsSyncRoleArn: syncRole.roleArn,
      cacheCredentialsArn: data.cacheCredentials.secretArn,
      url: props.web?.urls.chat ?? OPEN_WEBUI_PORT_FORWARD_URL,
    };
  }
}

/** The VPC's subnet ranges by group, which the network policies name (never the VPC's whole range). */
function subnetCidrs(vpc: ec2.IVpc): SubnetCidrs {
  const of = (subnetGroupName: string) => vpc.selectSubnets({ subnetGroupName }).subnets.map((s) => s.ipv4CidrBlock);
  return { public: of(SUBNETS.public), workloads: of(SUBNETS.workloads), data: of(SUBNETS.data) };
}
