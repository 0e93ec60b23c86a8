import type { RemovalPolicy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ServiceAccountRole } from './service-account-role';
import { ADDON_DEFAULT_AGENTS, type UsageMetricsAgentProps, usageLogGroupName, usageMetricsAgent } from './usage-metrics-agent';

/** Where the add-on's CloudWatch agent runs, as the EKS user guide's IAM instructions name it. */
export const CLOUDWATCH_AGENT_IDENTITY = { namespace: 'amazon-cloudwatch', serviceAccount: 'cloudwatch-agent' } as const;

/**
 * The add-on build, pinned: its agent decides which metric names and dimension sets exist (the dashboard and alarms
 * read them), so a silent default upgrade could empty a graph. Chart v6.4.0 of aws-observability/helm-charts
 * (RELEASE_NOTES, 2026-07-21; commit 71a298ff) is the newest release read; the add-on builds follow the chart's
 * version (its v3.7.0 notes name add-on v3.7.0-eksbuild.1). That this exact build is offered for Kubernetes 1.35 and
 * Auto Mode was not seen: check `aws eks describe-addon-versions --addon-name amazon-cloudwatch-observability
 * --kubernetes-version 1.35` before the first deploy, and bump it here with the contract in test/contracts/cloudwatch.test.ts.
 */
export const CONTAINER_INSIGHTS_ADDON_VERSION = 'v6.4.0-eksbuild.1';

/** Log groups the add-on's agent and Fluent Bit write to, under /aws/containerinsights/<cluster>/. */
export const CONTAINER_INSIGHTS_LOG_GROUPS = ['application', 'dataplane', 'host', 'performance'] as const;

export interface ContainerInsightsProps {
  readonly cluster: eks.ICluster;
  /** Literal cluster name: the log group names carry it. */
  readonly clusterName: string;
  readonly oidcProvider: iam.IOpenIdConnectProvider;
  /** The provider's issuer without https://. */
  readonly oidcIssuer: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * LiteLLM's usage metrics: an extra agent of the add-on scrapes every gateway pod's /metrics into CloudWatch
   * (constructs/usage-metrics-agent.ts). Cluster name is this construct's own. @default not scraped
   */
  readonly usageMetrics?: Omit<UsageMetricsAgentProps, 'clusterName'>;
}

/**
 * CloudWatch Container Insights through the `amazon-cloudwatch-observability` EKS add-on, which the EKS
 * user guide lists as compatible with EKS Auto Mode: pod and node metrics in the ContainerInsights
 * namespace and container logs. The agent's role comes from IAM roles for service accounts with the
 * two managed policies the guide requires. The log groups are created here first, with a retention and
 * the stack's removal policy, so the agent never creates never-expiring groups a destroy would leave.
 */
export class ContainerInsights extends Construct {
  readonly addon: eks.CfnAddon;
  readonly role: iam.Role;
  readonly logGroups: readonly logs.LogGroup[];
  /** The usage agent's EMF log group (only with usageMetrics). */
  readonly usageLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ContainerInsightsProps) {
    super(scope, id);
    if (!/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(props.clusterName)) {
      throw new Error(`clusterName: "${props.clusterName}" is not an EKS cluster name (letters, digits, - and _, at most 100)`);
    }
    // Built first, so a bad pod selector fails before anything exists.
    const usageAgent = props.usageMetrics ? usageMetricsAgent({ ...props.usageMetrics, clusterName: props.clusterName }) : undefined;

    this.logGroups = CONTAINER_INSIGHTS_LOG_GROUPS.map(
      (kind) =>
        new logs.LogGroup(this, `${kind[0]!.toUpperCase()}${kind.slice(1)}Logs`, {
          logGroupName: `/aws/containerinsights/${props.clusterName}/${kind}`,
          retention: props.logRetention,
          removalPolicy: props.removalPolicy,
        }),
    );
    if (usageAgent) {
      this.usageLogGroup = new logs.LogGroup(this, 'PrometheusLogs', {
        logGroupName: usageLogGroupName(props.clusterName),
        // The environment's retention, like every log group: Control Tower's CT.CLOUDWATCH.PR.2 asks a year in prod.
        retention: props.logRetention,
        removalPolicy: props.removalPolicy,
      });
    }

    this.role = new ServiceAccountRole(this, 'AgentRole', {
      oidcProvider: props.oidcProvider,
      oidcIssuer: props.oidcIssuer,
      ...CLOUDWATCH_AGENT_IDENTITY,
      description: 'CloudWatch agent and Fluent Bit of the Container Insights add-on',
    }).role;
    for (const name of ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess']) {
      this.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(name));
    }

    this.addon = new eks.CfnAddon(this, 'Addon', {
      clusterName: props.cluster.clusterName,
      addonName: 'amazon-cloudwatch-observability',
      addonVersion: CONTAINER_INSIGHTS_ADDON_VERSION,
      serviceAccountRoleArn: this.role.roleArn,
      resolveConflicts: 'OVERWRITE',
      // `agents` replaces the chart's list: its own two agents are restated unchanged beside the usage agent.
      ...(usageAgent ? { configurationValues: JSON.stringify({ agents: [...ADDON_DEFAULT_AGENTS, usageAgent] }) } : {}),
    });
    // Deleted before its log groups, so the agent cannot re-create them while shutting down.
    for (const group of [...this.logGroups, ...(this.usageLogGroup ? [this.usageLogGroup] : [])]) this.addon.node.addDependency(group);
  }
}
