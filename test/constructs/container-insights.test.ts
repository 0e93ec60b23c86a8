import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  CLOUDWATCH_AGENT_IDENTITY,
  CONTAINER_INSIGHTS_ADDON_VERSION,
  ContainerInsights,
  type ContainerInsightsProps,
} from '../../constructs/container-insights';
import { ADDON_DEFAULT_AGENTS } from '../../constructs/usage-metrics-agent';
import { USAGE_AGENT } from '../../lib/shared/usage-metrics';

const USAGE: NonNullable<ContainerInsightsProps['usageMetrics']> = {
  environment: 'test',
  region: 'us-east-1',
  namespace: 'litellm',
  podLabels: { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/component': 'gateway' },
  port: 4000,
  budgetedTeams: ['team-a'],
};

function build(overrides: Partial<ContainerInsightsProps> = {}) {
  const stack = new Stack();
  const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
    stack,
    'Provider',
    'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC',
  );
  const props: ContainerInsightsProps = {
    cluster: eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'genai-test' }),
    clusterName: 'genai-test',
    oidcProvider: provider,
    oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/ABC',
    logRetention: logs.RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
    ...overrides,
  };
  return { stack, construct: () => new ContainerInsights(stack, 'Insights', props) };
}

describe('ContainerInsights', () => {
  test('rejects a cluster name EKS would refuse and builds nothing', () => {
    const { stack, construct } = build({ clusterName: 'genai test' });
    expect(construct).toThrow('clusterName: "genai test" is not an EKS cluster name (letters, digits, - and _, at most 100)');
    expect(stack.node.tryFindChild('Insights')?.node.children ?? []).toHaveLength(0);
  });

  test('pins the add-on build, so the metric names and dimension sets the dashboard reads never change under it', () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-cloudwatch-observability',
      AddonVersion: CONTAINER_INSIGHTS_ADDON_VERSION,
    });
    expect(CONTAINER_INSIGHTS_ADDON_VERSION).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
  });

  test('installs the amazon-cloudwatch-observability add-on with an IRSA role for its cloudwatch-agent service account', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EKS::Addon', {
      AddonName: 'amazon-cloudwatch-observability',
      ClusterName: 'genai-test',
      ServiceAccountRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InsightsAgentRole'), 'Arn'] },
    });
    template.hasResourceProperties('Custom::AWSCDKCfnJson', {
      Value: JSON.stringify({
        'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:amazon-cloudwatch:cloudwatch-agent',
        'oidc.eks.us-east-1.amazonaws.com/id/ABC:aud': 'sts.amazonaws.com',
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: ['CloudWatchAgentServerPolicy', 'AWSXrayWriteOnlyAccess'].map((name) => ({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]],
      })),
    });
  });

  test('creates the four Container Insights log groups with a retention, deleted after the add-on', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    for (const kind of ['application', 'dataplane', 'host', 'performance']) {
      template.hasResource('AWS::Logs::LogGroup', {
        DeletionPolicy: 'Delete',
        Properties: { LogGroupName: `/aws/containerinsights/genai-test/${kind}`, RetentionInDays: 14 },
      });
    }
    const [addon] = Object.values(template.findResources('AWS::EKS::Addon'));
    expect(addon!.DependsOn).toEqual(
      expect.arrayContaining(
        ['ApplicationLogs', 'DataplaneLogs', 'HostLogs', 'PerformanceLogs'].map((id) =>
          expect.stringMatching(new RegExp(`^Insights${id}`)),
        ),
      ),
    );
  });

  test('without usage metrics, leaves the add-on on its own defaults (no configuration values)', () => {
    const { stack, construct } = build();
    construct();
    const [addon] = Object.values(Template.fromStack(stack).findResources('AWS::EKS::Addon'));
    expect(addon!.Properties.ConfigurationValues).toBeUndefined();
  });

  test("with usage metrics, adds the usage agent beside the add-on's own two agents, restated unchanged", () => {
    const { stack, construct } = build({ usageMetrics: USAGE });
    construct();
    const [addon] = Object.values(Template.fromStack(stack).findResources('AWS::EKS::Addon'));
    const values = JSON.parse(addon!.Properties.ConfigurationValues as string) as { agents: { name: string }[] };
    expect(values.agents.slice(0, 2)).toEqual(ADDON_DEFAULT_AGENTS);
    expect(values.agents.map((a) => a.name)).toEqual(['cloudwatch-agent', 'cloudwatch-agent-cluster-scraper', USAGE_AGENT.name]);
    // The network policy names the agent's pods in the add-on's namespace.
    expect(USAGE_AGENT.namespace).toBe(CLOUDWATCH_AGENT_IDENTITY.namespace);
  });

  test("creates the usage agent's EMF log group with the environment's retention, deleted after the add-on", () => {
    const { stack, construct } = build({ usageMetrics: USAGE, logRetention: logs.RetentionDays.ONE_YEAR });
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/containerinsights/genai-test/prometheus',
      RetentionInDays: 365,
    });
    const [addon] = Object.values(template.findResources('AWS::EKS::Addon'));
    expect(addon!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^InsightsPrometheusLogs/)]));
  });

  test('rejects usage metrics with no pod selector and builds nothing', () => {
    const { stack, construct } = build({ usageMetrics: { ...USAGE, podLabels: {} } });
    expect(construct).toThrow('podLabels: is empty (give the labels of the LiteLLM gateway pods)');
    expect(stack.node.tryFindChild('Insights')?.node.children ?? []).toHaveLength(0);
  });
});
