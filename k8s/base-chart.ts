import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import type { Construct } from 'constructs';
import { AllowPolicy, NamespaceIsolation, httpsAnywhere, podsIn, tcp, vpcPeer } from './constructs/network-policy';
import { LABELS, NAMES } from './endpoints';
import { IDENTITIES } from './identities';
import { ClusterSecretStore } from './imports/external-secrets';
import type { PlatformChartsProps } from './platform-props';

/** Port the External Secrets webhook listens on (chart value `webhook.port`). */
export const EXTERNAL_SECRETS_WEBHOOK_PORT = 10250;

export type BaseChartProps = PlatformChartsProps & ChartProps;

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
    const ns = {
      litellm: IDENTITIES.litellm.namespace,
      langfuse: IDENTITIES.langfuse.namespace,
      eso: IDENTITIES.secretsSync.namespace,
      openWebUi: IDENTITIES.openWebUi.namespace,
    };
    // Open WebUI's namespace exists only where the config enables it.
    const workloadNamespaces = [ns.litellm, ns.langfuse, ...(config.openWebUi.enabled ? [ns.openWebUi] : [])];

    // The External Secrets namespace is created by its Helm release; the chart owns only the others.
    for (const name of workloadNamespaces) {
      new k8s.KubeNamespace(this, `Namespace-${name}`, {
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

    new k8s.KubeStorageClass(this, 'StorageClass', {
      metadata: { name: NAMES.storageClass, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      // The Auto Mode EBS provisioner; the open-source driver's ebs.csi.aws.com does not run on Auto Mode nodes.
      provisioner: 'ebs.csi.eks.amazonaws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      // Volumes are created in the zone the pod lands in, so a pod never waits for a volume in another zone.
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
    });

    // EKS Auto Mode enforces NetworkPolicy only once this ConfigMap turns the policy controller on
    // (EKS user guide, "Use Network Policies with EKS Auto Mode"). The built-in NodeClass already defaults
    // to `networkPolicy: DefaultAllow`, which enforces the policies below for the pods they select, so no
    // NodeClass is patched; the default deny is expressed by the policies themselves.
    new k8s.KubeConfigMap(this, 'NetworkPolicyController', {
      metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': 'true' },
    });

    new ClusterSecretStore(this, 'SecretStore', {
      metadata: { name: NAMES.secretStore },
      spec: {
        // No `auth`: the controller calls Secrets Manager with its own pod credentials, i.e. the IAM role
        // bound to its service account (IRSA). That role can read only this environment's secrets.
        provider: { aws: { service: 'SecretsManager', region: aws.region } },
        conditions: [{ namespaces: workloadNamespaces }],
      },
    });

    for (const namespace of [...workloadNamespaces, ns.eso]) {
      new NamespaceIsolation(this, `Isolation-${namespace}`, { namespace });
    }

    // --- LiteLLM (gateway and migration job)
    new AllowPolicy(this, 'LitellmFromLoadBalancer', {
      name: 'litellm-from-load-balancer',
      namespace: ns.litellm,
      podLabels: LABELS.litellmGateway,
      // The edge's load balancers (internal, and the public one with a web domain) register pod IPs (target type ip);
      // their nodes and health checks come from private addresses inside the VPC.
      ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(NAMES.litellm.port)] }],
    });
    if (config.openWebUi.enabled) {
      // The chat calls the gateway inside the cluster (models, embeddings, MCP tools); its own policies are in its chart.
      new AllowPolicy(this, 'LitellmFromOpenWebUi', {
        name: 'litellm-from-open-webui',
        namespace: ns.litellm,
        podLabels: LABELS.litellmGateway,
        ingress: [{ from: [podsIn(ns.openWebUi, LABELS.openWebUi)], ports: [tcp(NAMES.litellm.port)] }],
      });
    }
    new AllowPolicy(this, 'LitellmEgress', {
      name: 'litellm-egress',
      namespace: ns.litellm,
      podLabels: {},
      egress: [
        // Aurora (5432) and ElastiCache (6379) live in the VPC's data subnets.
        { to: [vpcPeer(vpcCidr)], ports: [tcp(5432), tcp(6379)] },
        // Traces to Langfuse.
        { to: [podsIn(ns.langfuse, LABELS.langfuseWeb)], ports: [tcp(NAMES.langfuseWeb.port)] },
        httpsAnywhere(),
      ],
    });

    // --- Langfuse web and worker
    new AllowPolicy(this, 'LangfuseWebFromLitellm', {
      name: 'langfuse-web-from-litellm',
      namespace: ns.langfuse,
      podLabels: LABELS.langfuseWeb,
      ingress: [{ from: [podsIn(ns.litellm, LABELS.litellmGateway)], ports: [tcp(NAMES.langfuseWeb.port)] }],
    });
    if (aws.langfuseTargetGroupArn || aws.webTargetGroupArns?.langfuse) {
      // The UI through the internal load balancer, and the public one with a web domain: both reach the pods from
      // their nodes' private addresses in the VPC's subnets (public ones included), so the VPC CIDR admits them.
      new AllowPolicy(this, 'LangfuseWebFromVpc', {
        name: 'langfuse-web-from-vpc',
        namespace: ns.langfuse,
        podLabels: LABELS.langfuseWeb,
        ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(NAMES.langfuseWeb.port)] }],
      });
    }
    for (const [id, labels] of [
      ['LangfuseWebEgress', LABELS.langfuseWeb],
      ['LangfuseWorkerEgress', LABELS.langfuseWorker],
    ] as const) {
      new AllowPolicy(this, id, {
        name: `${labels['app.kubernetes.io/name']}-${labels['app.kubernetes.io/component']}-egress`,
        namespace: ns.langfuse,
        podLabels: labels,
        egress: [
          { to: [vpcPeer(vpcCidr)], ports: [tcp(5432), tcp(6379)] },
          { to: [podsIn(ns.langfuse, LABELS.clickhouse)], ports: [tcp(NAMES.clickhouse.httpPort), tcp(NAMES.clickhouse.tcpPort)] },
          // S3 (events, media, exports) and STS for the web identity token.
          httpsAnywhere(),
        ],
      });
    }

    // --- ClickHouse
    const clickhousePeerPorts = [
      NAMES.clickhouse.tcpPort,
      NAMES.clickhouse.interserverPort,
      NAMES.clickhouse.keeperPort,
      NAMES.clickhouse.raftPort,
    ].map(tcp);
    new AllowPolicy(this, 'ClickhouseIngress', {
      name: 'clickhouse-ingress',
      namespace: ns.langfuse,
      podLabels: LABELS.clickhouse,
      ingress: [
        {
          from: [podsIn(ns.langfuse, LABELS.langfuseWeb), podsIn(ns.langfuse, LABELS.langfuseWorker)],
          ports: [tcp(NAMES.clickhouse.httpPort), tcp(NAMES.clickhouse.tcpPort)],
        },
        // Replication, distributed DDL and Keeper between replicas.
        { from: [podsIn(ns.langfuse, LABELS.clickhouse)], ports: clickhousePeerPorts },
      ],
    });
    new AllowPolicy(this, 'ClickhouseEgress', {
      name: 'clickhouse-egress',
      namespace: ns.langfuse,
      podLabels: LABELS.clickhouse,
      egress: [{ to: [podsIn(ns.langfuse, LABELS.clickhouse)], ports: clickhousePeerPorts }, httpsAnywhere()],
    });

    // --- External Secrets Operator
    new AllowPolicy(this, 'ExternalSecretsWebhook', {
      name: 'external-secrets-webhook',
      namespace: ns.eso,
      podLabels: {},
      // The API server calls the admission webhook from the control plane's ENIs in the cluster subnets.
      ingress: [{ from: [vpcPeer(vpcCidr)], ports: [tcp(EXTERNAL_SECRETS_WEBHOOK_PORT)] }],
    });
    new AllowPolicy(this, 'ExternalSecretsEgress', {
      name: 'external-secrets-egress',
      namespace: ns.eso,
      podLabels: {},
      // Secrets Manager and STS, and the Kubernetes API (its Service IP is translated to the control plane's
      // ENI addresses on port 443, which this rule also covers).
      egress: [httpsAnywhere()],
    });
  }
}
