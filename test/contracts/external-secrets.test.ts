/**
 * External Secrets Operator, as pinned in k8s/versions.ts: what the chart, its CRDs and its controller do at
 * that release, and our rendered manifests and Helm values checked against it.
 *
 * Upstream: github.com/external-secrets/external-secrets, tag helm-chart-2.9.0 (commit cc5bfbc2, 2026-08-08).
 * The facts below are restated in our own words from the files each test names.
 */
import { EXTERNAL_SECRETS_WEBHOOK_PORT } from '../../k8s/base-chart';
import { externalSecretsHelmValues } from '../../k8s/external-secrets-values';
import { IDENTITIES } from '../../k8s/identities';
import { HELM_CHARTS } from '../../k8s/versions';
import { ENVIRONMENT_NAMES, allManifests, config, type Manifest } from '../k8s/support/charts';

const ROLE = '<secrets-sync-role-arn>';
const values = externalSecretsHelmValues(ROLE) as Manifest;
const rendered = ENVIRONMENT_NAMES.map((env) => ({ env, manifests: allManifests(config(env)) }));
const ofKind = (kind: string) => rendered.flatMap(({ manifests }) => manifests.filter((m) => m.kind === kind));
const externalSecrets = ofKind('ExternalSecret');
const stores = ofKind('ClusterSecretStore');

/** Keys of the chart's values.yaml at 2.9.0 that we set. `free` keys take any map (rendered as given). */
const CHART_VALUE_KEYS: Readonly<Record<string, 'scalar' | 'free'>> = {
  installCRDs: 'scalar',
  processClusterExternalSecret: 'scalar',
  processClusterPushSecret: 'scalar',
  processPushSecret: 'scalar',
  'crds.createClusterExternalSecret': 'scalar',
  'crds.createClusterPushSecret': 'scalar',
  'crds.createPushSecret': 'scalar',
  'serviceAccount.create': 'scalar',
  'serviceAccount.name': 'scalar',
  'serviceAccount.annotations': 'free',
  podSecurityContext: 'free',
  securityContext: 'free',
  resources: 'free',
  'webhook.podSecurityContext': 'free',
  'webhook.securityContext': 'free',
  'webhook.resources': 'free',
  'certController.podSecurityContext': 'free',
  'certController.securityContext': 'free',
  'certController.resources': 'free',
};

/** Leaf paths of a values object, stopping at keys the chart renders as a whole map. */
function valuePaths(node: Manifest, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (CHART_VALUE_KEYS[path] === 'free' || value === null || typeof value !== 'object' || Array.isArray(value)) return [path];
    return valuePaths(value as Manifest, path);
  });
}

/** The v1 ExternalSecret CRD's enums and patterns for the fields we render (config/crds/bases/...externalsecrets.yaml). */
const EXTERNAL_SECRET_CRD = {
  storeKinds: ['SecretStore', 'ClusterSecretStore'],
  creationPolicies: ['Owner', 'Orphan', 'Merge', 'None', 'CreateOrMerge'],
  deletionPolicies: ['Delete', 'Merge', 'Retain'],
  engineVersions: ['v2'],
  mergePolicies: ['Replace', 'Merge'],
  secretKey: /^[-._a-zA-Z0-9]+$/,
  specFields: ['secretStoreRef', 'target', 'refreshPolicy', 'refreshInterval', 'data', 'dataFrom'],
  targetFields: ['name', 'creationPolicy', 'deletionPolicy', 'template', 'immutable', 'manifest'],
  templateFields: ['type', 'engineVersion', 'metadata', 'mergePolicy', 'data', 'templateFrom'],
  remoteRefFields: ['key', 'property', 'version', 'metadataPolicy', 'conversionStrategy', 'decodingStrategy', 'nullBytePolicy'],
} as const;

