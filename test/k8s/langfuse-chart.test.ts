import { Testing } from 'cdk8s';
import { LANGFUSE_CUSTOM_SSO_NAME } from '../../k8s/langfuse-chart';
import { placeholderAwsValues } from '../../k8s/platform-charts';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { LANGFUSE_S3_PREFIXES } from '../../lib/shared/langfuse';
import { ENTRA_SSO, withWebDomain } from '../support/web-config';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, type Manifest } from './support/charts';

describe.each(ENVIRONMENT_NAMES)('LangfuseChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).langfuse) as Manifest[];
  const web = find(manifests, 'Deployment', 'langfuse-web').spec.template.spec.containers[0];
  const worker = find(manifests, 'Deployment', 'langfuse-worker').spec.template.spec.containers[0];

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('gives the web its sign-in, migration and start-up settings and the worker its batch exports', () => {
    const w = envOf(web);
    const k = envOf(worker);
    for (const name of ['NEXTAUTH_SECRET', 'CLICKHOUSE_MIGRATION_URL', 'AUTH_DISABLE_SIGNUP', 'LANGFUSE_INIT_PROJECT_ID']) {
      expect([name, w[name] !== undefined, k[name] !== undefined]).toEqual([name, true, false]);
    }
    for (const name of ['LANGFUSE_S3_BATCH_EXPORT_ENABLED', 'LANGFUSE_S3_BATCH_EXPORT_BUCKET', 'LANGFUSE_S3_BATCH_EXPORT_PREFIX']) {
      expect([name, w[name] !== undefined, k[name] !== undefined]).toEqual([name, false, true]);
    }
    expect(w).toMatchObject({ HOSTNAME: '0.0.0.0', PORT: '3000' });
    expect(k).toMatchObject({ HOSTNAME: '0.0.0.0', PORT: '3030' });
  });

  test('uses S3 through the pod role, with one prefix per use and no static keys', () => {
    const e = { ...envOf(web), ...envOf(worker) };
    expect(e.LANGFUSE_S3_EVENT_UPLOAD_PREFIX).toBe(LANGFUSE_S3_PREFIXES.events);
    expect(e.LANGFUSE_S3_MEDIA_UPLOAD_PREFIX).toBe(LANGFUSE_S3_PREFIXES.media);
    expect(e.LANGFUSE_S3_BATCH_EXPORT_PREFIX).toBe(LANGFUSE_S3_PREFIXES.exports);
    for (const prefix of Object.values(LANGFUSE_S3_PREFIXES)) expect(prefix.endsWith('/')).toBe(true);
    expect(Object.keys(e).filter((k) => /ACCESS_KEY|SECRET_ACCESS/.test(k))).toEqual([]);
  });

  test('switches ClickHouse cluster mode with the replica count', () => {
    for (const container of [web, worker]) {
      expect(envOf(container).CLICKHOUSE_CLUSTER_ENABLED).toBe(cfg.workloads.clickhouse.replicas > 1 ? 'true' : 'false');
    }
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

describe('LangfuseChart single sign-on', () => {
  const synth = (cfg: EnvironmentConfig) => {
    const manifests = Testing.synth(charts(cfg).langfuse) as Manifest[];
    const container = (name: string) => find(manifests, 'Deployment', name).spec.template.spec.containers[0];
    return {
      web: envOf(container('langfuse-web')),
      worker: envOf(container('langfuse-worker')),
      secret: find(manifests, 'ExternalSecret', 'langfuse-env').spec,
      manifests,
    };
  };

  test('without a web domain keeps its own login: no SSO variable, sign-up closed', () => {
    const { web } = synth(config('dev'));
    expect(Object.keys(web).filter((k) => /^AUTH_(COGNITO|CUSTOM)_|AUTH_DISABLE_USERNAME_PASSWORD|LANGFUSE_DEFAULT_ORG/.test(k))).toEqual(
      [],
    );
    expect(web.AUTH_DISABLE_SIGNUP).toBe('true');
  });

  test('with a Cognito workforce pool signs in through Cognito only; SSO users may be created and join the init organisation as viewers', () => {
    const { web, worker, secret } = synth(withWebDomain(config('dev')));
    expect(web).toMatchObject({
      AUTH_COGNITO_CLIENT_ID: '<langfuse-sso-client-id>',
      AUTH_COGNITO_ISSUER: '<sso-issuer>',
      AUTH_DISABLE_USERNAME_PASSWORD: 'true',
      AUTH_DISABLE_SIGNUP: 'false',
      LANGFUSE_DEFAULT_ORG_ID: 'genai-platform',
      LANGFUSE_DEFAULT_ORG_ROLE: 'VIEWER',
    });
    expect(web.AUTH_COGNITO_CLIENT_SECRET).toBe('secret:langfuse-env/AUTH_COGNITO_CLIENT_SECRET');
    expect(secret.target.template.data.AUTH_COGNITO_CLIENT_SECRET).toBe('{{ .ssoClientSecret }}');
    expect(secret.data).toContainEqual({ secretKey: 'ssoClientSecret', remoteRef: { key: '<langfuse-sso-client-secret-arn>' } });
    expect(Object.keys(worker).filter((k) => k.startsWith('AUTH_'))).toEqual([]);
  });

  test('keeps the headless-init project keys and user, so the smoke test and LiteLLM keep working', () => {
    const { web } = synth(withWebDomain(config('dev')));
    for (const name of [
      'LANGFUSE_INIT_PROJECT_PUBLIC_KEY',
      'LANGFUSE_INIT_PROJECT_SECRET_KEY',
      'LANGFUSE_INIT_USER_EMAIL',
      'LANGFUSE_INIT_USER_PASSWORD',
    ]) {
      expect([name, web[name] !== undefined]).toEqual([name, true]);
    }
  });

  test('with an external issuer uses the custom OIDC provider, named, with the standard scopes', () => {
    const { web } = synth(withWebDomain(config('dev'), ENTRA_SSO));
    expect(web).toMatchObject({
      AUTH_CUSTOM_CLIENT_ID: '<langfuse-sso-client-id>',
      AUTH_CUSTOM_ISSUER: '<sso-issuer>',
      AUTH_CUSTOM_NAME: LANGFUSE_CUSTOM_SSO_NAME,
      AUTH_CUSTOM_SCOPE: 'openid email profile',
      AUTH_CUSTOM_CLIENT_SECRET: 'secret:langfuse-env/AUTH_CUSTOM_CLIENT_SECRET',
    });
    expect(Object.keys(web).filter((k) => k.startsWith('AUTH_COGNITO_'))).toEqual([]);
  });

  test.each([
    ['Cognito', undefined],
    ['an external issuer', ENTRA_SSO],
  ] as const)('denies every person signing in with %s an organisation role above VIEWER', (_, sso) => {
    const { web } = synth(withWebDomain(config('dev'), sso));
    // Langfuse's roles from most to least privileged (web/src/env.mjs at v3.194.1); NONE is below VIEWER.
    expect(['VIEWER', 'NONE']).toContain(web.LANGFUSE_DEFAULT_ORG_ROLE);
  });
});

describe('LangfuseChart load balancer bindings', () => {
  const bindingsOf = (manifests: Manifest[]) =>
    manifests
      .filter((m) => m.kind === 'TargetGroupBinding')
      .map((b) => ({ name: b.metadata.name, namespace: b.metadata.namespace, spec: b.spec }));
  const internal = {
    name: 'langfuse-web',
    namespace: 'langfuse',
    spec: { targetGroupARN: '<langfuse-target-group-arn>', targetType: 'ip', serviceRef: { name: 'langfuse-web', port: 3000 } },
  };

  test('without a web domain binds the web pods to the internal target group only', () => {
    expect(bindingsOf(Testing.synth(charts(config('dev')).langfuse) as Manifest[])).toEqual([internal]);
  });

  test('with a web domain binds the web pods (not the worker) to the web target group only, by IP on the service port, under a name of its own', () => {
    const manifests = Testing.synth(charts(withWebDomain(config('dev'))).langfuse) as Manifest[];
    // No internal binding: the internal load balancer would skip the web entrance's admin sign-in.
    expect(bindingsOf(manifests)).toEqual([
      {
        name: 'langfuse-web-public',
        namespace: 'langfuse',
        spec: { targetGroupARN: '<web-langfuse-target-group-arn>', targetType: 'ip', serviceRef: { name: 'langfuse-web', port: 3000 } },
      },
    ]);
    expect(find(manifests, 'Service', 'langfuse-web').spec.ports.map((p: Manifest) => p.port)).toEqual([3000]);
  });

  test('binds to the web target group only when its ARN is given', () => {
    const cfg = withWebDomain(config('dev'));
    const others = { openWebUi: '<web-open-webui-target-group-arn>', litellm: '<web-litellm-target-group-arn>' };
    const manifests = Testing.synth(charts(cfg, { ...placeholderAwsValues(cfg), webTargetGroupArns: others }).langfuse) as Manifest[];
    expect(bindingsOf(manifests)).toEqual([]);
  });

  test('binds exactly the target groups it is given, the internal one included', () => {
    const cfg = withWebDomain(config('dev'));
    const aws = { ...placeholderAwsValues(cfg), langfuseTargetGroupArn: '<langfuse-target-group-arn>' };
    expect(bindingsOf(Testing.synth(charts(cfg, aws).langfuse) as Manifest[]).map((b) => b.name)).toEqual([
      'langfuse-web',
      'langfuse-web-public',
    ]);
  });
});
