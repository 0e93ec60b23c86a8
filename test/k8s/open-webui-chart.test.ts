import { Testing } from 'cdk8s';
import { OPEN_WEBUI_HEALTH, OPEN_WEBUI_UID, OpenWebUiChart } from '../../k8s/open-webui-chart';
import { createPlatformCharts, placeholderAwsValues } from '../../k8s/platform-charts';
import type { PlatformAwsValues } from '../../k8s/platform-props';
import { LITELLM_MCP_URL, LITELLM_OPENAI_BASE_URL, OPEN_WEBUI_WRITABLE_PATHS } from '../../k8s/renderers/open-webui-env';
import { IMAGES, imageRef } from '../../k8s/versions';
import { parseEnvironment } from '../../lib/config/load-config';
import { dev } from '../../lib/config/environments/dev';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { ENVIRONMENT_NAMES, charts, config, envOf, find, validate, type Manifest } from './support/charts';

function synth(cfg: EnvironmentConfig, aws: PlatformAwsValues = placeholderAwsValues(cfg)): Manifest[] {
  const chart = charts(cfg, aws).openWebUi;
  if (!chart) throw new Error('no Open WebUI chart');
  return Testing.synth(chart) as Manifest[];
}

/** dev with a public domain, as the web entrance serves it. */
const devWithDomain = parseEnvironment(
  { ...dev, web: { domain: { hostedZoneId: 'Z0123456789ABC', zoneName: 'example.com', base: 'genai.example.com' } } },
  { region: 'us-east-1' },
);

