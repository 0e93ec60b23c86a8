import { Testing } from 'cdk8s';
import { ENVIRONMENT_NAMES, charts, config, find, type Manifest } from './support/charts';

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

  test('turns on network policy enforcement for EKS Auto Mode', () => {
    expect(find(manifests, 'ConfigMap', 'amazon-vpc-cni')).toMatchObject({
      metadata: { namespace: 'kube-system' },
      data: { 'enable-network-policy-controller': 'true' },
    });
  });

  test('denies all traffic by default and allows DNS in every namespace it isolates', () => {
    for (const namespace of ['litellm', 'langfuse', 'external-secrets']) {
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

  test('limits database and cache egress to the VPC', () => {
    const litellm = find(manifests, 'NetworkPolicy', 'litellm-egress');
    expect(litellm.spec.egress[0]).toEqual({
      to: [{ ipBlock: { cidr: cfg.network.cidr } }],
      ports: [
        { protocol: 'TCP', port: 5432 },
        { protocol: 'TCP', port: 6379 },
      ],
    });
  });

  test('reads Secrets Manager in the environment region with the controller identity, for the workload namespaces only', () => {
    expect(find(manifests, 'ClusterSecretStore', 'aws-secrets-manager').spec).toEqual({
      provider: { aws: { service: 'SecretsManager', region: cfg.region } },
      // Open WebUI's namespace too: dev and prod enable it.
      conditions: [{ namespaces: ['litellm', 'langfuse', 'open-webui'] }],
    });
  });
});
