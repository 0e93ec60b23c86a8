import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { CLICKHOUSE_BACKUP_PREFIX } from './shared/clickhouse-backup';
import { LANGFUSE_S3_PREFIXES } from './shared/langfuse';
import type { ClusterStack } from './cluster-stack';
import type { ClusterTeardown } from '../constructs/cluster-teardown';
import type { Tenants } from '../constructs/tenants';
import type { EnvironmentConfig } from './config/schema';
import type { PlatformStack } from './platform-stack';
import { usesApplicationProfile } from './shared/bedrock';
import type { EdgeStack } from './edge-stack';
import { virtualKeySecretPrefix } from './shared/tenants';
import type { DataStack } from './data-stack';
import type { NetworkStack } from './network-stack';
import type { ObservabilityStack } from './observability-stack';

/**
 * Every cdk-nag AwsSolutions finding this app accepts, each with its reason, in one place.
 * Findings with several occurrences (IAM4, IAM5) are acknowledged one occurrence at a time,
 * so a new managed policy or wildcard still fails the check.
 */
export function acknowledgeNagFindings(
  config: EnvironmentConfig,
  stacks: {
    network: NetworkStack;
    data: DataStack;
    cluster: ClusterStack;
    edge: EdgeStack;
    platform: PlatformStack;
    observability: ObservabilityStack;
  },
): void {
  for (const teardown of [stacks.cluster.networkTeardown, stacks.platform.volumeTeardown]) {
    if (teardown) acknowledgeTeardown(teardown);
  }
  acknowledgeNetwork(stacks.network);
  acknowledgeData(config, stacks.data);
  acknowledgeCluster(config, stacks.cluster, stacks.data);
  acknowledgeEdge(stacks.edge);
  acknowledgeContainerInsights(stacks.cluster);
  if (stacks.platform.tenants) acknowledgeTenants(stacks.platform.tenants);
  acknowledgeBedrockProfiles(config, stacks.platform);
}

/** The application inference profiles' invoke policy (constructs/bedrock-application-profiles.ts). */
function acknowledgeBedrockProfiles(config: EnvironmentConfig, platform: PlatformStack): void {
  const invokePolicy = platform.node.tryFindChild('BedrockProfiles')?.node.tryFindChild('InvokePolicy');
  const throughSystemProfiles = config.models.flatMap((m) =>
    m.provider === 'bedrock' && m.inferenceProfile && usesApplicationProfile(m, config.region) ? [m.modelId] : [],
  );
  if (!invokePolicy || throughSystemProfiles.length === 0) return;
  ack(
    invokePolicy,
    'IAM5',
    "A profile copied from a cross-region system profile reaches the same foundation model in any region of its geography, so the model ARN needs a region wildcard; the model id is exact, and the statement's bedrock:InferenceProfileArn condition admits only this environment's own profiles.",
    [...new Set(throughSystemProfiles)].map((id) => `Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${id}`),
  );
}

function ack(scope: IConstruct, rule: string, reason: string, findings?: readonly string[]): void {
  const ids = findings ? findings.map((f) => `AwsSolutions-${rule}[${f}]`) : [`AwsSolutions-${rule}`];
  for (const id of ids) Validations.of(scope).acknowledge({ id: `AwsSolutions::${id}`, reason });
}