describe.each(ENVIRONMENT_NAMES)('OpenWebUiChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = synth(cfg);
  const deployment = find(manifests, 'Deployment', 'open-webui');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env_ = envOf(container);
  const secretKeys: string[] = container.env.filter((e: Manifest) => e.valueFrom).map((e: Manifest) => e.name);
  const externalSecret = find(manifests, 'ExternalSecret', 'open-webui-env');

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('every object is valid against the Kubernetes and CRD schemas, in the open-webui namespace', () => {
    for (const m of manifests) {
      validate(m);
      expect(m.metadata.namespace).toBe('open-webui');
    }
  });

  test('no secret value reaches the manifest: secrets come from the synced Secret, templates carry only references', () => {
    expect(manifests.map((m) => m.kind)).not.toContain('Secret');
    const text = JSON.stringify(manifests);
    expect(text).not.toMatch(/sk-[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|S3_SECRET_ACCESS_KEY|S3_ACCESS_KEY_ID/);
    for (const key of secretKeys) expect(env_[key]).toBe(`secret:open-webui-env/${key}`);
    expect(Object.keys(externalSecret.spec.target.template.data).sort()).toEqual([...secretKeys].sort());
    expect(externalSecret.spec.data.map((d: Manifest) => d.remoteRef.key)).toEqual(
      expect.arrayContaining(['<open-webui-db-secret-arn>', '<open-webui-secret-key-arn>', '<open-webui-sso-client-secret-arn>']),
    );
  });

  test('runs the pinned image as a non-root user under PSS restricted, writing only to seeded emptyDirs', () => {
    expect(container.image).toBe(imageRef(IMAGES.openWebUi));
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: OPEN_WEBUI_UID, fsGroup: OPEN_WEBUI_UID });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(c.resources.limits.memory).toBeDefined();
    }
    const emptyDirs = new Set(pod.volumes.filter((v: Manifest) => v.emptyDir).map((v: Manifest) => v.name));
    const writable = container.volumeMounts.filter((m: Manifest) => emptyDirs.has(m.name)).map((m: Manifest) => m.mountPath);
    expect(writable.sort()).toEqual(Object.values(OPEN_WEBUI_WRITABLE_PATHS).sort());
    // The image's own files under DATA_DIR and STATIC_DIR are copied into their emptyDirs before the app starts.
    const seed = pod.initContainers[0];
    expect(seed.image).toBe(container.image);
    expect(seed.command.join(' ')).toContain(`cp -R ${OPEN_WEBUI_WRITABLE_PATHS.data}/. /seed/data/`);
    expect(seed.command.join(' ')).toContain(`cp -R ${OPEN_WEBUI_WRITABLE_PATHS.static}/. /seed/static/`);
    expect(env_.HOME).toBe(OPEN_WEBUI_WRITABLE_PATHS.home);
  });

  test('probes /health for liveness and startup, /health/db for readiness, on the named port 8080', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.startupProbe.httpGet.path).toBe(OPEN_WEBUI_HEALTH.live);
    expect(container.livenessProbe.httpGet.path).toBe(OPEN_WEBUI_HEALTH.live);
    expect(container.readinessProbe.httpGet.path).toBe(OPEN_WEBUI_HEALTH.ready);
    expect(find(manifests, 'Service', 'open-webui').spec.ports[0]).toMatchObject({ port: 8080 });
  });

  test('scales between the configured replica counts, spreads across zones, with a disruption budget when replicated', () => {
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'open-webui');
    expect(hpa.spec).toMatchObject({ minReplicas: cfg.openWebUi.minReplicas, maxReplicas: cfg.openWebUi.maxReplicas });
    expect(deployment.spec.replicas).toBeUndefined();
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone' });
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    expect(pdbs).toHaveLength(cfg.openWebUi.minReplicas > 1 ? 1 : 0);
  });

  test('carries a config checksum on the pod template, the same with CloudFormation tokens as with placeholders', () => {
    const checksum = (m: Manifest[]) =>
      find(m, 'Deployment', 'open-webui').spec.template.metadata.annotations['platform.genai/config-checksum'];
    expect(checksum(manifests)).toMatch(/^[0-9a-f]{64}$/);
    let n = 0;
    const swap = (v: unknown): unknown =>
      typeof v === 'string' && v.startsWith('<')
        ? `\${Token[TOKEN.${++n}]}`
        : Array.isArray(v)
          ? v.map(swap)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]))
            : v;
    expect(checksum(synth(cfg, swap(placeholderAwsValues(cfg)) as PlatformAwsValues))).toBe(checksum(manifests));
  });

  test('signs in only through the identity provider, admin group to admin, everyone else a user', () => {
    expect(env_).toMatchObject({
      ENABLE_SIGNUP: 'False',
      ENABLE_LOGIN_FORM: 'False',
      ENABLE_PASSWORD_AUTH: 'False',
      ENABLE_OAUTH_SIGNUP: 'True',
      OPENID_PROVIDER_URL: '<sso-discovery-url>',
      OAUTH_CLIENT_ID: '<open-webui-sso-client-id>',
      OPENID_REDIRECT_URI: '<open-webui-url>/oauth/oidc/callback',
      ENABLE_OAUTH_ROLE_MANAGEMENT: 'True',
      OAUTH_ROLES_CLAIM: 'cognito:groups',
      OAUTH_ADMIN_ROLES: cfg.web.adminGroup,
      DEFAULT_USER_ROLE: 'user',
    });
    expect(secretKeys).toContain('OAUTH_CLIENT_SECRET');
  });

  test("offers the team's chat models through LiteLLM with the built-in key, embeddings from the gateway too", () => {
    const team = cfg.tenants.teams.find((t) => t.name === cfg.openWebUi.team);
    expect(env_.OPENAI_API_BASE_URLS).toBe(LITELLM_OPENAI_BASE_URL);
    expect(JSON.parse(env_.OPENAI_API_CONFIGS as string)).toEqual({
      '0': { enable: true, model_ids: team?.models.filter((m) => m !== cfg.openWebUi.embeddingModel) },
    });
    expect(env_).toMatchObject({ RAG_EMBEDDING_ENGINE: 'openai', RAG_EMBEDDING_MODEL: cfg.openWebUi.embeddingModel });
    const templates = externalSecret.spec.target.template.data;
    expect(templates.OPENAI_API_KEYS).toBe('{{ .virtualKey }}');
    expect(templates.RAG_OPENAI_API_KEY).toBe('{{ .virtualKey }}');
    expect(externalSecret.spec.data).toContainEqual({
      secretKey: 'virtualKey',
      remoteRef: { key: `genai-gateway/${env}/builtin-keys/open-webui-<platform-stack-suffix>`, property: 'virtualKey' },
    });
  });

  test('uses Aurora with pgvector, Valkey over TLS for shared state, and S3 without static keys', () => {
    const templates = externalSecret.spec.target.template.data;
    expect(templates.DATABASE_URL).toMatch(/^postgresql:\/\/.*@<aurora-endpoint>:<aurora-port>\/\{\{ \.dbDbname \}\}\?sslmode=require$/);
    expect(templates.PGVECTOR_DB_URL).toBe(templates.DATABASE_URL);
    expect(templates.REDIS_URL).toMatch(/^rediss:\/\//);
    expect(templates.WEBSOCKET_REDIS_URL).toBe(templates.REDIS_URL);
    expect(env_).toMatchObject({
      VECTOR_DB: 'pgvector',
      WEBSOCKET_MANAGER: 'redis',
      STORAGE_PROVIDER: 's3',
      S3_BUCKET_NAME: '<open-webui-bucket>',
    });
    expect(find(manifests, 'ServiceAccount', 'open-webui').metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
      '<open-webui-role-arn>',
    );
  });

  test('without a domain admits nobody (port-forward enters the pod directly) and reaches only LiteLLM, the data stores and HTTPS', () => {
    expect(manifests.filter((m) => m.metadata.name === 'open-webui-from-load-balancer')).toEqual([]);
    const egress = find(manifests, 'NetworkPolicy', 'open-webui-egress').spec.egress;
    expect(egress[0].to[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'litellm' });
    expect(egress[0].ports).toEqual([{ protocol: 'TCP', port: 4000 }]);
    expect(egress[1]).toEqual({
      to: placeholderAwsValues(cfg).subnetCidrs.data.map((cidr) => ({ ipBlock: { cidr } })),
      ports: [
        { protocol: 'TCP', port: 5432 },
        { protocol: 'TCP', port: 6379 },
      ],
    });
    expect(egress[2].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
  });

  test('without a domain: no target group binding and cookies not marked secure (localhost port-forward)', () => {
    expect(manifests.filter((m) => m.kind === 'TargetGroupBinding')).toEqual([]);
    expect(env_).toMatchObject({ WEBUI_SESSION_COOKIE_SECURE: 'False', WEBUI_AUTH_COOKIE_SECURE: 'False' });
  });
});

