/**
 * External Secrets Operator, as pinned in k8s/versions.ts: what the chart, its CRDs and its controller do at
 * that release, and our rendered manifests and Helm values checked against it.
 *
 * Upstream: github.com/external-secrets/external-secrets, tag helm-chart-2.9.0 (commit cc5bfbc2, 2026-08-08), read
 * 2026-11-29 and again 2026-12-06 for SecretStore authentication (providers/v1/aws/auth/auth.go, provider.go,
 * apis/meta/v1/types.go, pkg/controllers/externalsecret/externalsecret_controller.go, cmd/controller/root.go,
 * deploy/charts/external-secrets/values.yaml and templates/). The facts below are restated in our own words.
 */
import { EXTERNAL_SECRETS_WEBHOOK_PORT } from '../../k8s/base-chart';
import { externalSecretsHelmValues } from '../../k8s/external-secrets-values';
import { METADATA_CIDRS } from '../../k8s/constructs/network-policy';
import { IDENTITIES, SECRETS_OPERATOR, SECRETS_SYNC_IDENTITIES } from '../../k8s/identities';
import { HELM_CHARTS } from '../../k8s/versions';
import { ENVIRONMENT_NAMES, charts, config, type Manifest } from '../k8s/support/charts';
import { synthEnvironment } from '../support/app';
import { Testing } from 'cdk8s';

const values = externalSecretsHelmValues() as Manifest;
const rendered = ENVIRONMENT_NAMES.map((env) => {
  const built = charts(config(env));
  const every = [built.base, built.clickhouse, built.langfuse, built.litellm, ...(built.openWebUi ? [built.openWebUi] : [])];
  return { env, manifests: every.flatMap((chart) => Testing.synth(chart) as Manifest[]) };
});
const ofKind = (kind: string) => rendered.flatMap(({ manifests }) => manifests.filter((m) => m.kind === kind));
const externalSecrets = ofKind('ExternalSecret');
const stores = ofKind('SecretStore');
const serviceAccounts = ofKind('ServiceAccount');