/** The finding text cdk-nag reports for a wildcard resource that contains a token. */
function resourceFinding(scope: IConstruct, arn: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(arn))}`;
}

const policy = (path: string) => `Policy::arn:<AWS::Partition>:iam::aws:policy/${path}`;
const LAMBDA_EXECUTION = [policy('service-role/AWSLambdaBasicExecutionRole'), policy('service-role/AWSLambdaVPCAccessExecutionRole')];
const GENERATED_SECRET_REASON =
  'Generated once by Secrets Manager and read by pods at start through the secrets sync; rotation is a deliberate redeploy (new secret version, rolling restart), not a schedule that would break running pods.';

function acknowledgeNetwork(network: NetworkStack): void {
  for (const child of network.vpc.node.children) {
    if (child.node.id.endsWith('Endpoint') && child.node.tryFindChild('SecurityGroup')) {
      ack(
        child.node.findChild('SecurityGroup'),
        'EC23',
        'CDK opens interface endpoints to HTTPS from the VPC CIDR only; nag cannot evaluate the CIDR token.',
      );
    }
  }
}

function acknowledgeData(config: EnvironmentConfig, data: DataStack): void {
  for (const scope of [data.secrets, data.applicationDatabases, data.cache, data.database.cluster]) {
    ack(scope, 'SMG4', GENERATED_SECRET_REASON);
  }
  ack(
    data.cache.replicationGroup,
    'AEC6',
    'Clients authenticate with AUTH <user> <password> as one ElastiCache RBAC user per application (the user group), which replaces the single AUTH token: a replication group takes one or the other. The rule reads AuthToken only.',
  );
  ack(
    data.database.cluster,
    'IAM4',
    'AmazonRDSEnhancedMonitoringRole, attached by CDK to the Enhanced Monitoring role RDS assumes: CloudWatch Logs actions on the RDS* log groups only.',
    [policy('service-role/AmazonRDSEnhancedMonitoringRole')],
  );
  if (config.ephemeral) {
    ack(
      data.database.cluster,
      'RDS10',
      'Ephemeral environment: destroyed every evening, so deletion protection would block the end-of-day destroy. Non-ephemeral environments must enable it (config schema).',
    );
  }
  if (!config.cache.multiAz) {
    ack(
      data.cache.replicationGroup,
      'AEC4',
      "Single-node cache chosen in this environment's config to keep an ephemeral environment cheap; prod runs multi-AZ with failover.",
    );
  }
  ack(
    data.applicationDatabases,
    'IAM4',
    'AWS Lambda execution policies attached by CDK: CloudWatch Logs writes and VPC network interfaces only.',
    LAMBDA_EXECUTION,
  );
  if (data.backup) {
    ack(
      data.backup.role,
      'IAM4',
      "AWS Backup's own service-role policies, as the AWS Backup guide prescribes for a backup role: create and restore recovery points of the selected resources only (the selections name them).",
      [policy('service-role/AWSBackupServiceRolePolicyForBackup'), policy('service-role/AWSBackupServiceRolePolicyForRestores')],
    );
  }
  const bootstrapFunction = data.applicationDatabases.node.findChild('Function') as IConstruct & { functionArn: string };
  ack(
    data.applicationDatabases,
    'IAM5',
    'The CDK provider framework invokes any version of its own handler function (<arn>:*), nothing else.',
    [resourceFinding(data.applicationDatabases, `${bootstrapFunction.functionArn}:*`)],
  );
}

function acknowledgeCluster(config: EnvironmentConfig, stack: ClusterStack, data: DataStack): void {
  const { cluster, serviceAccountRoles } = stack;
  ack(
    cluster,
    'IAM4',
    'AWS managed policies EKS Auto Mode requires on its cluster and node roles, plus the Lambda execution and ECR read-only policies CDK attaches to the kubectl handler.',
    [
      policy('AmazonEKSClusterPolicy'),
      policy('AmazonEKSComputePolicy'),
      policy('AmazonEKSBlockStoragePolicy'),
      policy('AmazonEKSLoadBalancingPolicy'),
      policy('AmazonEKSNetworkingPolicy'),
      policy('AmazonEKSWorkerNodePolicy'),
      policy('AmazonEC2ContainerRegistryReadOnly'),
      ...LAMBDA_EXECUTION,
      'Policy::{"Fn::If":["ClusterKubectlProviderHandlerHasEcrPublic69E09706",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}',
    ],
  );
  const kubectlHandler = cluster.node.findChild('KubectlProvider').node.findChild('Handler') as IConstruct & { functionArn: string };
  ack(cluster, 'IAM5', 'The CDK provider framework invokes any version of the kubectl handler (<arn>:*), nothing else.', [
    resourceFinding(cluster, `${kubectlHandler.functionArn}:*`),
  ]);
  ack(
    cluster.role,
    'IAM5',
    'Auto Mode names the EBS volumes it creates; the CreateVolume grant for our volume tags is narrowed by its conditions (the cluster name and exactly our tag values and keys).',
    [resourceFinding(cluster.role, stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: '*' }))],
  );
  ack(kubectlHandler, 'L1', "The kubectl handler is CDK's own Python function; CDK pins its runtime together with the kubectl layer.");
  Validations.of(cluster).acknowledge({
    id: 'CloudFormation-Validate::W9009',
    reason: 'aws-eks-v2 writes EncryptionConfig.Resources = ["secrets"], which EKS still requires for envelope encryption.',
  });

  if (stack.endpointTunnel) {
    const { instance } = stack.endpointTunnel;
    ack(instance, 'IAM4', "Session Manager's own managed policy for its agent; the instance has no other permission.", [
      policy('AmazonSSMManagedInstanceCore'),
    ]);
    ack(instance, 'EC28', 'A stateless tunnel with no workload: five-minute metrics are enough, detailed monitoring would only cost.');
    ack(
      instance,
      'EC29',
      'Stateless and replaceable: a replacement (new AMI, a stopped instance) only changes the instance id in the TunnelCommand output; an ASG would add parts for nothing.',
    );
  }

  const crossRegionModels = config.models.flatMap((m) =>
    m.provider === 'bedrock' && m.inferenceProfile && !m.crossAccountRoleArn ? [m.modelId] : [],
  );
  if (crossRegionModels.length > 0) {
    ack(
      serviceAccountRoles.litellm,
      'IAM5',
      'A cross-region inference profile routes to the same foundation model in any region of its geography, so the model ARN needs a region wildcard; the model id is exact.',
      [...new Set(crossRegionModels)].map((id) => `Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/${id}`),
    );
  }
  ack(
    serviceAccountRoles.clickhouseMetrics,
    'IAM5',
    'cloudwatch:PutMetricData has no resource type; the statement is narrowed by its cloudwatch:namespace condition to the ClickHouse volume metric namespace.',
    ['Resource::*'],
  );
  ack(
    data.accessPolicies.langfuse,
    'IAM5',
    "Object ARNs under Langfuse's own prefixes (events/, media/, exports/): the objects are created at run time.",
    Object.values(LANGFUSE_S3_PREFIXES).map((p) =>
      resourceFinding(data.accessPolicies.langfuse, `${data.buckets.langfuse.bucketArn}/${p}*`),
    ),
  );
  ack(
    data.accessPolicies.clickhouse,
    'IAM5',
    data.clickhouseBackup
      ? "Objects of the ClickHouse disk bucket, which ClickHouse names itself (the bucket holds nothing else), and of the backup bucket's backups/ folder, one folder per daily backup named by its time."
      : 'Objects of the ClickHouse disk bucket, which ClickHouse names itself; the bucket holds nothing else.',
    [
      resourceFinding(data.accessPolicies.clickhouse, `${data.buckets.clickhouse.bucketArn}/*`),
      ...(data.clickhouseBackup
        ? [resourceFinding(data.accessPolicies.clickhouse, `${data.clickhouseBackup.bucket.bucketArn}/${CLICKHOUSE_BACKUP_PREFIX}*`)]
        : []),
    ],
  );
  if (data.accessPolicies.openWebUiSecretsSync) {
    ack(
      data.accessPolicies.openWebUiSecretsSync,
      'IAM5',
      "Open WebUI's built-in key secret is created by the platform stack with a name ending in that stack's id (new every re-create), so it is known here by its environment's builtin-keys/open-webui- prefix only.",
      [
        `Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:genai-gateway/${config.name}/builtin-keys/open-webui-*-??????`,
      ],
    );
  }
  if (data.accessPolicies.openWebUi && data.buckets.openWebUi) {
    ack(
      data.accessPolicies.openWebUi,
      'IAM5',
      "Objects of Open WebUI's uploads bucket, named by Open WebUI per uploaded file; the bucket holds nothing else.",
      [resourceFinding(data.accessPolicies.openWebUi, `${data.buckets.openWebUi.bucketArn}/*`)],
    );
  }
}

function acknowledgeEdge(edge: EdgeStack): void {
  const authorizer = edge.node.findChild('JwtAuthorizer');
  for (const method of edge.api.methods) {
    if (method === edge.tokenMethod) continue;
    ack(
      method,
      'COG4',
      "The Lambda authorizer verifies the Cognito (or OIDC) access token with aws-jwt-verify and also injects the caller's virtual key, which a Cognito authorizer cannot do.",
    );
  }
  ack(authorizer, 'IAM4', 'AWS Lambda basic execution policy attached by CDK: CloudWatch Logs writes only.', [
    policy('service-role/AWSLambdaBasicExecutionRole'),
  ]);
  ack(
    authorizer,
    'IAM5',
    "One secret per client under this environment's virtual-key prefix; onboarding creates them, so their names are not known at deploy time.",
    [resourceFinding(authorizer, `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${virtualKeyPrefixOf(edge)}*`)],
  );
  ack(
    edge.api,
    'APIG2',
    'A request validator checks path parameters; bodies are validated by LiteLLM against the OpenAI schema, which an API Gateway model would have to track release by release.',
  );
  ack(edge.gateway.securityGroup, 'EC23', 'Ingress is HTTP from the VPC CIDR only; nag cannot evaluate the CIDR token.');
  ack(
    edge.gateway.loadBalancer,
    'ELB2',
    'A TCP listener has no NLB access logs; every request is logged by the API Gateway access log and WAF instead.',
  );
  acknowledgeWebEntrance(edge);
  acknowledgeWorkforce(edge);
  acknowledgeBrowserPreflights(edge);
  if (edge.identity) {
    ack(
      edge.identity.userPool,
      'COG8',
      "Machine clients only (client-credentials): the Plus tier's threat protection guards human sign-ins, which this pool does not allow.",
    );
  }
}

/** Browser apps' preflights (only with browser consumers). */
export function acknowledgeBrowserPreflights(edge: EdgeStack): void {
  const reason =
    'A CORS preflight (OPTIONS) carries no token by definition: a MOCK integration answers it at the edge for the configured origins only, and nothing reaches LiteLLM. WAF and throttling guard it with the stage.';
  for (const method of edge.preflightMethods) {
    ack(method, 'APIG4', reason);
    ack(method, 'COG4', reason);
  }
}