describe('External Secrets Operator (chart 2.9.0)', () => {
  test('the pinned chart is a release that exists, from the repository its README names', () => {
    // Source: tag helm-chart-2.9.0, deploy/charts/external-secrets/Chart.yaml (version 2.9.0, appVersion v2.9.0)
    // and README.md (`helm repo add external-secrets https://charts.external-secrets.io`).
    expect(HELM_CHARTS.externalSecrets).toMatchObject({
      repository: 'https://charts.external-secrets.io',
      chart: 'external-secrets',
      version: '2.9.0',
    });
  });

  test('its CRDs serve external-secrets.io/v1 only, so every object we render uses v1', () => {
    // Source: config/crds/bases/external-secrets.io_externalsecrets.yaml and ..._clustersecretstores.yaml at
    // helm-chart-2.9.0: v1 served and stored, v1beta1 not served (values.yaml crds.unsafeServeV1Beta1: false).
    expect(externalSecrets.length).toBeGreaterThan(0);
    expect(stores.length).toBeGreaterThan(0);
    for (const m of [...externalSecrets, ...stores]) expect(m.apiVersion).toBe('external-secrets.io/v1');
    expect(valuePaths(values)).not.toContain('crds.unsafeServeV1Beta1');
  });

  test('every Helm value we set is a key of the chart values at that release', () => {
    // Source: deploy/charts/external-secrets/values.yaml and values.schema.json at helm-chart-2.9.0. The schema
    // does not forbid unknown keys, so a misspelt key would be silently ignored by Helm.
    const unknown = valuePaths(values).filter((path) => !CHART_VALUE_KEYS[path]);
    expect(unknown).toEqual([]);
  });

  test('a CRD the chart is told not to install has its reconciler turned off too', () => {
    // Source: values.yaml at helm-chart-2.9.0, crds.create* comments: setting one to false requires the matching
    // process* value to be false, or the controller watches a kind the API server does not have.
    const pairs = [
      ['createClusterExternalSecret', 'processClusterExternalSecret'],
      ['createClusterPushSecret', 'processClusterPushSecret'],
      ['createPushSecret', 'processPushSecret'],
    ] as const;
    for (const [crd, reconciler] of pairs) {
      if (values.crds?.[crd] === false) expect([reconciler, values[reconciler]]).toEqual([reconciler, false]);
    }
    // The kinds we do use keep their CRDs (default true).
    expect(values.crds?.createClusterSecretStore).not.toBe(false);
    expect(values.installCRDs).toBe(true);
  });

  test('security contexts reach the pods only with `enabled: true`, and are rendered without that key', () => {
    // Source: templates/deployment.yaml, webhook-deployment.yaml, cert-controller-deployment.yaml and the
    // renderSecurityContext helper in templates/_helpers.tpl at helm-chart-2.9.0: a context is rendered when
    // `enabled` is true and it has another key; `enabled` itself is dropped.
    for (const part of [values, values.webhook, values.certController]) {
      for (const context of [part.podSecurityContext, part.securityContext]) {
        expect(context.enabled).toBe(true);
        expect(Object.keys(context).length).toBeGreaterThan(1);
      }
    }
  });

  test('the controller service account is the one IAM trusts, created by the chart under serviceAccount.name', () => {
    // Source: templates/serviceaccount.yaml at helm-chart-2.9.0 (name from serviceAccount.name, annotations copied
    // as given); the release namespace is the chart's namespace.
    expect(values.serviceAccount).toEqual({
      create: true,
      name: IDENTITIES.secretsSync.serviceAccount,
      annotations: { 'eks.amazonaws.com/role-arn': ROLE },
    });
    expect(HELM_CHARTS.externalSecrets.namespace).toBe(IDENTITIES.secretsSync.namespace);
  });

  test('the admission webhook listens on port 10250, which the base chart opens to the control plane', () => {
    // Source: values.yaml at helm-chart-2.9.0, webhook.port default 10250; we do not override it.
    expect(values.webhook.port).toBeUndefined();
    expect(EXTERNAL_SECRETS_WEBHOOK_PORT).toBe(10250);
  });

  test('every ExternalSecret uses only fields and values the v1 CRD schema defines', () => {
    // Source: config/crds/bases/external-secrets.io_externalsecrets.yaml at helm-chart-2.9.0 (v1 schema).
    const crd = EXTERNAL_SECRET_CRD;
    const within = (keys: object, allowed: readonly string[]) => Object.keys(keys).filter((k) => !allowed.includes(k));
    for (const es of externalSecrets) {
      const { spec } = es;
      expect(within(spec, crd.specFields)).toEqual([]);
      expect(crd.storeKinds).toContain(spec.secretStoreRef.kind);
      expect(within(spec.target, crd.targetFields)).toEqual([]);
      expect(crd.creationPolicies).toContain(spec.target.creationPolicy);
      expect(crd.deletionPolicies).toContain(spec.target.deletionPolicy);
      expect(within(spec.target.template, crd.templateFields)).toEqual([]);
      expect(crd.engineVersions).toContain(spec.target.template.engineVersion);
      expect(crd.mergePolicies).toContain(spec.target.template.mergePolicy);
      for (const value of Object.values(spec.target.template.data)) expect(typeof value).toBe('string');
      for (const item of spec.data) {
        expect(item.secretKey).toMatch(crd.secretKey);
        expect(within(item.remoteRef, crd.remoteRefFields)).toEqual([]);
        expect(typeof item.remoteRef.key).toBe('string');
      }
    }
  });

  test('the admission webhook accepts our ExternalSecrets: data is present, and Delete comes only with Owner', () => {
    // Source: apis/externalsecrets/v1/externalsecret_validator.go at helm-chart-2.9.0: it rejects an
    // ExternalSecret with neither data nor dataFrom, and deletionPolicy Delete unless creationPolicy is Owner.
    for (const es of externalSecrets) {
      expect((es.spec.data?.length ?? 0) + (es.spec.dataFrom?.length ?? 0)).toBeGreaterThan(0);
      if (es.spec.target.deletionPolicy === 'Delete') expect(es.spec.target.creationPolicy).toBe('Owner');
    }
  });

  test('templates refer only to values the ExternalSecret fetches (engine v2 fails on a missing key)', () => {
    // Source: runtime/template/v2/template.go at helm-chart-2.9.0: Go text/template with missingkey=error, so
    // `{{ .name }}` for a name not among the fetched data fails the sync and no Secret is written.
    for (const es of externalSecrets) {
      const fetched = new Set(es.spec.data.map((d: Manifest) => d.secretKey));
      for (const [key, template] of Object.entries(es.spec.target.template.data as Record<string, string>)) {
        const used = [...template.matchAll(/\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
        expect(used.length).toBeGreaterThan(0);
        for (const name of used) expect([es.metadata.name, key, name, fetched.has(name)]).toEqual([es.metadata.name, key, name, true]);
      }
    }
  });

  test('the store reads Secrets Manager with the controller pod credentials, for the namespaces that use it', () => {
    // Source: config/crds/bases/external-secrets.io_clustersecretstores.yaml (provider.aws requires service and
    // region; conditions[].namespaces limits who may use the store) and providers/v1/aws/auth/auth.go at
    // helm-chart-2.9.0 (no `auth`: the AWS SDK default chain of the controller pod, i.e. its IRSA role).
    for (const store of stores) {
      expect(store.spec.provider.aws).toEqual({ service: 'SecretsManager', region: expect.any(String) });
      const allowed = store.spec.conditions.flatMap((c: Manifest) => c.namespaces);
      for (const es of externalSecrets.filter((e) => e.spec.secretStoreRef.name === store.metadata.name)) {
        expect(es.spec.secretStoreRef.kind).toBe('ClusterSecretStore');
        expect(allowed).toContain(es.metadata.namespace);
      }
    }
  });

  test('refresh intervals are Go durations', () => {
    // Source: the v1 CRD (refreshInterval: string, default 1h0m0s, parsed as a Go time.Duration).
    for (const es of externalSecrets) expect(es.spec.refreshInterval).toMatch(/^(\d+(ns|us|µs|ms|s|m|h))+$/);
  });
});
