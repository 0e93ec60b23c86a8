import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cdk8s from 'cdk8s';
import type { Construct } from 'constructs';
import { POSTGRES_PORT } from '../constructs/aurora-postgres';
import { ClusterEndpointTunnel, PORT_FORWARDING_DOCUMENT, TUNNEL_LOCAL_PORT } from '../constructs/cluster-endpoint-tunnel';
import { ClusterTeardown } from '../constructs/cluster-teardown';
import { BedrockGuardrail } from '../constructs/bedrock-guardrail';
import { ContainerInsights } from '../constructs/container-insights';
import { pascalCase } from '../constructs/names';
import { ServiceAccountRole } from '../constructs/service-account-role';
import { CACHE_PORT } from '../constructs/valkey-cache';
import { LABELS, NAMES } from '../k8s/endpoints';
import { IDENTITIES, type ServiceAccountRoles, type WorkloadName } from '../k8s/identities';
import { NodesChart } from '../k8s/nodes-chart';
import { bedrockInvokeStatements } from './bedrock-access';
import type { EnvironmentConfig } from './config/schema';
import type { DataStack } from './data-stack';
import { SUBNETS } from './network-stack';
import { removalPolicyFor } from './removal';
import { CLICKHOUSE_VOLUME_METRIC } from './shared/clickhouse-volume';
import { EKS_CLUSTER_NAME_TAG } from './shared/cluster-ownership';
import { clickhouseVolumeTags, nodeTags } from './shared/cost-tags';

export interface ClusterStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  readonly data: DataStack;
}

const KUBERNETES_VERSIONS: Readonly<
  Record<string, { version: eks.KubernetesVersion; kubectlLayer: (scope: Construct) => KubectlV35Layer }>
> = {
  '1.35': { version: eks.KubernetesVersion.V1_35, kubectlLayer: (scope) => new KubectlV35Layer(scope, 'KubectlLayer') },
};

const CONTROL_PLANE_LOGS = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

/** The tag keys AmazonEKSBlockStoragePolicy v1 lets Auto Mode put on a volume it creates (test/contracts/eks-auto-mode.test.ts). */
const BLOCK_STORAGE_TAG_KEYS = [
  EKS_CLUSTER_NAME_TAG,
  'CSIVolumeName',
  'ebs.csi.eks.amazonaws.com/cluster',
  'kubernetes.io/cluster/*',
  'kubernetes.io/created-for/*',
  'Name',
  'KubernetesCluster',
];

/** The tag keys AmazonEKSComputePolicy lets Auto Mode put on the instances and launch templates it creates (test/contracts/eks-auto-mode.test.ts). */
const COMPUTE_TAG_KEYS = [
  EKS_CLUSTER_NAME_TAG,
  'eks:kubernetes-node-class-name',
  'eks:kubernetes-node-pool-name',
  'kubernetes.io/cluster/*',
];

/**
 * EKS Auto Mode cluster with KMS envelope encryption of Kubernetes secrets, control-plane logs,
 * admin access entries, a kubectl provider, and one IAM role per workload service account.
 */
