import { Aspects, Stage, Tags, type StageProps } from 'aws-cdk-lib';
import { FunctionLogGroups } from '../constructs/function-log-groups';
import type { Construct } from 'constructs';
import { ClusterStack } from './cluster-stack';
import type { EnvironmentConfig } from './config/schema';
import { DataStack } from './data-stack';
import { acknowledgeNagFindings } from './nag-acknowledgements';
import { EdgeStack, STAGE_NAME } from './edge-stack';
import { NetworkStack } from './network-stack';
import { ENVIRONMENT_TAG, ObservabilityStack } from './observability-stack';
import { bedrockInvocationId } from './shared/bedrock';
import type { GatewayFirewall } from '../constructs/gateway-firewall';
import type { JwtAuthorizer } from '../constructs/jwt-authorizer';
import { IDENTITIES } from '../k8s/identities';
import { PlatformStack } from './platform-stack';
import { removalPolicyFor } from './removal';

export interface PlatformStageProps extends StageProps {
  readonly config: EnvironmentConfig;
}

/** One environment: its stacks deploy and destroy together (`cdk deploy '<env>/*'`). */
export class PlatformStage extends Stage {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly cluster: ClusterStack;
  readonly edge: EdgeStack;
  readonly platform: PlatformStack;
  readonly observability: ObservabilityStack;

  constructor(scope: Construct, id: string, props: PlatformStageProps) {
    const { config } = props;
    super(scope, id, { ...props, env: { account: config.account, region: config.region } });
    const stackName = (part: string) => `genai-${config.name}-${part}`;

    this.network = new NetworkStack(this, 'Network', {
      config,
      stackName: stackName('network'),
      description: `GenAI platform ${config.name}: VPC`,
    });
    this.data = new DataStack(this, 'Data', {
      config,
      vpc: this.network.vpc,
      stackName: stackName('data'),
      description: `GenAI platform ${config.name}: Aurora, Valkey, S3, secrets`,
    });
    this.cluster = new ClusterStack(this, 'Cluster', {
      config,
      vpc: this.network.vpc,
      data: this.data,
      stackName: stackName('cluster'),
      description: `GenAI platform ${config.name}: EKS Auto Mode and workload IAM roles`,
    });

    this.edge = new EdgeStack(this, 'Edge', {
      config,
      vpc: this.network.vpc,
      clusterSecurityGroupId: this.cluster.cluster.clusterSecurityGroupId,
      clusterName: this.cluster.clusterName,
      secretsKey: this.data.key,
      // The web load balancer's access logs (only with web.domain).
      accessLogBucket: this.data.buckets.accessLogs,
      stackName: stackName('edge'),
      description: `GenAI platform ${config.name}: API Gateway, JWT authorizer, WAF, internal load balancer, identity`,
    });

    this.platform = new PlatformStack(this, 'Platform', {
      config,
      litellmTargetGroupArn: this.edge.litellmTargetGroupArn,
      langfuseTargetGroupArn: this.edge.langfuseTargetGroupArn,
      langfuseUrl: this.edge.langfuseUrl,
      cluster: this.cluster.cluster,
      clusterName: this.cluster.clusterName,
      vpc: this.network.vpc,
      internalLiteLlm: {
        url: this.edge.internalLiteLlmUrl,
        port: this.edge.gateway.listenerPort,
        clientSecurityGroup: this.edge.gateway.clientSecurityGroup,
      },
      consumerClientIds: this.edge.consumerClientIds,
      ...(this.edge.webTargetGroupArns && this.edge.webUrls
        ? { web: { targetGroupArns: this.edge.webTargetGroupArns, urls: this.edge.webUrls } }
        : {}),
      ...(this.edge.workforce ? { sso: this.edge.workforce.ssoValues } : {}),
      serviceAccountRoles: this.cluster.serviceAccountRoles,
      guardrails: Object.fromEntries(
        Object.entries(this.cluster.guardrails).map(([name, g]) => [name, { id: g.guardrailId, version: g.guardrailVersion }]),
      ),
      data: this.data,
      stackName: stackName('platform'),
      description: `GenAI platform ${config.name}: External Secrets, LiteLLM, Langfuse, ClickHouse on Kubernetes`,
    });

    this.observability = new ObservabilityStack(this, 'Observability', {
      environment: config.name,
      ephemeral: config.ephemeral,
      observability: config.observability,
      observed: { ...observedResources(config, this.edge, this.data), clusterName: this.cluster.clusterName },
      teams: config.tenants.teams.map((t) => ({ name: t.name, maxBudgetUsd: t.maxBudgetUsd })),
      stackName: stackName('observability'),
      description: `GenAI platform ${config.name}: dashboard, alarms, cost budget`,
    });
    this.observability.addStackDependency(this.platform);

    acknowledgeNagFindings(config, {
      network: this.network,
      data: this.data,
      cluster: this.cluster,
      edge: this.edge,
      platform: this.platform,
      observability: this.observability,
    });
    Aspects.of(this).add(new FunctionLogGroups({ retention: config.cluster.logRetentionDays, removalPolicy: removalPolicyFor(config) }));
    // Listener and dashboard tags are not in the CloudFormation schema cfn-lint validates against; listeners are
    // never billed alone, and the budget misses only the dashboard's flat monthly fee.
    const tagOptions = { excludeResourceTypes: ['AWS::ElasticLoadBalancingV2::Listener', 'AWS::CloudWatch::Dashboard'] };
    Tags.of(this).add(ENVIRONMENT_TAG, config.name, tagOptions);
    Tags.of(this).add('genai:ephemeral', String(config.ephemeral), tagOptions);
  }
}