/** The public web entrance (only with web.domain). */
export function acknowledgeWebEntrance(edge: EdgeStack): void {
  if (edge.tokenMethod) {
    const reason =
      "The stable token URL relays the client-credentials grant to Cognito's token endpoint: callers have no token yet, and Cognito authenticates their client id and secret itself. WAF and throttling guard it with the stage.";
    ack(edge.tokenMethod, 'APIG4', reason);
    ack(edge.tokenMethod, 'COG4', reason);
  }
  if (!edge.web) return;
  ack(
    edge.web.securityGroup,
    'EC23',
    "The employees' HTTPS entrance is public by design (443, and 80 only to redirect); admin hosts are signed in and optionally allowlisted at the listener. Egress is to the VPC CIDR on the three UI ports, a token nag cannot evaluate.",
  );
}

/** The employees' Cognito pool, its secret copy and its admin gate (with Open WebUI or a web domain). */
export function acknowledgeWorkforce(edge: EdgeStack): void {
  const workforce = edge.workforce;
  if (!workforce?.userPool) return;
  ack(
    workforce.userPool,
    'COG8',
    'Plus (threat protection) is billed for every active user with no free tier; sign-in already needs an authenticator-app second factor and only administrators create users.',
  );
  ack(workforce, 'IAM4', 'AWS Lambda basic execution policy attached by CDK: CloudWatch Logs writes only.', [
    policy('service-role/AWSLambdaBasicExecutionRole'),
  ]);
  const copy = workforce.secretCopyFunction!;
  ack(workforce, 'IAM5', 'The CDK provider framework invokes any version of the secret-copy function (<arn>:*), nothing else.', [
    resourceFinding(workforce, `${copy.functionArn}:*`),
  ]);
  // The admin gate needs no acknowledgement: it may read one SSM parameter, named in full.
}

