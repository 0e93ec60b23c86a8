import { Testing } from 'cdk8s';
import { BaseChart } from '../../k8s/base-chart';
import { placeholderAwsValues } from '../../k8s/platform-charts';
import { withWebDomain } from '../support/web-config';
import { ENVIRONMENT_NAMES, charts, config, find, type Manifest } from './support/charts';

/** Every ipBlock a policy admits traffic from, with the namespace and name of the policy. */
function ingressBlocks(policies: Manifest[]): { policy: string; cidr: string }[] {
  return policies.flatMap((p) =>
    (p.spec.ingress ?? []).flatMap((rule: Manifest) =>
      (rule.from ?? []).flatMap((peer: Manifest) =>
        peer.ipBlock ? [{ policy: `${p.metadata.namespace}/${p.metadata.name}`, cidr: peer.ipBlock.cidr }] : [],
      ),
    ),
  );
}

describe.each(ENVIRONMENT_NAMES)('BaseChart (%s)', (env) => {
  const cfg = config(env);
  const manifests = Testing.synth(charts(cfg).base) as Manifest[];
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');

  test('matches the snapshot', () => {
    expect(manifests).toMatchSnapshot();
  });

  test('creates the workload namespaces with Pod Security Admission enforcing restricted', () => {
    for (const name of ['litellm', 'langfuse']) {
      expect(find(manifests, 'Namespace', name).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    }
    expect(manifests.filter((m) => m.kind === 'Namespace' && m.metadata.name === 'external-secrets')).toEqual([]);
  });

  test('provides an encrypted gp3 storage class on the Auto Mode EBS provisioner', () => {
    expect(find(manifests, 'StorageClass', 'ebs-gp3-encrypted')).toMatchObject({
      provisioner: 'ebs.csi.eks.amazonaws.com',
      parameters: { type: 'gp3', encrypted: 'true' },
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
    });
  });

  test("tags every volume with this environment's cost and backup tags, never another environment's", () => {
    const { parameters } = find(manifests, 'StorageClass', 'ebs-gp3-encrypted');
    expect(parameters).toMatchObject({ tagSpecification_1: `genai:environment=${env}`, tagSpecification_2: `genai:backup=${env}` });
    const other = env === 'prod' ? 'dev' : 'prod';
    expect(JSON.stringify(parameters)).not.toContain(`=${other}`);
  });

  test('turns on network policy enforcement for EKS Auto Mode', () => {
    expect(find(manifests, 'ConfigMap', 'amazon-vpc-cni')).toMatchObject({
      metadata: { namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': 'true' },
    });
  });

  test('denies all traffic by default and allows DNS in every namespace it isolates', () => {
    for (const namespace of ['litellm', 'langfuse', 'open-webui', 'external-secrets']) {
      expect(policies).toContainEqual(
        expect.objectContaining({
          metadata: expect.objectContaining({ name: 'default-deny', namespace }),
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
        }),
      );
      expect(policies.find((p) => p.metadata.name === 'allow-dns' && p.metadata.namespace === namespace)).toBeDefined();
    }
  });

  test('never lets pods reach the instance metadata endpoint through an "anywhere" rule', () => {
    for (const p of policies) {
      for (const rule of p.spec.egress ?? []) {
        for (const peer of rule.to ?? []) {
          if (peer.ipBlock?.cidr === '0.0.0.0/0') expect(peer.ipBlock.except).toContain('169.254.169.254/32');
        }
      }
    }
  });

  test('limits database and cache egress to the data subnets', () => {
    const aws = placeholderAwsValues(cfg);
    for (const name of ['litellm-egress', 'langfuse-web-egress', 'langfuse-worker-egress']) {
      expect(find(manifests, 'NetworkPolicy', name).spec.egress[0]).toEqual({
        to: aws.subnetCidrs.data.map((cidr) => ({ ipBlock: { cidr } })),
        ports: [
          { protocol: 'TCP', port: 5432 },
          { protocol: 'TCP', port: 6379 },
        ],
      });
    }
  });

  test('gives each workload namespace its own SecretStore, authenticated as its own secrets-sync account and role', () => {
    const stores = manifests.filter((m) => m.kind === 'SecretStore');
    // Open WebUI's namespace too: dev and prod enable it.
    expect(stores.map((s) => s.metadata.namespace)).toEqual(['litellm', 'langfuse', 'open-webui']);
    for (const store of stores) {
      expect(store.spec).toEqual({
        provider: {
          aws: { service: 'SecretsManager', region: cfg.region, auth: { jwt: { serviceAccountRef: { name: 'secrets-sync' } } } },
        },
      });
      const account = manifests.find((m) => m.kind === 'ServiceAccount' && m.metadata.namespace === store.metadata.namespace);
      expect(account).toMatchObject({
        metadata: {
          name: 'secrets-sync',
          annotations: { 'eks.amazonaws.com/role-arn': `<${store.metadata.namespace}-secrets-sync-role-arn>` },
        },
        automountServiceAccountToken: false,
      });
    }
    expect(manifests.filter((m) => m.kind === 'ClusterSecretStore')).toEqual([]);
  });

  test('denies pod ingress from the whole VPC range: every ipBlock a policy admits is one subnet of a load balancer or the control plane', () => {
    const aws = placeholderAwsValues(cfg);
    const blocks = ingressBlocks(policies);
    expect(blocks.map((b) => b.cidr)).not.toContain(cfg.network.cidr);
    expect(blocks.filter((b) => b.policy.startsWith('litellm/')).map((b) => b.cidr)).toEqual([...aws.subnetCidrs.workloads]);
    expect(blocks.filter((b) => b.policy.startsWith('langfuse/')).map((b) => b.cidr)).toEqual([...aws.subnetCidrs.workloads]);
    expect(find(manifests, 'NetworkPolicy', 'external-secrets-webhook').spec.ingress).toEqual([
      { from: aws.subnetCidrs.workloads.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: 10250 }] },
    ]);
  });
});

