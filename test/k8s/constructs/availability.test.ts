import { Testing } from 'cdk8s';
import { Availability } from '../../../k8s/constructs/availability';
import { ENVIRONMENT_NAMES, allManifests, autoscalerOf, config } from '../support/charts';

const synth = (props: Partial<ConstructorParameters<typeof Availability>[2]>) => {
  const chart = Testing.chart();
  new Availability(chart, 'A', { name: 'app', namespace: 'ns', selector: { app: 'x' }, minReplicas: 1, ...props });
  return Testing.synth(chart);
};

describe('Availability', () => {
  test('no budget and no autoscaler for one fixed replica', () => {
    expect(synth({})).toEqual([]);
  });

  test('a budget of one unavailable pod from two replicas up', () => {
    expect(synth({ minReplicas: 2 })).toEqual([
      expect.objectContaining({ kind: 'PodDisruptionBudget', spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'x' } } } }),
    ]);
  });

  test('an autoscaler when the maximum is above the minimum', () => {
    const [hpa] = synth({ maxReplicas: 3, deploymentName: 'app' });
    expect(hpa).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      spec: { minReplicas: 1, maxReplicas: 3, scaleTargetRef: { name: 'app' } },
    });
  });

  test('rejects a maximum below the minimum and an autoscaler without a target', () => {
    expect(() => synth({ minReplicas: 3, maxReplicas: 2 })).toThrow('maxReplicas: 2 is below minReplicas 3 (use a value >= minReplicas)');
    expect(() => synth({ maxReplicas: 2 })).toThrow(
      'deploymentName: is required when maxReplicas is above minReplicas (the autoscaler needs a target)',
    );
  });

  test('a Deployment sets spec.replicas only when no autoscaler owns the count', () => {
    expect(Availability.specReplicas({ minReplicas: 2 })).toBe(2);
    expect(Availability.specReplicas({ minReplicas: 2, maxReplicas: 2 })).toBe(2);
    expect(Availability.specReplicas({ minReplicas: 2, maxReplicas: 5 })).toBeUndefined();
  });
});

// Kubernetes docs, "Horizontal Pod Autoscaling" > "Migrating Deployments and StatefulSets to horizontal
// autoscaling" (kubernetes/website, read 2026-09): a manifest that sets spec.replicas beside an HPA scales the
// workload back to that number on every apply. The kubectl provider applies the charts on every update.
describe.each(ENVIRONMENT_NAMES)('autoscaled workloads (%s)', (env) => {
  const manifests = allManifests(config(env));
  const autoscaled = manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind) && autoscalerOf(manifests, m));

  test('no Deployment or StatefulSet an autoscaler scales sets spec.replicas', () => {
    expect(autoscaled.length).toBeGreaterThan(0);
    for (const workload of autoscaled)
      expect([workload.metadata.name, workload.spec.replicas]).toEqual([workload.metadata.name, undefined]);
  });

  test('every autoscaler targets a workload that exists', () => {
    for (const hpa of manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler')) {
      const { kind, name } = hpa.spec.scaleTargetRef;
      const target = manifests.find((m) => m.kind === kind && m.metadata.name === name && m.metadata.namespace === hpa.metadata.namespace);
      expect([name, target ? 'exists' : 'missing']).toEqual([name, 'exists']);
    }
  });
});