function virtualKeyPrefixOf(edge: EdgeStack): string {
  return virtualKeySecretPrefix(edge.node.scope!.node.id);
}

function acknowledgeTeardown(teardown: ClusterTeardown): void {
  ack(teardown, 'IAM4', 'AWS Lambda basic execution policy attached by CDK: CloudWatch Logs writes only.', [
    policy('service-role/AWSLambdaBasicExecutionRole'),
  ]);
  ack(
    teardown,
    'IAM5',
    "EC2 Describe calls have no resource-level permissions; deletes are limited by the cluster's ownership tags (and the VPC for interfaces), and the provider framework invokes only its own handler.",
    [
      'Resource::*',
      'Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:volume/*',
      'Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*',
      resourceFinding(teardown, `${teardown.function.functionArn}:*`),
    ],
  );
}

function acknowledgeContainerInsights(cluster: ClusterStack): void {
  ack(
    cluster.containerInsights.role,
    'IAM4',
    'The EKS user guide names these two AWS managed policies as what the amazon-cloudwatch-observability add-on needs (metrics and logs, Application Signals traces); the role is assumable by its one service account only.',
    [policy('CloudWatchAgentServerPolicy'), policy('AWSXrayWriteOnlyAccess')],
  );
}

function acknowledgeTenants(tenants: Tenants): void {
  const functions = [tenants.reconciler?.function, tenants.rotation?.function].flatMap((f) => (f ? [f] : []));
  for (const fn of functions) {
    ack(
      fn,
      'IAM4',
      'AWS Lambda execution policies attached by CDK for a function in a VPC: CloudWatch Logs writes and its network interfaces only.',
      LAMBDA_EXECUTION,
    );
  }
  if (tenants.reconciler) {
    const provider = tenants.reconciler.node.findChild('Provider');
    ack(provider, 'IAM4', 'AWS Lambda basic execution policy attached by CDK: CloudWatch Logs writes only.', [
      policy('service-role/AWSLambdaBasicExecutionRole'),
    ]);
    ack(provider, 'IAM5', 'The CDK provider framework invokes any version of the reconciler function (<arn>:*), nothing else.', [
      resourceFinding(provider, `${tenants.reconciler.function.function.functionArn}:*`),
    ]);
  }
  for (const secret of Object.values(tenants.keySecrets.builtinSecrets)) {
    ack(
      secret,
      'SMG4',
      "A built-in consumer's key is never rotated on a schedule: its workload (Open WebUI) reads it only when a pod starts, so a rotated-out key would expire under the running pods; it is replaced by hand with a restart (constructs/tenants.ts).",
    );
  }
  if (tenants.rotation) {
    ack(
      tenants.rotation.function,
      'IAM5',
      "secretsmanager:GetRandomPassword, added by CDK's rotation schedule, has no resource to scope it to (the function draws keys itself and does not call it).",
      ['Resource::*'],
    );
  }
}
