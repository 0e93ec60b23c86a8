import { Testing } from 'cdk8s';
import { CHART_IDS, CHART_ORDER, chartsInApplyOrder, createPlatformCharts, placeholderAwsValues } from '../../k8s/platform-charts';
import type { PlatformAwsValues } from '../../k8s/platform-props';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../k8s/renderers/checksum';
import { ENVIRONMENT_NAMES, allManifests, config, envOf, podOwners, validate, type Manifest } from './support/charts';

/** Every string of the placeholder values replaced by something shaped like a CloudFormation token. */
function tokenLike(aws: PlatformAwsValues): PlatformAwsValues {
  let n = 0;
  const swap = (v: unknown): unknown =>
    typeof v === 'string' && v.startsWith('<')
      ? `\${Token[TOKEN.${++n}]}`
      : Array.isArray(v)
        ? v.map(swap)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]))
          : v;
  return swap(aws) as PlatformAwsValues;
}

describe.each(ENVIRONMENT_NAMES)('platform charts (%s)', (env) => {
  const cfg = config(env);
  const manifests = allManifests(cfg);
  const owners = podOwners(manifests);
  const containers = owners.flatMap((o) =>
    [...(o.podSpec.initContainers ?? []), ...o.podSpec.containers].map((c: Manifest) => ({ owner: o, c })),
  );

  test('every object validates against the Kubernetes OpenAPI schema or its CRD schema', () => {
    for (const m of manifests) {
      expect(() => validate(m)).not.toThrow();
    }
  });

  test('no two objects share kind, namespace and name', () => {
    const keys = manifests.map((m) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('every pod meets the restricted Pod Security Standard', () => {
    for (const { podSpec } of owners) {
      expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(podSpec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(podSpec.hostNetwork ?? false).toBe(false);
      expect(podSpec.hostPID ?? false).toBe(false);
      expect(podSpec.volumes.filter((v: Manifest) => v.hostPath)).toEqual([]);
    }
    for (const { c } of containers) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });

  test('every container has a writable /tmp from an emptyDir (the root filesystem is read-only)', () => {
    for (const { owner, c } of containers) {
      const tmp = c.volumeMounts.find((m: Manifest) => m.mountPath === '/tmp');
      expect(tmp).toBeDefined();
      expect(owner.podSpec.volumes.find((v: Manifest) => v.name === tmp.name).emptyDir).toBeDefined();
    }
  });

  test('every container sets cpu and memory requests and limits', () => {
    for (const { c } of containers) {
      for (const kind of ['requests', 'limits']) {
        expect(c.resources[kind]).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      }
    }
  });

  test('every long-running container has startup, liveness and readiness probes', () => {
    for (const { owner, c } of containers.filter(({ owner }) => owner.manifest.kind !== 'Job')) {
      expect([owner.manifest.metadata.name, c.startupProbe && c.livenessProbe && c.readinessProbe ? 'probed' : 'missing']).toEqual([
        owner.manifest.metadata.name,
        'probed',
      ]);
    }
  });

  test('every image is pinned to a version tag (never latest, never untagged)', () => {
    for (const { c } of containers) {
      expect(c.image).toMatch(/^[a-z0-9._\-/]+:(?!latest$)[A-Za-z0-9._-]+$|@sha256:[a-f0-9]{64}$/);
    }
  });

  test('every workload with more than one replica has a disruption budget selecting its pods', () => {
    const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
    for (const { manifest, replicas } of owners.filter((o) => o.replicas > 1)) {
      const pdb = pdbs.find(
        (p) =>
          p.metadata.namespace === manifest.metadata.namespace &&
          JSON.stringify(p.spec.selector) === JSON.stringify(manifest.spec.selector),
      );
      expect([manifest.metadata.name, replicas, pdb ? 'has pdb' : 'no pdb']).toEqual([manifest.metadata.name, replicas, 'has pdb']);
    }
  });

  test('no workload with a single replica has a disruption budget (it would block node drains)', () => {
    const pdbNames = manifests.filter((m) => m.kind === 'PodDisruptionBudget').map((p) => p.metadata.name);
    for (const { manifest } of owners.filter((o) => o.replicas === 1 && o.manifest.kind !== 'Job')) {
      const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === manifest.metadata.name);
      if (!hpa || hpa.spec.minReplicas === 1) expect(pdbNames).not.toContain(manifest.metadata.name);
    }
  });

  test('every ServiceAccount a pod uses exists and carries its IAM role', () => {
    const sas = manifests.filter((m) => m.kind === 'ServiceAccount');
    for (const { manifest, podSpec } of owners) {
      const sa = sas.find((s) => s.metadata.name === podSpec.serviceAccountName && s.metadata.namespace === manifest.metadata.namespace);
      expect(sa?.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^<.+-role-arn>$/);
    }
  });

  test('every Secret a pod reads is written by an ExternalSecret in its namespace', () => {
    const written = new Set(
      manifests
        .filter((m) => m.kind === 'ExternalSecret')
        .flatMap((m) => Object.keys(m.spec.target.template.data).map((k) => `${m.metadata.namespace}/${m.spec.target.name}/${k}`)),
    );
    for (const { owner, c } of containers) {
      for (const value of Object.values(envOf(c)).filter((v) => v.startsWith('secret:'))) {
        expect(written).toContain(`${owner.manifest.metadata.namespace}/${value.slice('secret:'.length)}`);
      }
    }
  });

  test('no manifest holds a secret value: only ARNs and templates reach the cluster', () => {
    const text = JSON.stringify(manifests);
    expect(text).not.toMatch(/sk-[A-Za-z0-9]{16,}|AKIA[0-9A-Z]{16}|aws_secret_access_key/i);
    for (const m of manifests) expect(m.kind).not.toBe('Secret');
  });
});

describe('createPlatformCharts', () => {
  test('creates the four charts and, where enabled, Open WebUI, with stable ids, in apply order', () => {
    const app = Testing.app();
    const cfg = config('dev');
    const charts = createPlatformCharts(app, { config: cfg, aws: placeholderAwsValues(cfg) });
    expect(Object.keys(charts).sort()).toEqual(['base', 'clickhouse', 'langfuse', 'litellm', 'openWebUi']);
    expect(CHART_ORDER).toEqual(['base', 'clickhouse', 'langfuse', 'litellm']);
    expect(chartsInApplyOrder(charts).map(([name]) => name)).toEqual([...CHART_ORDER, 'openWebUi']);
    for (const [name, chart] of chartsInApplyOrder(charts)) expect(chart.node.id).toBe(CHART_IDS[name]);
    expect(charts.openWebUi?.node.dependencies).toContain(charts.litellm);
    expect(charts.litellm.node.dependencies).toContain(charts.langfuse);
    expect(charts.langfuse.node.dependencies).toContain(charts.clickhouse);
    expect(charts.clickhouse.node.dependencies).toContain(charts.base);
  });

  test('config checksums are the same with CloudFormation tokens as with placeholders (no spurious rollouts)', () => {
    for (const env of ENVIRONMENT_NAMES) {
      const cfg = config(env);
      const checksums = (aws: PlatformAwsValues) =>
        podOwners(allManifests(cfg, aws)).map((o) => o.manifest.spec.template.metadata.annotations?.[CONFIG_CHECKSUM_ANNOTATION]);
      expect(checksums(tokenLike(placeholderAwsValues(cfg)))).toEqual(checksums(placeholderAwsValues(cfg)));
    }
  });

  test('a config change changes the checksum on the pod template', () => {
    const cfg = config('dev');
    const before = podOwners(allManifests(cfg)).find((o) => o.manifest.metadata.name === 'litellm');
    const changed = { ...cfg, models: cfg.models.slice(0, 1) };
    const after = podOwners(allManifests(changed)).find((o) => o.manifest.metadata.name === 'litellm');
    expect(after?.manifest.spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).not.toBe(
      before?.manifest.spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION],
    );
  });
});

describe('placeholderAwsValues', () => {
  test('gives readable placeholders for every AWS value and the secret names of keyed models', () => {
    const cfg = config('dev');
    const aws = placeholderAwsValues({
      ...cfg,
      models: [...cfg.models, { provider: 'gemini', name: 'gemini-pro', model: 'gemini-2.5-pro', apiKeySecretName: 'shared/gemini' }],
    });
    expect(aws.roleArns.litellm).toBe('<litellm-role-arn>');
    expect(aws.database.host).toBe('<aurora-endpoint>');
    expect(aws.region).toBe('us-east-1');
    expect(aws.modelApiKeySecretNames).toEqual({ 'gemini-pro': 'shared/gemini' });
  });
});

describe.each(ENVIRONMENT_NAMES)("each application's Valkey identity (%s)", (env) => {
  const cfg = config(env);
  const aws = placeholderAwsValues(cfg);
  const c = createPlatformCharts(Testing.app(), { config: cfg, aws });
  /** Every Secrets Manager ARN an application's ExternalSecrets read. */
  const readBy = (chart: keyof typeof c) =>
    (Testing.synth(c[chart]!) as Manifest[])
      .filter((m) => m.kind === 'ExternalSecret')
      .flatMap((m) => (m.spec.data as Manifest[]).map((d) => d.remoteRef.key as string));
  const own = {
    litellm: aws.cache.litellmCredentialsArn,
    langfuse: aws.cache.langfuseCredentialsArn,
    openWebUi: aws.openWebUi?.cacheCredentialsArn,
  } as const;
  const apps = (Object.keys(own) as (keyof typeof own)[]).filter((a) => own[a] !== undefined && c[a] !== undefined);

  test.each(apps)('%s signs in with its own credentials and never reads another application’s', (app) => {
    const keys = readBy(app);
    expect(keys).toContain(own[app]);
    for (const other of apps.filter((a) => a !== app)) expect([other, keys.includes(own[other]!)]).toEqual([other, false]);
  });
});
