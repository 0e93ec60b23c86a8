import { Testing } from 'cdk8s';
import { AllowPolicy, NamespaceIsolation, httpsAnywhere } from '../../../k8s/constructs/network-policy';

describe('network policy constructs', () => {
  test('NamespaceIsolation denies everything and allows DNS over UDP and TCP', () => {
    const chart = Testing.chart();
    new NamespaceIsolation(chart, 'I', { namespace: 'ns' });
    const [deny, dns] = Testing.synth(chart);
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(dns.spec.egress[0].ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
  });

  test('httpsAnywhere excludes instance metadata and the pod identity agent', () => {
    expect(httpsAnywhere().to?.[0]?.ipBlock?.except).toEqual(['169.254.169.254/32', '169.254.170.23/32']);
  });

  test('AllowPolicy declares only the directions it has rules for and rejects an empty policy', () => {
    const chart = Testing.chart();
    new AllowPolicy(chart, 'P', { name: 'p', namespace: 'ns', podLabels: { a: 'b' }, egress: [httpsAnywhere()] });
    expect(Testing.synth(chart)[0].spec.policyTypes).toEqual(['Egress']);
    expect(() => new AllowPolicy(chart, 'Q', { name: 'q', namespace: 'ns', podLabels: {} })).toThrow(
      'q: has neither ingress nor egress rules (give at least one flow to allow)',
    );
  });
});