/** Keys of the chart's values.yaml at 2.9.0 that we set. `free` keys take any map (rendered as given). */
const CHART_VALUE_KEYS: Readonly<Record<string, 'scalar' | 'free'>> = {
  installCRDs: 'scalar',
  processClusterExternalSecret: 'scalar',
  processClusterPushSecret: 'scalar',
  processPushSecret: 'scalar',
  'crds.createClusterExternalSecret': 'scalar',
  'crds.createClusterPushSecret': 'scalar',
  'crds.createPushSecret': 'scalar',
  'crds.createClusterSecretStore': 'scalar',
  processClusterStore: 'scalar',
  'serviceAccount.create': 'scalar',
  'serviceAccount.name': 'scalar',
  podSecurityContext: 'free',
  securityContext: 'free',
  resources: 'free',
  'webhook.podSecurityContext': 'free',
  'webhook.securityContext': 'free',
  'webhook.resources': 'free',
  'certController.podSecurityContext': 'free',
  'certController.securityContext': 'free',
  'certController.resources': 'free',
  'global.nodeSelector': 'free',
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

  test('the controller, webhook and cert controller each fall back to global.nodeSelector, so one value places all three', () => {
    // Source: external-secrets v2.9.0 (commit 378bdb62) values.yaml (global.nodeSelector: {}; nodeSelector,
    // webhook.nodeSelector, certController.nodeSelector: {}) and templates/deployment.yaml, webhook-deployment.yaml,
    // cert-controller-deployment.yaml: `with .Values.<part>.nodeSelector | default .Values.global.nodeSelector`.
    expect(values.global.nodeSelector).toEqual({ 'karpenter.sh/nodepool': expect.any(String) });
    for (const part of [values, values.webhook, values.certController]) expect(part.nodeSelector).toBeUndefined();
  });

  test('a CRD the chart is told not to install has its reconciler turned off too', () => {
    // Source: values.yaml at helm-chart-2.9.0, crds.create* comments: setting one to false requires the matching
    // process* value to be false, or the controller watches a kind the API server does not have.
    const pairs = [
      ['createClusterExternalSecret', 'processClusterExternalSecret'],
      ['createClusterPushSecret', 'processClusterPushSecret'],
      ['createPushSecret', 'processPushSecret'],
      ['createClusterSecretStore', 'processClusterStore'],
    ] as const;
    for (const [crd, reconciler] of pairs) {
      if (values.crds?.[crd] === false) expect([reconciler, values[reconciler]]).toEqual([reconciler, false]);
    }
    // The kinds we do use keep their CRDs (default true).
    expect(values.crds?.createSecretStore).not.toBe(false);
    expect(values.processSecretStore).not.toBe(false);
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

  test('the controller service account is created by the chart under serviceAccount.name, with no AWS role', () => {
    // Source: templates/serviceaccount.yaml at helm-chart-2.9.0 (name from serviceAccount.name, annotations copied
    // as given); the release namespace is the chart's namespace. Without the role annotation EKS injects no web
    // identity into the controller pod, so its SDK default chain has nothing but instance metadata, which the
    // namespace's egress policy refuses (below).
    expect(values.serviceAccount).toEqual({ create: true, name: SECRETS_OPERATOR.serviceAccount });
    expect(HELM_CHARTS.externalSecrets.namespace).toBe(SECRETS_OPERATOR.namespace);
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

  test('a SecretStore with jwt auth assumes the role annotated on a service account of its own namespace', () => {
    // Source: providers/v1/aws/auth/auth.go at helm-chart-2.9.0, credsFromServiceAccount: the account is looked up in
    // the store's namespace (serviceAccountRef.namespace is read only for a ClusterSecretStore; apis/meta/v1/types.go
    // says the same of the field), its `eks.amazonaws.com/role-arn` annotation is the role (an error without it), the
    // token audience is `sts.amazonaws.com` unless `eks.amazonaws.com/audience` says otherwise, and the controller
    // requests the token (TokenRequest) and calls AssumeRoleWithWebIdentity with it; the chart's ClusterRole grants
    // serviceaccounts/token create (templates/rbac.yaml, rbac.serviceAccountTokenCreate default true).
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) {
      const auth = store.spec.provider.aws.auth;
      expect(auth).toEqual({ jwt: { serviceAccountRef: { name: expect.any(String) } } });
      const account = serviceAccounts.find(
        (sa) => sa.metadata.namespace === store.metadata.namespace && sa.metadata.name === auth.jwt.serviceAccountRef.name,
      );
      expect(account?.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/secrets-sync-role-arn/);
      expect(account?.metadata.annotations['eks.amazonaws.com/audience']).toBeUndefined();
      const identity = IDENTITIES[SECRETS_SYNC_IDENTITIES[store.metadata.namespace as keyof typeof SECRETS_SYNC_IDENTITIES]];
      expect([store.metadata.namespace, auth.jwt.serviceAccountRef.name]).toEqual([identity.namespace, identity.serviceAccount]);
    }
  });

  test('every ExternalSecret reads through the SecretStore of its own namespace, which every workload namespace has', () => {
    // Source: pkg/controllers/secretstore/client_manager.go at helm-chart-2.9.0: a SecretStore reference is resolved in
    // the ExternalSecret's namespace, so a store serves its own namespace only.
    for (const es of externalSecrets) {
      expect(es.spec.secretStoreRef.kind).toBe('SecretStore');
      const store = stores.find((s) => s.metadata.namespace === es.metadata.namespace && s.metadata.name === es.spec.secretStoreRef.name);
      expect([es.metadata.namespace, es.metadata.name, store !== undefined]).toEqual([es.metadata.namespace, es.metadata.name, true]);
    }
    for (const { manifests } of rendered) {
      const namespaces = manifests.filter((m) => m.kind === 'ExternalSecret').map((m) => m.metadata.namespace);
      const storeNamespaces = manifests.filter((m) => m.kind === 'SecretStore').map((m) => m.metadata.namespace);
      expect(new Set(storeNamespaces)).toEqual(new Set(namespaces));
    }
  });

  test('denies a store without auth any credentials: the controller has no role and cannot reach instance metadata', () => {
    // Source: providers/v1/aws/auth/auth.go at helm-chart-2.9.0 (New, constructCredsProvider): with neither jwt nor
    // secretRef the AWS SDK default chain of the controller pod is used. Its account has no role (values above) and
    // the external-secrets namespace's only egress to "anywhere" excludes the metadata endpoints.
    for (const { manifests } of rendered) {
      const egress = manifests.filter(
        (m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === SECRETS_OPERATOR.namespace && m.spec.egress,
      );
      const blocks = egress.flatMap((p) => p.spec.egress.flatMap((r: Manifest) => (r.to ?? []).map((peer: Manifest) => peer.ipBlock)));
      const anywhere = blocks.filter((b) => b?.cidr === '0.0.0.0/0');
      expect(anywhere.length).toBeGreaterThan(0);
      for (const block of anywhere) expect(block.except).toEqual(expect.arrayContaining([...METADATA_CIDRS]));
    }
  });

  test('denies ExternalSecrets that name a ClusterSecretStore: none exists, none can be created, none is reconciled', () => {
    // Source: values.yaml at helm-chart-2.9.0 (crds.createClusterSecretStore false needs processClusterStore false);
    // templates/deployment.yaml passes --enable-cluster-store-reconciler=false for it, and cmd/controller/root.go hands
    // that to the ExternalSecret reconciler as ClusterSecretStoreEnabled, whose shouldSkipClusterSecretStore skips an
    // ExternalSecret naming a ClusterSecretStore (pkg/controllers/externalsecret/externalsecret_controller.go).
    expect(ofKind('ClusterSecretStore')).toEqual([]);
    expect(values.crds.createClusterSecretStore).toBe(false);
    expect(values.processClusterStore).toBe(false);
  });

  test('refresh intervals are Go durations', () => {
    // Source: the v1 CRD (refreshInterval: string, default 1h0m0s, parsed as a Go time.Duration).
    for (const es of externalSecrets) expect(es.spec.refreshInterval).toMatch(/^(\d+(ns|us|µs|ms|s|m|h))+$/);
  });
});

describe('External Secrets: the open-webui namespace cannot obtain the LiteLLM master key (dev, synthesized)', () => {
  const { stage } = synthEnvironment('dev');
  const data = stage.data;
  const resourcesOf = (policy: { document: unknown }): string =>
    JSON.stringify(
      (data.resolve(policy.document) as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.filter((st) =>
        [st.Action].flat().includes('secretsmanager:GetSecretValue'),
      ).map((st) => st.Resource),
    );
  const masterKey = JSON.stringify(data.resolve(data.secrets.secrets.litellmMasterKey.secretArn));

  test('the litellm store may read the master key (the same check that must fail for open-webui)', () => {
    expect(resourcesOf(data.accessPolicies.litellmSecretsSync)).toContain(masterKey);
  });

  test("denies an ExternalSecret in open-webui naming the master key: its only store's role may not read it", () => {
    // The attacker creates an ExternalSecret in open-webui with remoteRef.key = the master key's ARN. The only store
    // there is the open-webui SecretStore, whose account's role has the open-webui access policy attached.
    const owui = charts(config('dev')).openWebUi!;
    const inNamespace = (Testing.synth(owui) as Manifest[])
      .concat(Testing.synth(charts(config('dev')).base) as Manifest[])
      .filter((m) => m.metadata?.namespace === IDENTITIES.openWebUi.namespace && /SecretStore$/.test(m.kind));
    expect(inNamespace.map((m) => [m.kind, m.spec.provider.aws.auth.jwt.serviceAccountRef.name])).toEqual([
      ['SecretStore', IDENTITIES.openWebUiSecretsSync.serviceAccount],
    ]);
    const policy = data.accessPolicies.openWebUiSecretsSync!;
    const granted = resourcesOf(policy);
    expect(granted).not.toContain(masterKey);
    // Names it may read by pattern all sit under this environment's builtin-keys/ and sso/ prefixes: none can match
    // the master key, whose name CloudFormation generates from its logical id.
    const patterns = granted.match(/:secret:[^"]*/g) ?? [];
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(pattern).toMatch(/^:secret:genai-gateway\/dev\/(builtin-keys\/open-webui-|sso\/openWebUi-)/);
  });

  test("the open-webui role trusts only open-webui's secrets-sync account, so another namespace's account cannot assume it", () => {
    const { templates } = synthEnvironment('dev');
    const trust = Object.entries(templates.cluster.findResources('Custom::AWSCDKCfnJson')).filter(([id]) =>
      id.startsWith('OpenWebUiSecretsSyncServiceAccountTrustConditions'),
    );
    expect(trust).toHaveLength(1);
    const value = JSON.stringify(trust[0]![1].Properties.Value);
    expect(value).toContain('system:serviceaccount:open-webui:secrets-sync');
    expect(value).not.toMatch(/system:serviceaccount:(litellm|langfuse):/);
  });
});