export class ClusterStack extends Stack {
  readonly cluster: eks.Cluster;
  /** Literal name (not a token), so tag conditions can name it. */
  readonly clusterName: string;
  readonly serviceAccountRoles: ServiceAccountRoles<iam.Role>;
  readonly networkTeardown: ClusterTeardown;
  readonly containerInsights: ContainerInsights;
  /** Assumable by the account's principals allowed to; cluster admin through an access entry (`cluster.operatorRole`). */
  readonly operatorRole?: iam.Role;
  /** Session Manager's way to the private API endpoint (`cluster.endpointTunnel`). */
  readonly endpointTunnel?: ClusterEndpointTunnel;
  /** Bedrock guardrails by configured name (`guardrails`); LiteLLM's role may apply each of them. */
  readonly guardrails: Readonly<Record<string, BedrockGuardrail>>;
  /** Our NodeClass and NodePool (k8s/nodes-chart.ts), applied before any workload and deleted after all of them. */
  readonly nodes: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: ClusterStackProps) {
    super(scope, id, props);
    const { config, vpc, data } = props;
    const versions = KUBERNETES_VERSIONS[config.cluster.kubernetesVersion];
    if (!versions)
      throw new Error(
        `kubernetesVersion: "${config.cluster.kubernetesVersion}" has no kubectl layer here (allowed: ${Object.keys(KUBERNETES_VERSIONS).join(', ')})`,
      );
    const removalPolicy = removalPolicyFor(config);
    const clusterName = `genai-${config.name}`;
    this.clusterName = clusterName;

    const secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `EKS ${clusterName}: envelope encryption of Kubernetes secrets`,
      enableKeyRotation: true,
      removalPolicy,
    });

    // EKS writes to this exact name; creating it here gives it a retention and lets the stack delete it.
    const controlPlaneLogs = new logs.LogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${clusterName}/cluster`,
      retention: config.cluster.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });

    const endpoint = config.cluster.endpointAccess;
    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName,
      version: versions.version,
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      // general-purpose is off: its nodes cannot carry tags, so workloads run on our pool (k8s/nodes-chart.ts).
      // system stays, for add-ons that tolerate its CriticalAddonsOnly taint, and so EKS keeps the node role and its
      // access entry, which our NodeClass uses.
      compute: { nodePools: ['system'] },
      vpc,
      vpcSubnets: [{ subnetGroupName: SUBNETS.workloads }],
      endpointAccess:
        endpoint.mode === 'private' ? eks.EndpointAccess.PRIVATE : eks.EndpointAccess.PUBLIC_AND_PRIVATE.onlyFrom(...endpoint.publicCidrs),
      secretsEncryptionKey: secretsKey,
      clusterLogging: CONTROL_PLANE_LOGS,
      // Admins come from access entries below, not from whoever ran the first deploy.
      bootstrapClusterCreatorAdminPermissions: false,
      kubectlProviderOptions: {
        kubectlLayer: versions.kubectlLayer(this),
        privateSubnets: vpc.selectSubnets({ subnetGroupName: SUBNETS.workloads }).subnets,
      },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Deleted after the cluster, so EKS cannot re-create it while shutting down.
    this.cluster.node.addDependency(controlPlaneLogs);

    // Deleted after the cluster: waits until Auto Mode's node network interfaces are gone, so the VPC deletes cleanly.
    const teardown = (this.networkTeardown = new ClusterTeardown(this, 'NetworkTeardown', {
      clusterName,
      vpcId: vpc.vpcId,
      mode: 'network',
      deleteOrphans: config.ephemeral,
      timeout: Duration.minutes(12),
      logRetention: config.cluster.logRetentionDays,
      removalPolicy,
    }));
    this.cluster.node.addDependency(teardown);

    const clusterAdmin = eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', {
      accessScopeType: eks.AccessScopeType.CLUSTER,
    });
    config.cluster.adminRoleArns.forEach((arn, i) => {
      this.cluster.grantAccess(`Admin${i + 1}`, arn, [clusterAdmin]);
    });
    if (config.cluster.operatorRole) this.operatorRole = this.createOperatorRole(clusterAdmin);
    if (config.cluster.endpointTunnel) this.endpointTunnel = this.createEndpointTunnel(vpc);

    this.allowVolumeTags(config.name);
    this.allowNodeTags(config.name);
    this.nodes = this.createNodes(config.name, vpc, config.cluster.nodeLimits);

    this.allowClusterTo('Aurora', data.database.securityGroup, POSTGRES_PORT);
    this.allowClusterTo('Valkey', data.cache.securityGroup, CACHE_PORT);

    this.serviceAccountRoles = this.createServiceAccountRoles(config, data);
    this.guardrails = this.createGuardrails(config, this.serviceAccountRoles.litellm);

    this.containerInsights = new ContainerInsights(this, 'ContainerInsights', {
      cluster: this.cluster,
      clusterName,
      oidcProvider: this.cluster.openIdConnectProvider,
      oidcIssuer: this.cluster.openIdConnectProvider.openIdConnectProviderIssuer,
      logRetention: config.cluster.logRetentionDays,
      removalPolicy,
      // Per-team usage from every LiteLLM gateway pod (lib/shared/usage-metrics.ts).
      usageMetrics: {
        environment: config.name,
        region: config.region,
        namespace: IDENTITIES.litellm.namespace,
        podLabels: LABELS.litellmGateway,
        port: NAMES.litellm.port,
        budgetedTeams: config.tenants.teams.filter((t) => t.maxBudgetUsd !== undefined).map((t) => t.name),
      },
    });
    // Its controller's pods need nodes: with general-purpose off, only our pool runs them (and it goes after the add-on).
    this.containerInsights.addon.node.addDependency(this.nodes);
  }

  /**
   * The role `aws eks update-kubeconfig --role-arn` names: trusted by the account, so whoever the account's IAM lets
   * assume it (administrators, the deploy role's users) has kubectl on day one, with no role ARN in the config.
   */
  private createOperatorRole(clusterAdmin: eks.IAccessPolicy): iam.Role {
    const role = new iam.Role(this, 'OperatorRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: `EKS ${this.clusterName}: cluster admin for kubectl (access entry); assumable where the account's IAM allows it`,
      maxSessionDuration: Duration.hours(1),
    });
    this.cluster.grantAccess('Operator', role.roleArn, [clusterAdmin]);
    new CfnOutput(this, 'OperatorRoleArn', { value: role.roleArn, description: 'Role with cluster admin, for kubectl' });
    new CfnOutput(this, 'KubeconfigCommand', {
      description: 'Writes the kubeconfig entry for this cluster, through the operator role',
      value: Fn.join(' ', ['aws eks update-kubeconfig --name', this.clusterName, '--region', Aws.REGION, '--role-arn', role.roleArn]),
    });
    return role;
  }

  private createEndpointTunnel(vpc: ec2.IVpc): ClusterEndpointTunnel {
    const controlPlaneSecurityGroup = this.cluster.node.tryFindChild('ControlPlaneSecurityGroup');
    if (!(controlPlaneSecurityGroup instanceof ec2.SecurityGroup)) {
      throw new Error('endpointTunnel: the cluster has no ControlPlaneSecurityGroup to admit the tunnel (aws-eks-v2 changed?)');
    }
    const tunnel = new ClusterEndpointTunnel(this, 'EndpointTunnel', {
      vpc,
      subnets: { subnetGroupName: SUBNETS.workloads },
      controlPlaneSecurityGroup,
      clusterEndpoint: this.cluster.clusterEndpoint,
    });
    new CfnOutput(this, 'TunnelCommand', {
      description: `Forwards localhost:${TUNNEL_LOCAL_PORT} to the private API endpoint (needs the Session Manager plugin); leave it running`,
      value: Fn.join('', [
        'aws ssm start-session --region ',
        Aws.REGION,
        ' --target ',
        tunnel.instance.instanceId,
        ` --document-name ${PORT_FORWARDING_DOCUMENT} --parameters host=`,
        tunnel.endpointHost,
        `,portNumber=443,localPortNumber=${TUNNEL_LOCAL_PORT}`,
      ]),
    });
    new CfnOutput(this, 'TunnelKubeconfigCommand', {
      description: 'Points the kubeconfig entry at the tunnel; the certificate is still checked against the endpoint name',
      value: Fn.join('', [
        'kubectl config set-cluster ',
        this.cluster.clusterArn,
        ` --server https://localhost:${TUNNEL_LOCAL_PORT} --tls-server-name `,
        tunnel.endpointHost,
      ]),
    });
    return tunnel;
  }

  /**
   * AmazonEKSBlockStoragePolicy lets Auto Mode create volumes with a fixed list of tag keys only, so the StorageClass's
   * `tagSpecification_N` tags (k8s/base-chart.ts) need this extra CreateVolume grant on the cluster role (EKS user
   * guide, "Custom AWS tags for EKS Auto resources", Storage statement). Narrower than the guide's example: volumes
   * only (no VolumeSnapshotClass exists, so no CreateSnapshot), in this account and region, and only with exactly our
   * tag values beside the managed policy's keys. Tagging on create is already allowed by the managed policy
   * (ec2:CreateTags with ec2:CreateAction = CreateVolume), so no CreateTags here.
   */
  private allowVolumeTags(environment: string): void {
    const tags = Object.values(clickhouseVolumeTags(environment)).map((spec) => spec.split('='));
    this.cluster.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CreateTaggedVolumes',
        actions: ['ec2:CreateVolume'],
        resources: [this.formatArn({ service: 'ec2', resource: 'volume', resourceName: '*' })],
        conditions: {
          StringEquals: {
            [`aws:RequestTag/${EKS_CLUSTER_NAME_TAG}`]: this.clusterName,
            ...Object.fromEntries(tags.map(([key, value]) => [`aws:RequestTag/${key}`, value])),
          },
          // The managed policy's keys plus ours; any other tag still needs a grant of its own.
          'ForAllValues:StringLike': { 'aws:TagKeys': [...BLOCK_STORAGE_TAG_KEYS, ...tags.map(([key]) => key!)] },
        },
      }),
    );
  }

  /**
   * Our NodeClass and NodePool, applied right after the cluster (before the platform stack's workloads). The node
   * role is the one aws-eks-v2 made for the built-in pools: EKS created its access entry with the cluster, which a
   * NodeClass naming the same role relies on (EKS user guide, create-node-class, "Considerations").
   */
  private createNodes(environment: string, vpc: ec2.IVpc, nodeLimits?: EnvironmentConfig['cluster']['nodeLimits']): eks.KubernetesManifest {
    const nodeRole = this.cluster.node.tryFindChild('ClusternodePoolRole');
    if (!(nodeRole instanceof iam.Role))
      throw new Error('nodes: the cluster has no ClusternodePoolRole for the NodeClass (aws-eks-v2 changed?)');
    const chart = new NodesChart(new cdk8s.App(), 'nodes', {
      environment,
      nodeRoleName: nodeRole.roleName,
      subnetIds: vpc.selectSubnets({ subnetGroupName: SUBNETS.workloads }).subnetIds,
      securityGroupIds: [this.cluster.clusterSecurityGroupId],
      ...(nodeLimits ? { limits: nodeLimits } : {}),
    });
    return new eks.KubernetesManifest(this, 'NodesChart', {
      cluster: this.cluster,
      manifest: chart.toJson() as Record<string, unknown>[],
      prune: true,
    });
  }

  /**
   * The managed AmazonEKSComputePolicy lets Auto Mode launch instances only with its own tag keys, so the NodeClass's
   * `tags` need this grant on the cluster role (EKS user guide, auto-learn-iam, "Custom AWS tags for EKS Auto
   * resources", Compute statement). Narrower than the guide's example: in this cluster, and only with exactly our
   * tag values beside the managed policy's keys (a launch with any other tag, or another value, still fails). Tagging on create is already
   * allowed by the managed policy (ec2:CreateTags with ec2:CreateAction), so no CreateTags here.
   */
  private allowNodeTags(environment: string): void {
    const tags = Object.entries(nodeTags(environment));
    this.cluster.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LaunchTaggedNodes',
        actions: ['ec2:CreateFleet', 'ec2:RunInstances', 'ec2:CreateLaunchTemplate'],
        // One launch touches instances, volumes, interfaces and launch templates; the conditions do the narrowing.
        resources: ['*'],
        conditions: {
          StringEquals: {
            [`aws:RequestTag/${EKS_CLUSTER_NAME_TAG}`]: this.clusterName,
            ...Object.fromEntries(tags.map(([key, value]) => [`aws:RequestTag/${key}`, value])),
          },
          // As the managed policy and the guide: present, any value (which values Auto Mode writes is not documented).
          StringLike: { 'aws:RequestTag/eks:kubernetes-node-class-name': '*', 'aws:RequestTag/eks:kubernetes-node-pool-name': '*' },
          'ForAllValues:StringLike': { 'aws:TagKeys': [...COMPUTE_TAG_KEYS, ...tags.map(([key]) => key)] },
        },
      }),
    );
  }

  /**
   * Auto Mode nodes carry the cluster security group. The rule lives in this stack so the data
   * stack never depends on the cluster (that would be a cycle).
   */
  private allowClusterTo(id: string, target: ec2.ISecurityGroup, port: number): void {
    new ec2.CfnSecurityGroupIngress(this, `ClusterTo${id}`, {
      groupId: target.securityGroupId,
      sourceSecurityGroupId: this.cluster.clusterSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: `EKS ${this.cluster.clusterName} pods to ${id}`,
    });
  }

  /** Beside the role that applies them: ApplyGuardrail on exactly these guardrails, whatever model a team calls. */
  private createGuardrails(config: EnvironmentConfig, litellm: iam.IGrantable): Record<string, BedrockGuardrail> {
    return Object.fromEntries(
      config.guardrails.map((guardrail) => {
        const construct = new BedrockGuardrail(this, `Guardrail-${guardrail.name}`, { config: guardrail, environment: config.name });
        construct.grantApply(litellm);
        return [guardrail.name, construct];
      }),
    );
  }

  private createServiceAccountRoles(config: EnvironmentConfig, data: DataStack): ServiceAccountRoles<iam.Role> {
    const provider = this.cluster.openIdConnectProvider;
    const roleFor = (name: WorkloadName, description: string) =>
      new ServiceAccountRole(this, `${pascalCase(name)}ServiceAccount`, {
        oidcProvider: provider,
        oidcIssuer: provider.openIdConnectProviderIssuer,
        ...IDENTITIES[name],
        description,
      }).role;

    const litellm = roleFor('litellm', 'LiteLLM: invoke the configured Bedrock models');
    for (const statement of bedrockInvokeStatements(config.models, {
      partition: Aws.PARTITION,
      account: Aws.ACCOUNT_ID,
      profileRegion: config.region,
    })) {
      litellm.addToPrincipalPolicy(statement);
    }

    // Batch files and jobs (lib/config/batches-schema.ts); the policy lives beside the bucket and service role.
    if (data.accessPolicies.litellmBatches) litellm.addManagedPolicy(data.accessPolicies.litellmBatches);

    const langfuse = roleFor('langfuse', 'Langfuse web and worker: its S3 prefixes');
    langfuse.addManagedPolicy(data.accessPolicies.langfuse);

    const clickhouse = roleFor('clickhouse', 'ClickHouse: its S3 disk bucket');
    clickhouse.addManagedPolicy(data.accessPolicies.clickhouse);

    const clickhouseMetrics = roleFor('clickhouseMetrics', 'ClickHouse volume use and backup success: publish their CloudWatch metrics');
    clickhouseMetrics.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PutClickHouseVolumeMetric',
        actions: ['cloudwatch:PutMetricData'],
        // PutMetricData has no resource type: the namespace condition is what narrows it.
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': CLICKHOUSE_VOLUME_METRIC.namespace } },
      }),
    );

    // One secrets sync role per namespace, each reading that namespace's secrets only (data stack accessPolicies).
    const litellmSecretsSync = roleFor('litellmSecretsSync', "litellm namespace's secret store: LiteLLM's secrets");
    litellmSecretsSync.addManagedPolicy(data.accessPolicies.litellmSecretsSync);
    const langfuseSecretsSync = roleFor('langfuseSecretsSync', "langfuse namespace's secret store: Langfuse's and ClickHouse's secrets");
    langfuseSecretsSync.addManagedPolicy(data.accessPolicies.langfuseSecretsSync);

    const roles: ServiceAccountRoles<iam.Role> = {
      litellm,
      langfuse,
      clickhouse,
      clickhouseMetrics,
      litellmSecretsSync,
      langfuseSecretsSync,
    };
    if (!config.openWebUi.enabled) return roles;
    const openWebUiAccess = data.accessPolicies.openWebUi;
    const openWebUiSecretsAccess = data.accessPolicies.openWebUiSecretsSync;
    if (!openWebUiAccess || !openWebUiSecretsAccess)
      throw new Error('openWebUi: enabled, but the data stack made no access policy for it (build it with the same config)');
    const openWebUi = roleFor('openWebUi', 'Open WebUI: the files in its uploads bucket');
    openWebUi.addManagedPolicy(openWebUiAccess);
    const openWebUiSecretsSync = roleFor('openWebUiSecretsSync', "open-webui namespace's secret store: Open WebUI's secrets");
    openWebUiSecretsSync.addManagedPolicy(openWebUiSecretsAccess);
    return { ...roles, openWebUi, openWebUiSecretsSync };
  }
}
