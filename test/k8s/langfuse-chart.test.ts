import { Testing } from 'cdk8s';
import { LANGFUSE_REQUIRED_ENV, LANGFUSE_S3_PREFIXES, LANGFUSE_WEB_ONLY_ENV } from '../../k8s/langfuse-chart';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from './support/charts';

describe.each(ENVIRONMENT_NAMES)('LangfuseChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).langfuse) as Manifest[];
  const web = find(manifests, 'Deployment', 'langfuse-web').spec.template.spec.containers[0];
  const worker = find(manifests, 'Deployment', 'langfuse-worker').spec.template.spec.containers[0];

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('sets every environment variable Langfuse requires, in web and worker', () => {
    for (const container of [web, worker]) {
      const e = envOf(container);
      for (const name of LANGFUSE_REQUIRED_ENV) expect([name, e[name] ? 'set' : 'missing']).toEqual([name, 'set']);
    }
    const e = envOf(web);
    for (const name of LANGFUSE_WEB_ONLY_ENV) expect([name, e[name] ? 'set' : 'missing']).toEqual([name, 'set']);
  });

  test('uses S3 through the pod role, with one prefix per use and no static keys', () => {
    const e = envOf(web);
    expect(e.LANGFUSE_S3_EVENT_UPLOAD_PREFIX).toBe(LANGFUSE_S3_PREFIXES.events);
    expect(e.LANGFUSE_S3_MEDIA_UPLOAD_PREFIX).toBe(LANGFUSE_S3_PREFIXES.media);
    expect(e.LANGFUSE_S3_BATCH_EXPORT_PREFIX).toBe(LANGFUSE_S3_PREFIXES.exports);
    for (const prefix of Object.values(LANGFUSE_S3_PREFIXES)) expect(prefix.endsWith('/')).toBe(true);
    expect(Object.keys(e).filter((k) => /ACCESS_KEY|SECRET_ACCESS/.test(k))).toEqual([]);
  });

  test('switches ClickHouse cluster mode with the replica count', () => {
    expect(envOf(web).CLICKHOUSE_CLUSTER_ENABLED).toBe(cfg.workloads.clickhouse.replicas > 1 ? 'true' : 'false');
  });

  test('keeps telemetry off, sign-up closed and Redis on TLS', () => {
    expect(envOf(web)).toMatchObject({ TELEMETRY_ENABLED: 'false', AUTH_DISABLE_SIGNUP: 'true', REDIS_TLS_ENABLED: 'true' });
  });

  test('probes the documented health endpoints', () => {
    expect(web.livenessProbe.httpGet.path).toBe('/api/public/health');
    expect(web.readinessProbe.httpGet.path).toBe('/api/public/ready');
    expect(worker.livenessProbe.httpGet.path).toBe('/api/health');
    expect(web.ports[0].containerPort).toBe(3000);
    expect(worker.ports[0].containerPort).toBe(3030);
  });

  test('creates the headless-init keys with the prefixes clients expect', () => {
    expect(find(manifests, 'ExternalSecret', 'langfuse-env').spec.target.template.data).toMatchObject({
      LANGFUSE_INIT_PROJECT_PUBLIC_KEY: 'pk-lf-{{ .initPublicKey }}',
      LANGFUSE_INIT_PROJECT_SECRET_KEY: 'sk-lf-{{ .initSecretKey }}',
    });
  });
});