describe('BaseChart with a web domain', () => {
  const cfg = withWebDomain(config('dev'));
  const aws = placeholderAwsValues(cfg);
  const manifests = Testing.synth(charts(cfg).base) as Manifest[];
  const blocks = ingressBlocks(manifests.filter((m) => m.kind === 'NetworkPolicy'));

  test('admits LiteLLM from the internal load balancer (workload subnets) and the web one (public subnets)', () => {
    expect(blocks.filter((b) => b.policy === 'litellm/litellm-from-load-balancer').map((b) => b.cidr)).toEqual([
      ...aws.subnetCidrs.workloads,
      ...aws.subnetCidrs.public,
    ]);
  });

  test('admits the usage agent, by its namespace and the labels its operator gives it, to the gateway pods on their own port only', () => {
    const policy = find(manifests, 'NetworkPolicy', 'litellm-from-metrics-collector');
    expect(policy.metadata.namespace).toBe('litellm');
    // The gateway only: the migration Job's pods stay unreachable.
    expect(policy.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/component': 'gateway' },
    });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'amazon-cloudwatch' } },
            podSelector: {
              matchLabels: { 'app.kubernetes.io/name': 'litellm-usage-metrics', 'app.kubernetes.io/component': 'amazon-cloudwatch-agent' },
            },
          },
        ],
        ports: [{ protocol: 'TCP', port: 4000 }],
      },
    ]);
  });

  test("denies the add-on's other agents and every other pod: no policy admits the amazon-cloudwatch namespace without the usage agent's name", () => {
    const peers = manifests
      .filter((m) => m.kind === 'NetworkPolicy')
      .flatMap((m) => (m.spec.ingress ?? []).flatMap((r: Manifest) => r.from ?? []))
      .filter((p: Manifest) => p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'amazon-cloudwatch');
    expect(peers.length).toBeGreaterThan(0);
    for (const peer of peers) expect(peer.podSelector.matchLabels['app.kubernetes.io/name']).toBe('litellm-usage-metrics');
  });

  test('admits the Langfuse UI from the web load balancer only: no internal binding, so not from the workload subnets', () => {
    expect(aws.langfuseTargetGroupArn).toBeUndefined();
    expect(blocks.filter((b) => b.policy.startsWith('langfuse/')).map((b) => b.cidr)).toEqual([...aws.subnetCidrs.public]);
  });
});

describe('BaseChart checks', () => {
  const cfg = config('dev');
  const aws = placeholderAwsValues(cfg);

  test('refuses an empty subnet group, which would leave a rule that admits every source', () => {
    const chart = Testing.app();
    expect(() => new BaseChart(chart, 'base', { config: cfg, aws: { ...aws, subnetCidrs: { ...aws.subnetCidrs, public: [] } } })).toThrow(
      'aws.subnetCidrs: public is empty (pass one CIDR per subnet of the group, from the network stack)',
    );
  });

  test("refuses Open WebUI without its AWS values (its namespace's store role)", () => {
    const { openWebUi: _, ...rest } = aws;
    expect(() => new BaseChart(Testing.app(), 'base', { config: cfg, aws: rest })).toThrow(
      "aws.openWebUi: is missing (Open WebUI is enabled; pass its secrets-sync role for its namespace's store)",
    );
  });
});
