import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { clickhouseVolumeTags } from '../lib/shared/cost-tags';
import { USAGE_AGENT } from '../lib/shared/usage-metrics';
import {
  AllowPolicy,
  NamespaceIsolation,
  dataStores,
  httpsAnywhere,
  loadBalancerPeers,
  podsIn,
  subnetPeers,
  tcp,
} from './constructs/network-policy';
import { roleServiceAccount } from './constructs/service-account';
import { LABELS, NAMES } from './endpoints';
import { IDENTITIES, SECRETS_OPERATOR, type WorkloadIdentity } from './identities';
import { SecretStore } from './imports/external-secrets';
import type { PlatformAwsValues, SubnetCidrs } from './platform-props';

/** Port the External Secrets webhook listens on (chart value `webhook.port`). */
export const EXTERNAL_SECRETS_WEBHOOK_PORT = 10250;

/** The parts of the environment config the shared pieces read. */
export type BaseChartConfig = Pick<EnvironmentConfig, 'name' | 'openWebUi'>;

export interface BaseChartProps extends ChartProps {
  readonly config: BaseChartConfig;
  readonly aws: PlatformAwsValues;
}

const NS = {
  litellm: IDENTITIES.litellm.namespace,
  langfuse: IDENTITIES.langfuse.namespace,
  eso: SECRETS_OPERATOR.namespace,
  openWebUi: IDENTITIES.openWebUi.namespace,
};

/** One namespace's SecretStore: the service account it authenticates as, and that account's IAM role. */
interface StoreIdentity {
  readonly identity: WorkloadIdentity;
  readonly roleArn: string;
}

/**
 * Shared pieces every component chart relies on: namespaces, the Auto Mode EBS storage class, one secret store per
 * namespace, and the network model (default deny plus one policy per real flow, from exact subnets or pods).
 * Applied after the External Secrets Operator Helm chart (which brings the SecretStore CRD).
 */
export class BaseChart extends Chart {
  constructor(scope: Construct, id: string, props: BaseChartProps) {
    super(scope, id, props);
    const { config, aws } = props;
    const openWebUi = config.openWebUi.enabled;
    // Checked before anything is built.
    const stores = storeIdentities(aws, openWebUi);
    checkSubnets(aws.subnetCidrs);
    // Open WebUI's namespace exists only where the config enables it.
    const workloadNamespaces = [NS.litellm, NS.langfuse, ...(openWebUi ? [NS.openWebUi] : [])];

    namespaces(this, workloadNamespaces);
    storageClass(this, config.name);
    networkPolicyController(this);
    for (const store of stores) secretStore(this, aws.region, store);
    // Default deny in every namespace the platform creates or installs into, then one policy per real flow. Not in
    // kube-system (EKS's own) or amazon-cloudwatch (the Container Insights add-on's, whose flows EKS manages).
    for (const namespace of [...workloadNamespaces, NS.eso]) new NamespaceIsolation(this, `Isolation-${namespace}`, { namespace });
    litellmPolicies(this, aws, openWebUi);
    langfusePolicies(this, aws);
    externalSecretsPolicies(this, aws.subnetCidrs);
  }
}

/** Each workload namespace's store identity; Open WebUI's only when it is enabled. */
function storeIdentities(aws: PlatformAwsValues, openWebUi: boolean): StoreIdentity[] {
  const stores: StoreIdentity[] = [
    { identity: IDENTITIES.litellmSecretsSync, roleArn: aws.roleArns.litellmSecretsSync },
    { identity: IDENTITIES.langfuseSecretsSync, roleArn: aws.roleArns.langfuseSecretsSync },
  ];
  if (!openWebUi) return stores;
  if (!aws.openWebUi) {
    throw new Error("aws.openWebUi: is missing (Open WebUI is enabled; pass its secrets-sync role for its namespace's store)");
  }
  return [...stores, { identity: IDENTITIES.openWebUiSecretsSync, roleArn: aws.openWebUi.secretsSyncRoleArn }];
}

/** Every subnet group the policies name must have subnets: a rule with no peer would admit any source. */
function checkSubnets(subnets: SubnetCidrs): void {
  const empty = (['public', 'workloads', 'data'] as const).filter((group) => subnets[group].length === 0);
  if (empty.length > 0) {
    throw new Error(`aws.subnetCidrs: ${empty.join(', ')} is empty (pass one CIDR per subnet of the group, from the network stack)`);
  }
}

