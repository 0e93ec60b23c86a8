import { LABELS, LANGFUSE_INTERNAL_URL, serviceHost } from '../../k8s/endpoints';

describe('endpoints', () => {
  test('builds cluster DNS names', () => {
    expect(serviceHost('svc', 'ns')).toBe('svc.ns.svc.cluster.local');
    expect(LANGFUSE_INTERNAL_URL).toBe('http://langfuse-web.langfuse.svc.cluster.local:3000');
  });

  test('gives every workload distinct selector labels', () => {
    const keys = Object.values(LABELS).map((l) => JSON.stringify(l));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
