/**
 * The CDK-facing API of the Kubernetes side: build every chart of one environment into a cdk8s App.
 * The CDK app passes CloudFormation tokens in `aws`; the review render passes `placeholderAwsValues`.
 */
import type { App, Chart } from 'cdk8s';
import { mcpCredentialSecretNames } from '../lib/config/mcp-schema';
import type { EnvironmentConfig } from '../lib/config/schema';
import { BaseChart } from './base-chart';
import { ClickHouseChart } from './clickhouse-chart';
import { LangfuseChart } from './langfuse-chart';
import { LitellmChart } from './litellm-chart';
import { modelsWithApiKeys } from './renderers/litellm-config';
import type { PlatformAwsValues, PlatformChartsProps } from './platform-props';

export interface PlatformCharts {
  readonly base: Chart;
  readonly litellm: Chart;
  readonly langfuse: Chart;
  readonly clickhouse: Chart;
}

/** Chart ids; stable, because the CDK app derives construct ids (and so logical ids) from them. */
export const CHART_IDS = { base: 'base', clickhouse: 'clickhouse', langfuse: 'langfuse', litellm: 'litellm' } as const;

/** Apply order: base (namespaces, store, policies) -> clickhouse -> langfuse -> litellm. */
export const CHART_ORDER = ['base', 'clickhouse', 'langfuse', 'litellm'] as const satisfies readonly (keyof PlatformCharts)[];

/** Common labels on every object (not on pod templates or selectors, which must stay stable). */
function chartLabels(config: EnvironmentConfig): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'genai-platform',
    'app.kubernetes.io/managed-by': 'cdk8s',
    'platform.genai/environment': config.name,
  };
}

export function createPlatformCharts(app: App, props: PlatformChartsProps): PlatformCharts {
  const labels = chartLabels(props.config);
  const base = new BaseChart(app, CHART_IDS.base, { ...props, labels });
  const clickhouse = new ClickHouseChart(app, CHART_IDS.clickhouse, { ...props, labels });
  const langfuse = new LangfuseChart(app, CHART_IDS.langfuse, { ...props, labels });
  const litellm = new LitellmChart(app, CHART_IDS.litellm, { ...props, labels });
  clickhouse.addDependency(base);
  langfuse.addDependency(clickhouse);
  litellm.addDependency(langfuse);
  return { base, litellm, langfuse, clickhouse };
}

/** Readable stand-ins for every AWS value, for the committed review render. */
export function placeholderAwsValues(config: EnvironmentConfig): PlatformAwsValues {
  return {
    region: config.region,
    roleArns: {
      litellm: '<litellm-role-arn>',
      langfuse: '<langfuse-role-arn>',
      clickhouse: '<clickhouse-role-arn>',
      secretsSync: '<secrets-sync-role-arn>',
    },
    database: {
      host: '<aurora-endpoint>',
      port: '<aurora-port>',
      litellmSecretArn: '<litellm-db-secret-arn>',
      langfuseSecretArn: '<langfuse-db-secret-arn>',
    },
    cache: { host: '<elasticache-endpoint>', port: '<elasticache-port>', authSecretArn: '<elasticache-auth-secret-arn>' },
    buckets: { langfuse: '<langfuse-bucket>', clickhouse: '<clickhouse-bucket>' },
    secretArns: {
      litellmMasterKey: '<litellm-master-key-secret-arn>',
      litellmSaltKey: '<litellm-salt-key-secret-arn>',
      langfuseNextAuthSecret: '<langfuse-nextauth-secret-arn>',
      langfuseSalt: '<langfuse-salt-secret-arn>',
      langfuseEncryptionKey: '<langfuse-encryption-key-secret-arn>',
      langfuseInitPublicKey: '<langfuse-init-public-key-secret-arn>',
      langfuseInitSecretKey: '<langfuse-init-secret-key-secret-arn>',
      langfuseAdminPassword: '<langfuse-admin-password-secret-arn>',
      clickhousePassword: '<clickhouse-password-secret-arn>',
    },
    modelApiKeySecretNames: Object.fromEntries(modelsWithApiKeys(config.models).map((m) => [m.name, m.apiKeySecretName])),
    mcpCredentialSecretNames: mcpCredentialSecretNames(config.mcpServers),
    litellmTargetGroupArn: '<litellm-target-group-arn>',
    langfuseTargetGroupArn: '<langfuse-target-group-arn>',
    langfuseUrl: '<langfuse-url>',
  };
}
