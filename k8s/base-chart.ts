import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../lib/config/schema';
import { AllowPolicy, NamespaceIsolation, httpsAnywhere, podsIn, tcp, vpcPeer } from './constructs/network-policy';
import { LABELS, NAMES } from './endpoints';
import { IDENTITIES } from './identities';
import { ClusterSecretStore } from './imports/external-secrets';
import type { PlatformAwsValues } from './platform-props';

/** Port the External Secrets webhook listens on (chart value `webhook.port`). */
export const EXTERNAL_SECRETS_WEBHOOK_PORT = 10250;

/** The parts of the environment config the shared pieces read. */
export type BaseChartConfig = Pick<EnvironmentConfig, 'network' | 'openWebUi'>;

export interface BaseChartProps extends ChartProps {
  readonly config: BaseChartConfig;
  readonly aws: PlatformAwsValues;
}

const NS = {
  litellm: IDENTITIES.litellm.namespace,
  langfuse: IDENTITIES.langfuse.namespace,
  eso: IDENTITIES.secretsSync.namespace,
  openWebUi: IDENTITIES.openWebUi.namespace,
};

/**
 * Shared pieces every component chart relies on: namespaces, the Auto Mode EBS storage class, the
 * network model (default deny plus one policy per real flow) and the store the secrets sync reads from.
 * Applied after the External Secrets Operator Helm chart (which brings the ClusterSecretStore CRD).
 */
export class BaseChart extends Chart {
  constructor(scope: Construct, id: string, props: BaseChartProps) {
    super(scope, id, props);
    const { config, aws } = props;
    const vpcCidr = config.network.cidr;
    // Open WebUI's namespace exists only where the config enables it.
    const workloadNamespaces = [NS.litellm, NS.langfuse, ...(config.openWebUi.enabled ? [NS.openWebUi] : [])];

    namespaces(this, workloadNamespaces);
    storageClass(this);
    networkPolicyController(this);
    secretStore(this, aws.region, workloadNamespaces);
    // Default deny in every namespace first, then one policy per real flow, namespace by namespace.
    for (const namespace of [...workloadNamespaces, NS.eso]) new NamespaceIsolation(this, `Isolation-${namespace}`, { namespace });
    litellmPolicies(this, vpcCidr, config.openWebUi.enabled);
    langfusePolicies(this, vpcCidr, Boolean(aws.langfuseTargetGroupArn || aws.webTargetGroupArns?.langfuse));
    externalSecretsPolicies(this, vpcCidr);
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

/** The default storage class: encrypted gp3 from the Auto Mode EBS provisioner (no cdk8s-plus construct exists). */
function storageClass(scope: Construct): void {
  new k8s.KubeStorageClass(scope, 'StorageClass', {
    metadata: { name: NAMES.storageClass, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    // The Auto Mode EBS provisioner; the open-source driver's ebs.csi.aws.com does not run on Auto Mode nodes.
    provisioner: 'ebs.csi.eks.amazonaws.com',
    parameters: { type: 'gp3', encrypted: 'true' },
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

/** The store every synced Secret reads from, open to the workload namespaces only. */
function secretStore(scope: Construct, region: string, workloadNamespaces: string[]): void {
  new ClusterSecretStore(scope, 'SecretStore', {
    metadata: { name: NAMES.secretStore },
    spec: {
      // No `auth`: the controller calls Secrets Manager with its own pod credentials, i.e. the IAM role
      // bound to its service account (IRSA). That role can read only this environment's secrets.
      provider: { aws: { service: 'SecretsManager', region } },
      conditions: [{ namespaces: workloadNamespaces }],
    },
  });
}

/** The litellm namespace: the load balancers and Open WebUI in; the data stores, Langfuse and HTTPS out. */
function litellmPolicies(scope: Construct, vpcCidr: string, openWebUi: boolean): void {
  new AllowPolicy(scope, 'LitellmFromLoadBalancer', {
    name: 'litellm-from-load-balancer',
    namespace: NS.litellm,
    podLabels: LABELS.litellmGateway,
    // The edge's load balancers (internal, and the public one with a web domain) register pod IPs (target type ip);
    // their nodes and health checks come from private addresses inside the VPC.
    ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(NAMES.litellm.port)] }],
  });
  if (openWebUi) {
    // The chat calls the gateway inside the cluster (models, embeddings, MCP tools); its own policies are in its chart.
    new AllowPolicy(scope, 'LitellmFromOpenWebUi', {
      name: 'litellm-from-open-webui',
      namespace: NS.litellm,
      podLabels: LABELS.litellmGateway,
      ingress: [{ from: [podsIn(NS.openWebUi, LABELS.openWebUi)], ports: [tcp(NAMES.litellm.port)] }],
    });
  }
  new AllowPolicy(scope, 'LitellmEgress', {
    name: 'litellm-egress',
    namespace: NS.litellm,
    podLabels: {},
    egress: [
      // Aurora (5432) and ElastiCache (6379) live in the VPC's data subnets.
      { to: [vpcPeer(vpcCidr)], ports: [tcp(5432), tcp(6379)] },
      // Traces to Langfuse.
      { to: [podsIn(NS.langfuse, LABELS.langfuseWeb)], ports: [tcp(NAMES.langfuseWeb.port)] },
      httpsAnywhere(),
    ],
  });
}

/** The langfuse namespace: LiteLLM and the load balancers to the web, both Langfuse workloads to ClickHouse, replicas to each other. */
function langfusePolicies(scope: Construct, vpcCidr: string, webBehindLoadBalancer: boolean): void {
  new AllowPolicy(scope, 'LangfuseWebFromLitellm', {
    name: 'langfuse-web-from-litellm',
    namespace: NS.langfuse,
    podLabels: LABELS.langfuseWeb,
    ingress: [{ from: [podsIn(NS.litellm, LABELS.litellmGateway)], ports: [tcp(NAMES.langfuseWeb.port)] }],
  });
  if (webBehindLoadBalancer) {
    // The UI through the internal load balancer, and the public one with a web domain: both reach the pods from
    // their nodes' private addresses in the VPC's subnets (public ones included), so the VPC CIDR admits them.
    new AllowPolicy(scope, 'LangfuseWebFromVpc', {
      name: 'langfuse-web-from-vpc',
      namespace: NS.langfuse,
      podLabels: LABELS.langfuseWeb,
      ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(NAMES.langfuseWeb.port)] }],
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
        { to: [vpcPeer(vpcCidr)], ports: [tcp(5432), tcp(6379)] },
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
function externalSecretsPolicies(scope: Construct, vpcCidr: string): void {
  new AllowPolicy(scope, 'ExternalSecretsWebhook', {
    name: 'external-secrets-webhook',
    namespace: NS.eso,
    podLabels: {},
    // The API server calls the admission webhook from the control plane's ENIs in the cluster subnets.
    ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(EXTERNAL_SECRETS_WEBHOOK_PORT)] }],
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