describe('OpenWebUiChart behind the web load balancer', () => {
  const manifests = synth(devWithDomain);
  const container = find(manifests, 'Deployment', 'open-webui').spec.template.spec.containers[0];

  test('admits the web load balancer from the public subnets on 8080, never the whole VPC', () => {
    const aws = placeholderAwsValues(devWithDomain);
    expect(find(manifests, 'NetworkPolicy', 'open-webui-from-load-balancer').spec.ingress).toEqual([
      { from: aws.subnetCidrs.public.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  test("binds the pods to the web load balancer's target group and marks cookies secure", () => {
    expect(find(manifests, 'TargetGroupBinding', 'open-webui').spec).toEqual({
      targetGroupARN: '<web-open-webui-target-group-arn>',
      targetType: 'ip',
      serviceRef: { name: 'open-webui', port: 8080 },
    });
    expect(envOf(container)).toMatchObject({ WEBUI_SESSION_COOKIE_SECURE: 'True', WEBUI_AUTH_COOKIE_SECURE: 'True' });
  });

  test("offers the gateway's MCP tools with the built-in key as a Bearer token, when the team is granted servers", () => {
    const es = find(manifests, 'ExternalSecret', 'open-webui-env');
    const connections = JSON.parse(es.spec.target.template.data.TOOL_SERVER_CONNECTIONS as string);
    expect(connections).toEqual([
      expect.objectContaining({ type: 'mcp', url: LITELLM_MCP_URL, auth_type: 'bearer', key: '{{ .virtualKey }}' }),
    ]);
  });
});

describe('OpenWebUiChart without MCP grants', () => {
  test('sets no tool servers when the team is granted no MCP server', () => {
    const cfg = config('prod');
    const es = find(synth(cfg), 'ExternalSecret', 'open-webui-env');
    expect(cfg.tenants.teams.find((t) => t.name === 'employees')?.mcpServers).toEqual([]);
    expect(es.spec.target.template.data).not.toHaveProperty('TOOL_SERVER_CONNECTIONS');
  });
});

describe('Open WebUI disabled', () => {
  const cfg = parseEnvironment({ ...dev, openWebUi: { enabled: false } }, { region: 'us-east-1' });
  const all = createPlatformCharts(Testing.app(), { config: cfg, aws: placeholderAwsValues(cfg) });

  test('creates no Open WebUI chart, namespace, store access or LiteLLM ingress from it', () => {
    expect(all.openWebUi).toBeUndefined();
    const base = Testing.synth(all.base) as Manifest[];
    expect(base.filter((m) => JSON.stringify(m).includes('open-webui'))).toEqual([]);
    expect(placeholderAwsValues(cfg).openWebUi).toBeUndefined();
    expect(JSON.stringify(Testing.synth(all.litellm))).not.toContain('user_header_name');
  });
});

describe('OpenWebUiChart refuses what it cannot run with', () => {
  const cfg = config('dev');
  const aws = placeholderAwsValues(cfg);

  test('without single sign-on (no way to sign in with local login off)', () => {
    const { sso: _sso, ...withoutSso } = aws;
    expect(() => new OpenWebUiChart(Testing.app(), 'OpenWebUi', { config: cfg, aws: withoutSso })).toThrow(
      'aws.sso.clients.openWebUi: is missing (Open WebUI signs employees in only through single sign-on; local sign-up and password login are off)',
    );
  });

  test('without its AWS values', () => {
    const { openWebUi: _owui, ...withoutOwui } = aws;
    expect(() => new OpenWebUiChart(Testing.app(), 'OpenWebUi', { config: cfg, aws: withoutOwui })).toThrow(
      'aws.openWebUi: is missing (pass the Open WebUI role, database secret, bucket and secrets)',
    );
  });
});
