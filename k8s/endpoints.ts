import { LANGFUSE_WEB_PORT } from '../lib/shared/langfuse';
import { LITELLM_PORT } from '../lib/shared/litellm';
import { OPEN_WEBUI_PORT } from '../lib/shared/web';
import { IDENTITIES } from './identities';

/**
 * Stable names other objects (and other charts) refer to. Changing one is a breaking change for every
 * reference, so they live here rather than being derived from construct paths.
 */
export const NAMES = {
  storageClass: 'ebs-gp3-encrypted',
  secretStore: 'aws-secrets-manager',
  litellm: { service: 'litellm', deployment: 'litellm', config: 'litellm-config', secret: 'litellm-env', port: LITELLM_PORT },
  langfuseWeb: { service: 'langfuse-web', deployment: 'langfuse-web', port: LANGFUSE_WEB_PORT },
  langfuseWorker: { service: 'langfuse-worker', deployment: 'langfuse-worker', port: 3030 },
  langfuse: { secret: 'langfuse-env' },
  openWebUi: { service: 'open-webui', deployment: 'open-webui', secret: 'open-webui-env', port: OPEN_WEBUI_PORT },
  clickhouse: {
    statefulSet: 'clickhouse',
    service: 'clickhouse',
    headlessService: 'clickhouse-headless',
    config: 'clickhouse-config',
    secret: 'clickhouse-credentials',
    httpPort: 8123,
    tcpPort: 9000,
    interserverPort: 9009,
    keeperPort: 9181,
    raftPort: 9234,
  },
} as const;

/** In-cluster DNS name of a Service. */
export function serviceHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** LiteLLM inside the cluster (Open WebUI's OpenAI-compatible connection and MCP tools). */
export const LITELLM_INTERNAL_URL = `http://${serviceHost(NAMES.litellm.service, IDENTITIES.litellm.namespace)}:${NAMES.litellm.port}`;

export const LANGFUSE_INTERNAL_URL = `http://${serviceHost(NAMES.langfuseWeb.service, IDENTITIES.langfuse.namespace)}:${NAMES.langfuseWeb.port}`;

/** Common labels; selectors use name + component only so they never change after the first apply. */
export function appLabels(name: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': component };
}

/** Pod labels of every workload; network policies and selectors use these. */
export const LABELS = {
  litellmGateway: appLabels('litellm', 'gateway'),
  litellmMigrate: appLabels('litellm', 'migrate'),
  langfuseWeb: appLabels('langfuse', 'web'),
  langfuseWorker: appLabels('langfuse', 'worker'),
  clickhouse: appLabels('clickhouse', 'server'),
  openWebUi: appLabels('open-webui', 'web'),
} as const;
