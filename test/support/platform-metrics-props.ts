import type { PlatformMetricsProps } from '../../constructs/platform-metrics';

/** Plain metric sources of a made-up environment, as the observability stack passes them. */
export const METRICS_PROPS: PlatformMetricsProps = {
  apiName: 'genai-test-gateway',
  apiStage: 'api',
  authorizerFunctionName: 'authorizer-fn',
  loadBalancerFullName: 'net/gw/0123456789abcdef',
  targetGroupFullName: 'targetgroup/litellm/0123456789abcdef',
  auroraClusterIdentifier: 'genai-test-postgres',
  auroraInstanceIdentifiers: ['genai-test-writer', 'genai-test-reader1'],
  valkeyReplicationGroupId: 'genai-test-valkey',
  valkeyNodes: 2,
  webAclMetricName: 'GatewayWebAcl',
  region: 'us-east-1',
  clusterName: 'genai-test',
  namespaces: ['litellm', 'langfuse'],
  environment: 'test',
  bedrockModels: [
    { id: 'us.anthropic.claude-sonnet-4-20250514-v1:0', region: 'us-east-1' },
    { id: 'anthropic.claude-3-haiku-20240307-v1:0', region: 'eu-west-1' },
  ],
};
