/**
 * Where a Control Tower proactive control does not hold, and why. The one place exceptions live: CI fails on any
 * finding not listed here, and a test fails on any entry here that no longer matches a finding.
 */
export interface ControlTowerException {
  /** The control id, as in its rule's message: `CT.S3.PR.11`. */
  readonly control: string;
  /**
   * Construct paths under the environment's stage, as `Data/Buckets/ClickHouse/Resource`; `*` matches within one path
   * segment, `**` across segments. Each pattern must match a finding in at least one environment it applies to.
   */
  readonly resources: readonly string[];
  /** `all`: every environment. `ephemeral`: only environments destroyed every evening, for cost or teardown. */
  readonly environments: 'all' | 'ephemeral';
  readonly reason: string;
}

export const CONTROL_TOWER_EXCEPTIONS: readonly ControlTowerException[] = [
  // Every environment.
  {
    control: 'CT.LAMBDA.PR.3',
    resources: [
      '**/*CustomResourceProvider/Handler',
      'Data/ApplicationDatabases/Provider/framework-onEvent/Resource',
      'Cluster/NetworkTeardown/Provider/framework-onEvent/Resource',
      'Platform/**/Provider/framework-onEvent/Resource',
      '*/*Teardown/Function/Resource',
    ],
    environments: 'all',
    reason:
      "Deploy-time functions that call only public AWS APIs: CDK's built-in custom-resource providers (which take no " +
      'VPC settings), the provider framework, and the teardowns that wait at destroy for the volumes and network ' +
      'interfaces the cluster leaves behind (EC2 calls). In the VPC they would depend on NAT gateways or endpoints on ' +
      'every deploy and destroy, and the teardowns would add network interfaces of their own to the VPC they wait to empty.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resources: [
      'Data/ApplicationDatabases/Function/Resource',
      'Cluster/Cluster/KubectlProvider/Handler/Resource',
      'Cluster/Cluster/KubectlProvider/Provider/framework-onEvent/Resource',
      // The tenants reconciler and key rotation (LiteLlmAdminFunction): in the VPC to reach LiteLLM's admin API.
      'Platform/Tenants/*/*/Function/Resource',
    ],
    environments: 'all',
    reason:
      'In the VPC already: subnets and security groups are set, but the subnets come from the network stack (a ' +
      'cross-stack reference), and the template-time rule accepts only literal ids or references to resources in the same ' +
      'template. The Control Tower hook checks resolved values, where these pass.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    resources: ['Edge/JwtAuthorizer/Function/Resource'],
    environments: 'all',
    reason:
      'The JWT authorizer reaches only public endpoints (the JWKS of the token issuer, Secrets Manager). In the VPC, ' +
      'every cold start on the request path would depend on the NAT gateways (one in dev) to fetch the JWKS, for ' +
      'nothing in the VPC to reach.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    // The workforce identity's secret copy (and its provider) and, with web.domain, its admin gate (*Function).
    resources: ['Edge/Workforce/*Function/Resource', 'Edge/Workforce/*/framework-onEvent/Resource'],
    environments: 'all',
    reason:
      "The workforce identity's functions call only public AWS APIs (Cognito, Secrets Manager): the deploy-time copy of " +
      'client secrets with its provider, and the admin gate Cognito runs inside every sign-in with a five-second limit. ' +
      'In the VPC each would depend on the NAT gateways (one in dev) for nothing in the VPC to reach.',
  },
  {
    control: 'CT.LAMBDA.PR.2',
    resources: ['Edge/JwtAuthorizer/Function/*:Permissions'],
    environments: 'all',
    reason:
      "API Gateway may invoke the authorizer only from this API's authorizer: SourceArn is set, but CDK builds it with " +
      'Fn::Join, and the template-time rule accepts a SourceArn only as a literal or a Ref/GetAtt of a resource in the ' +
      'template (SourceAccount only as a literal: this app synthesizes without a fixed account). The Control Tower ' +
      'hook checks resolved values, where the ARN is a string and the control passes.',
  },
  {
    control: 'CT.LAMBDA.PR.2',
    resources: ['Platform/Tenants/Rotation/Rotation/Function/Invoke*'],
    environments: 'all',
    reason:
      "Secrets Manager may invoke the key rotation only for this account's secrets: SourceAccount is the stack's " +
      'account, a literal when the environment names its account but Ref AWS::AccountId when synthesized without one ' +
      '(as in CI), and the template-time rule accepts only a literal. The Control Tower hook checks resolved values.',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.6',
    // Edge/Gateway (the internal NLB, every environment) and Edge/Web (the public ALB, with web.domain).
    resources: ['Edge/*/LoadBalancer/Resource'],
    environments: 'all',
    reason:
      'Network Load Balancer access logs record TLS connections only and are written only for a load balancer with a ' +
      'TLS listener (ELB user guide, "Enable access logs for your Network Load Balancer"). The internal one listens ' +
      'on TCP (the API Gateway VPC link and in-VPC clients speak HTTP to it), so logging would record nothing; the ' +
      'edge keeps API Gateway access logs and WAF logs instead. The web ALB does log, to the data stack log bucket: ' +
      'a cross-stack reference, which the template-time rule does not accept (only a literal name or a bucket in the ' +
      'same template); the Control Tower hook checks resolved values, where it passes.',
  },
  {
    control: 'CT.S3.PR.2',
    resources: ['Data/Buckets/AccessLogs/Resource'],
    environments: 'all',
    reason:
      'The access-log bucket is where the other buckets log to. Logging it into itself would log every log delivery ' +
      'in turn, and a second log bucket would only move the question one bucket down.',
  },
  {
    control: 'CT.S3.PR.10',
    resources: ['Data/Buckets/AccessLogs/Resource'],
    environments: 'all',
    reason:
      'S3 server access log delivery is documented to work with S3-managed default encryption (SSE-S3) on the target ' +
      'bucket; that it works with a customer managed key given a key policy for logging.s3.amazonaws.com is reported ' +
      '(aws/aws-cdk#25350) but not verified here. The log bucket keeps SSE-S3; the data buckets use the data key.',
  },
  {
    control: 'CT.S3.PR.9',
    resources: [
      'Data/Buckets/AccessLogs/Resource',
      'Data/Buckets/Langfuse/Resource',
      'Data/Buckets/ClickHouse/Resource',
      'Data/Buckets/OpenWebUi/Resource',
    ],
    environments: 'all',
    reason:
      'Object Lock stops deletions for a retention period, or, without one, protects nothing. Langfuse deletes and ' +
      'expires its events, media and exports, ClickHouse deletes part files on every merge (and may not be versioned, ' +
      'which Object Lock requires), Open WebUI deletes an upload when its user deletes the file or chat, the log bucket ' +
      'expires logs after 90 days, and ephemeral environments empty every bucket at destroy. Versioning and lifecycle rules protect what needs protecting.',
  },
  {
    control: 'CT.S3.PR.9',
    resources: ['Data/BatchJobs/Bucket/Resource'],
    environments: 'all',
    reason:
      "The batch bucket holds teams' batch prompts and answers, which must go: S3 expires them after batches.retentionDays " +
      '(noncurrent versions a day later), LiteLLM deletes a file when its team deletes it, and ephemeral environments empty ' +
      'the bucket at destroy. Object Lock would keep them past all three.',
  },
  {
    control: 'CT.S3.PR.9',
    resources: ['Data/ClickHouseBackup/Bucket/Resource'],
    environments: 'all',
    reason:
      "ClickHouse's backup bucket is versioned: a backup file deleted or overwritten stays recoverable for 7 days as a " +
      'noncurrent version, and backups expire after backup.retentionDays. Object Lock would also stop the ClickHouse ' +
      'role from removing versions, but S3 then refuses uploads without a Content-MD5 or checksum header, and whether ' +
      "ClickHouse 25.8's backup writer always sends one was not verified here: a lock could silently break every backup.",
  },
  {
    control: 'CT.S3.PR.11',
    resources: ['Data/Buckets/ClickHouse/Resource'],
    environments: 'all',
    reason:
      "The ClickHouse disk bucket must not be versioned: ClickHouse rewrites and deletes its own objects, and Langfuse's " +
      'ClickHouse guide says not to enable versioning on it (test/contracts/clickhouse.test.ts).',
  },
  {
    control: 'CT.CLOUDWATCH.PR.1',
    // GATEWAY_DOWN_CHILDREN in constructs/platform-alarms.ts.
    resources: ['Observability/Alarms/NoHealthyGatewayTargets/Resource', 'Observability/Alarms/Gateway5xxRate/Resource'],
    environments: 'all',
    reason:
      'The two alarms the composite "gateway down" alarm is made of notify through it only: with actions of their own, ' +
      'one outage would page two or three times. The composite alarm carries the actions (the control reads ' +
      'AWS::CloudWatch::Alarm only), and both children still show their state on the dashboard.',
  },

  {
    control: 'CT.EC2.PR.10',
    resources: ['Cluster/EndpointTunnel/Instance/LaunchTemplate'],
    environments: 'all',
    reason:
      'The launch template CDK adds to the cluster endpoint tunnel only to require IMDSv2; the tunnel runs no workload ' +
      'whose one-minute metrics anyone would watch (see CT.EC2.PR.13).',
  },
  {
    control: 'CT.EC2.PR.13',
    resources: ['Cluster/EndpointTunnel/Instance/Resource'],
    environments: 'all',
    reason:
      'The cluster endpoint tunnel is a stateless t4g.nano that only relays Session Manager sessions to the API endpoint; ' +
      'five-minute basic monitoring is enough and detailed monitoring would cost more than the instance.',
  },
  {
    control: 'CT.EC2.PR.19',
    resources: ['Cluster/EndpointTunnel/Instance/Resource'],
    environments: 'all',
    reason:
      'Everything the tunnel carries is TLS end to end (Session Manager channel; kubectl to the API server, certificate ' +
      "checked against the endpoint name), so the instance type's own in-transit encryption adds nothing; the types " +
      'that have it cost several times a t4g.nano.',
  },
  // Ephemeral environments only: destroyed every evening, re-created every morning.
  {
    control: 'CT.CLOUDWATCH.PR.2',
    resources: ['Network/**', 'Data/**', 'Cluster/**', 'Platform/**'],
    environments: 'ephemeral',
    reason:
      'Operational logs (flow logs, control plane, database, Container Insights, Lambda) of a throwaway environment ' +
      'keep 14 days (cluster.logRetentionDays, network.flowLogRetentionDays), a cost choice; they go with the nightly ' +
      'destroy anyway. Retained environments keep every log group a year or more.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.2',
    resources: ['Edge/**'],
    environments: 'ephemeral',
    reason:
      'Edge access, WAF and authorizer logs of a throwaway environment are kept 30 days (edge.accessLogRetentionDays ' +
      'default), a cost choice; its log groups go with the nightly destroy anyway.',
  },
  {
    control: 'CT.RDS.PR.2',
    resources: ['Data/Aurora/Cluster/Writer/Resource'],
    environments: 'ephemeral',
    reason:
      'No Enhanced Monitoring in a throwaway environment: it is billed per instance, RDS writes it to the ' +
      "account's RDSOSMetrics log group that outlives the nightly destroy, and AWS does not say whether it lets an " +
      'idle Serverless v2 instance auto-pause. CloudWatch instance metrics remain; retained environments turn it on.',
  },
  {
    control: 'CT.RDS.PR.3',
    resources: ['Data/Aurora/Cluster/Resource'],
    environments: 'ephemeral',
    reason: 'Deletion protection would stop the nightly destroy; non-ephemeral environments must enable it (config schema).',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.5',
    // The internal NLB (Edge/Gateway) and, with web.domain, the public ALB (Edge/Web).
    resources: ['Edge/*/LoadBalancer/Resource'],
    environments: 'ephemeral',
    reason: 'Deletion protection would stop the nightly destroy; non-ephemeral environments turn it on (deletionProtection).',
  },
  {
    control: 'CT.CLOUDWATCH.PR.1',
    resources: ['Observability/Alarms/*/Resource', 'Observability/TeamAlarms/*/Resource'],
    environments: 'ephemeral',
    reason:
      'The environment is down every night on purpose, so its alarms are muted (observability.mute): with actions they ' +
      'would page the platform team for the planned teardown. The alarms still show state on the dashboard.',
  },
];