/** The workload namespaces, each enforcing Pod Security "restricted". The External Secrets one is its Helm release's. */
function namespaces(scope: Construct, names: readonly string[]): void {
  // cdk8s-plus's Namespace adds an empty `spec`.
  for (const name of names) {
    new k8s.KubeNamespace(scope, `Namespace-${name}`, {
      metadata: {
        name,
        labels: {
          // Pod Security Admission rejects any pod that is not "restricted".
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  }
}

/**
 * The default storage class: encrypted gp3 from the Auto Mode EBS provisioner (no cdk8s-plus construct exists). Its
 * volumes (ClickHouse's, the only claims) carry the environment's cost tag and the tag AWS Backup selects them by; the
 * cluster role may add those tags (lib/cluster-stack.ts, test/contracts/eks-auto-mode.test.ts).
 */
function storageClass(scope: Construct, environment: string): void {
  new k8s.KubeStorageClass(scope, 'StorageClass', {
    metadata: { name: NAMES.storageClass, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    // The Auto Mode EBS provisioner; the open-source driver's ebs.csi.aws.com does not run on Auto Mode nodes.
    provisioner: 'ebs.csi.eks.amazonaws.com',
    parameters: { type: 'gp3', encrypted: 'true', ...clickhouseVolumeTags(environment) },
    // Volumes are created in the zone the pod lands in, so a pod never waits for a volume in another zone.
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: true,
  });
}

/**
 * EKS Auto Mode enforces NetworkPolicy only once this ConfigMap turns the policy controller on (EKS user guide, "Use
 * Network Policies with EKS Auto Mode"). The built-in NodeClass already defaults to `networkPolicy: DefaultAllow`,
 * which enforces the policies below for the pods they select, so no NodeClass is patched; the default deny is
 * expressed by the policies themselves. `k8s.KubeConfigMap`: cdk8s-plus's ConfigMap adds `immutable: false`.
 */
function networkPolicyController(scope: Construct): void {
  new k8s.KubeConfigMap(scope, 'NetworkPolicyController', {
    metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
    data: { 'enable-network-policy-controller': 'true' },
  });
}

/**
 * The store every synced Secret of one namespace reads from. It authenticates as that namespace's `secrets-sync`
 * account (AssumeRoleWithWebIdentity with the role the account's annotation names), whose role may read that
 * namespace's secrets only. A namespaced SecretStore serves ExternalSecrets of its own namespace only, and its
 * serviceAccountRef cannot name another namespace (test/contracts/external-secrets.test.ts).
 */
function secretStore(scope: Construct, region: string, { identity, roleArn }: StoreIdentity): void {
  const id = `SecretStore-${identity.namespace}`;
  roleServiceAccount(scope, `${id}-ServiceAccount`, identity, roleArn);
  new SecretStore(scope, id, {
    metadata: { name: NAMES.secretStore, namespace: identity.namespace },
    spec: {
      provider: { aws: { service: 'SecretsManager', region, auth: { jwt: { serviceAccountRef: { name: identity.serviceAccount } } } } },
    },
  });
}

/** The litellm namespace: the load balancers it is bound to and Open WebUI in; the data stores, Langfuse and HTTPS out. */
function litellmPolicies(scope: Construct, aws: PlatformAwsValues, openWebUi: boolean): void {
  const balancers = loadBalancerPeers(aws.subnetCidrs, {
    internal: Boolean(aws.litellmTargetGroupArn),
    web: Boolean(aws.webTargetGroupArns?.litellm),
  });
  if (balancers.length > 0) {
    new AllowPolicy(scope, 'LitellmFromLoadBalancer', {
      name: 'litellm-from-load-balancer',
      namespace: NS.litellm,
      podLabels: LABELS.litellmGateway,
      ingress: [{ from: balancers, ports: [tcp(NAMES.litellm.port)] }],
    });
  }
  if (openWebUi) {
    // The chat calls the gateway inside the cluster (models, embeddings, MCP tools); its own policies are in its chart.
    new AllowPolicy(scope, 'LitellmFromOpenWebUi', {
      name: 'litellm-from-open-webui',
      namespace: NS.litellm,
      podLabels: LABELS.litellmGateway,
      ingress: [{ from: [podsIn(NS.openWebUi, LABELS.openWebUi)], ports: [tcp(NAMES.litellm.port)] }],
    });
  }
  // The usage agent (lib/shared/usage-metrics.ts) scrapes /metrics on the gateway's own port: that pod only.
  new AllowPolicy(scope, 'LitellmFromMetricsCollector', {
    name: 'litellm-from-metrics-collector',
    namespace: NS.litellm,
    podLabels: LABELS.litellmGateway,
    ingress: [{ from: [podsIn(USAGE_AGENT.namespace, USAGE_AGENT.podLabels)], ports: [tcp(NAMES.litellm.port)] }],
  });
  new AllowPolicy(scope, 'LitellmEgress', {
    name: 'litellm-egress',
    namespace: NS.litellm,
    podLabels: {},
    egress: [
      dataStores(aws.subnetCidrs),
      // Traces to Langfuse.
      { to: [podsIn(NS.langfuse, LABELS.langfuseWeb)], ports: [tcp(NAMES.langfuseWeb.port)] },
      // Bedrock, STS, Azure OpenAI, Gemini and MCP servers: public endpoints with no fixed range.
      httpsAnywhere(),
    ],
  });
}

/** The langfuse namespace: LiteLLM and the load balancers it is bound to, to the web; both Langfuse workloads to ClickHouse, replicas to each other. */
function langfusePolicies(scope: Construct, aws: PlatformAwsValues): void {
  new AllowPolicy(scope, 'LangfuseWebFromLitellm', {
    name: 'langfuse-web-from-litellm',
    namespace: NS.langfuse,
    podLabels: LABELS.langfuseWeb,
    ingress: [{ from: [podsIn(NS.litellm, LABELS.litellmGateway)], ports: [tcp(NAMES.langfuseWeb.port)] }],
  });
  const balancers = loadBalancerPeers(aws.subnetCidrs, {
    internal: Boolean(aws.langfuseTargetGroupArn),
    web: Boolean(aws.webTargetGroupArns?.langfuse),
  });
  if (balancers.length > 0) {
    // The UI: only from the load balancers it is bound to (with a web domain, only the public one's sign-in).
    new AllowPolicy(scope, 'LangfuseWebFromLoadBalancer', {
      name: 'langfuse-web-from-load-balancer',
      namespace: NS.langfuse,
      podLabels: LABELS.langfuseWeb,
      ingress: [{ from: balancers, ports: [tcp(NAMES.langfuseWeb.port)] }],
    });
  }
  for (const [id, labels] of [
    ['LangfuseWebEgress', LABELS.langfuseWeb],
    ['LangfuseWorkerEgress', LABELS.langfuseWorker],
  ] as const) {
    new AllowPolicy(scope, id, {
      name: `${labels['app.kubernetes.io/name']}-${labels['app.kubernetes.io/component']}-egress`,
      namespace: NS.langfuse,
      podLabels: labels,
      egress: [
        dataStores(aws.subnetCidrs),
        { to: [podsIn(NS.langfuse, LABELS.clickhouse)], ports: [tcp(NAMES.clickhouse.httpPort), tcp(NAMES.clickhouse.tcpPort)] },
        // S3 (events, media, exports) and STS for the web identity token.
        httpsAnywhere(),
      ],
    });
  }

  // ClickHouse: both Langfuse workloads in; replicas to each other; S3 out.
  const clickhousePeerPorts = [
    NAMES.clickhouse.tcpPort,
    NAMES.clickhouse.interserverPort,
    NAMES.clickhouse.keeperPort,
    NAMES.clickhouse.raftPort,
  ].map(tcp);
  new AllowPolicy(scope, 'ClickhouseIngress', {
    name: 'clickhouse-ingress',
    namespace: NS.langfuse,
    podLabels: LABELS.clickhouse,
    ingress: [
      {
        from: [podsIn(NS.langfuse, LABELS.langfuseWeb), podsIn(NS.langfuse, LABELS.langfuseWorker)],
        ports: [tcp(NAMES.clickhouse.httpPort), tcp(NAMES.clickhouse.tcpPort)],
      },
      // Replication, distributed DDL and Keeper between replicas.
      { from: [podsIn(NS.langfuse, LABELS.clickhouse)], ports: clickhousePeerPorts },
    ],
  });
  new AllowPolicy(scope, 'ClickhouseEgress', {
    name: 'clickhouse-egress',
    namespace: NS.langfuse,
    podLabels: LABELS.clickhouse,
    egress: [{ to: [podsIn(NS.langfuse, LABELS.clickhouse)], ports: clickhousePeerPorts }, httpsAnywhere()],
  });
}

/** The external-secrets namespace: the API server to the webhook; Secrets Manager, STS and the API server out. */
function externalSecretsPolicies(scope: Construct, subnets: SubnetCidrs): void {
  new AllowPolicy(scope, 'ExternalSecretsWebhook', {
    name: 'external-secrets-webhook',
    namespace: NS.eso,
    podLabels: {},
    // The API server calls the admission webhook from the control plane's network interfaces, which EKS places in the
    // subnets the cluster is given: the workload subnets.
    ingress: [{ from: subnetPeers('aws.subnetCidrs.workloads', subnets.workloads), ports: [tcp(EXTERNAL_SECRETS_WEBHOOK_PORT)] }],
  });
  new AllowPolicy(scope, 'ExternalSecretsEgress', {
    name: 'external-secrets-egress',
    namespace: NS.eso,
    podLabels: {},
    // Secrets Manager and STS, and the Kubernetes API (its Service IP is translated to the control plane's
    // ENI addresses on port 443, which this rule also covers).
    egress: [httpsAnywhere()],
  });
}
