/**
 * The CDK-facing API of the Kubernetes side: build every chart of one environment into a cdk8s App.
 * The CDK app passes CloudFormation tokens in `aws`; the review render passes `placeholderAwsValues`.
 */
import type { App, Chart } from 'cdk8s';
import { mcpCredentialSecretNames } from '../lib/shared/litellm';
import type { EnvironmentConfig } from '../lib/config/schema';
import { BaseChart } from './base-chart';
import { ClickHouseChart } from './clickhouse-chart';
import { LangfuseChart } from './langfuse-chart';
import { LitellmChart } from './litellm-chart';
import { OpenWebUiChart } from './open-webui-chart';
import { bedrockProfileEnvNames, modelsWithApiKeys } from './renderers/litellm-config';
import { OPEN_WEBUI_CONSUMER, builtinKeySecretName } from '../lib/shared/web';
import type { PlatformAwsValues, PlatformChartsProps } from './platform-props';

export interface PlatformCharts {
  readonly base: Chart;
  readonly litellm: Chart;
  readonly langfuse: Chart;
  readonly clickhouse: Chart;
  /** Open WebUI; only in environments with `openWebUi.enabled`. */
  readonly openWebUi?: Chart;
}

/** Chart ids; stable, because the CDK app derives construct ids (and so logical ids) from them. Also the review files' names. */
export const CHART_IDS = {
  base: 'base',
  clickhouse: 'clickhouse',
  langfuse: 'langfuse',
  litellm: 'litellm',
  openWebUi: 'open-webui',
} as const satisfies Record<keyof PlatformCharts, string>;

/** Apply order of the charts every environment has: base (namespaces, store, policies) -> clickhouse -> langfuse -> litellm. */
export const CHART_ORDER = ['base', 'clickhouse', 'langfuse', 'litellm'] as const satisfies readonly (keyof PlatformCharts)[];

/** Charts that exist only when the config enables them, applied after CHART_ORDER in this order. */
export const OPTIONAL_CHART_ORDER = ['openWebUi'] as const satisfies readonly (keyof PlatformCharts)[];

export type ChartName = (typeof CHART_ORDER)[number] | (typeof OPTIONAL_CHART_ORDER)[number];

/** Every chart this environment has, in apply order (the optional ones only when present). */
export function chartsInApplyOrder(charts: PlatformCharts): (readonly [ChartName, Chart])[] {
  return [...CHART_ORDER, ...OPTIONAL_CHART_ORDER].flatMap((name) => {
    const chart = charts[name];
    return chart ? [[name, chart] as const] : [];
  });
}

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
  if (!props.config.openWebUi.enabled) return { base, litellm, langfuse, clickhouse };
  // After LiteLLM: its models, and the built-in key the tenants reconciler issues there, come first.
  const openWebUi = new OpenWebUiChart(app, CHART_IDS.openWebUi, { ...props, labels });
  openWebUi.addDependency(litellm);
  return { base, litellm, langfuse, clickhouse, openWebUi };
}

/** Readable stand-ins for every AWS value, for the committed review render. */
export function placeholderAwsValues(config: EnvironmentConfig): PlatformAwsValues {
  return {
    region: config.region,
    roleArns: {
      litellm: '<litellm-role-arn>',
      langfuse: '<langfuse-role-arn>',
      clickhouse: '<clickhouse-role-arn>',
      clickhouseMetrics: '<clickhouse-metrics-role-arn>',
      litellmSecretsSync: '<litellm-secrets-sync-role-arn>',
      langfuseSecretsSync: '<langfuse-secrets-sync-role-arn>',
    },
    subnetCidrs: {
      public: config.network.availabilityZones.map((zone) => `<public-subnet-cidr-${zone}>`),
      workloads: config.network.availabilityZones.map((zone) => `<workloads-subnet-cidr-${zone}>`),
      data: config.network.availabilityZones.map((zone) => `<data-subnet-cidr-${zone}>`),
    },
    database: {
      host: '<aurora-endpoint>',
      port: '<aurora-port>',
      litellmSecretArn: '<litellm-db-secret-arn>',
      langfuseSecretArn: '<langfuse-db-secret-arn>',
    },
    cache: {
      host: '<elasticache-endpoint>',
      port: '<elasticache-port>',
      litellmCredentialsArn: '<valkey-litellm-credentials-arn>',
      langfuseCredentialsArn: '<valkey-langfuse-credentials-arn>',
    },
    buckets: {
      langfuse: '<langfuse-bucket>',
      clickhouse: '<clickhouse-bucket>',
      ...(config.backup.enabled ? { clickhouseBackup: '<clickhouse-backup-bucket>' } : {}),
    },
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
    guardrails: Object.fromEntries(
      config.guardrails.map((g) => [g.name, { id: `<guardrail-${g.name}-id>`, version: `<guardrail-${g.name}-version>` }]),
    ),
    bedrockProfileArns: Object.fromEntries(
      bedrockProfileEnvNames(config.models, config.region).map((name) => [name, `<bedrock-application-profile-arn:${name}>`]),
    ),
    ...(config.batches.enabled ? { batches: { bucket: '<batch-bucket>', roleArn: '<bedrock-batch-role-arn>' } } : {}),
    litellmTargetGroupArn: '<litellm-target-group-arn>',
    // With a web domain Langfuse is reached through the public entrance's sign-in only: no internal binding.
    ...(config.web.domain ? {} : { langfuseTargetGroupArn: '<langfuse-target-group-arn>' }),
    langfuseUrl: '<langfuse-url>',
    ...(config.openWebUi.enabled
      ? {
          openWebUi: {
            roleArn: '<open-webui-role-arn>',
            databaseSecretArn: '<open-webui-db-secret-arn>',
            bucket: '<open-webui-bucket>',
            // The real name up to the platform stack's suffix, which only a deploy knows.
            virtualKeySecretName: builtinKeySecretName(config.name, OPEN_WEBUI_CONSUMER, '<platform-stack-suffix>'),
            secretKeyArn: '<open-webui-secret-key-arn>',
            adminPasswordArn: '<open-webui-admin-password-secret-arn>',
            secretsSyncRoleArn: '<open-webui-secrets-sync-role-arn>',
            cacheCredentialsArn: '<valkey-open-webui-credentials-arn>',
            url: '<open-webui-url>',
          },
        }
      : {}),
    sso: {
      discoveryUrl: '<sso-discovery-url>',
      issuer: '<sso-issuer>',
      groupsClaim: config.web.sso.provider === 'cognito' ? 'cognito:groups' : config.web.sso.groupsClaim,
      adminGroup: config.web.adminGroup,
      clients: {
        openWebUi: { clientId: '<open-webui-sso-client-id>', clientSecretArn: '<open-webui-sso-client-secret-arn>' },
        // Langfuse gets a client only with a public hostname (constructs/workforce-identity.ts).
        ...(config.web.domain
          ? { langfuse: { clientId: '<langfuse-sso-client-id>', clientSecretArn: '<langfuse-sso-client-secret-arn>' } }
          : {}),
      },
    },
    ...(config.web.domain
      ? {
          webTargetGroupArns: {
            ...(config.openWebUi.enabled ? { openWebUi: '<web-open-webui-target-group-arn>' } : {}),
            litellm: '<web-litellm-target-group-arn>',
            langfuse: '<web-langfuse-target-group-arn>',
          },
          litellmUiUrl: '<litellm-ui-url>',
        }
      : {}),
  };
}