/** The names and ids the observability stack reads from the edge and data stacks. */
function observedResources(config: EnvironmentConfig, edge: EdgeStack, data: DataStack) {
  const authorizer = edge.node.findChild('JwtAuthorizer') as JwtAuthorizer;
  const firewall = edge.node.findChild('Firewall') as GatewayFirewall;
  return {
    apiName: edge.api.restApiName,
    apiStage: STAGE_NAME,
    authorizerFunctionName: authorizer.function.functionName,
    loadBalancerFullName: edge.gateway.loadBalancer.loadBalancerFullName,
    targetGroupFullName: edge.gateway.targetGroup.targetGroupFullName,
    auroraClusterIdentifier: data.database.cluster.clusterIdentifier,
    auroraInstanceIdentifiers: data.database.cluster.instanceIdentifiers,
    valkeyReplicationGroupId: data.cache.replicationGroup.ref,
    valkeyNodes: 1 + config.cache.replicas,
    webAclMetricName: (firewall.webAcl.visibilityConfig as { metricName: string }).metricName,
    ...(edge.web
      ? {
          web: {
            loadBalancerFullName: edge.web.loadBalancer.loadBalancerFullName,
            ...(config.openWebUi.enabled ? { openWebUiTargetGroupFullName: edge.web.targetGroups.openWebUi.targetGroupFullName } : {}),
          },
        }
      : {}),
    namespaces: [...new Set([IDENTITIES.litellm.namespace, IDENTITIES.langfuse.namespace])],
    // The ClickHouse chart runs the daily backup exactly where the data stack made its bucket.
    clickhouseBackups: data.clickhouseBackup !== undefined,
    // One entry per model id and region this account calls (every deployment of every group, standbys too:
    // they take the traffic in an outage). Metrics of a model called in another account stay in that account.
    bedrockModels: [
      ...new Map(
        config.models.flatMap((m) =>
          m.provider === 'bedrock' && !m.crossAccountRoleArn
            ? [[`${bedrockInvocationId(m)}@${m.region}`, { id: bedrockInvocationId(m), region: m.region }] as const]
            : [],
        ),
      ).values(),
    ],
  };
}
