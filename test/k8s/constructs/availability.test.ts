import { Testing } from 'cdk8s';
import { Availability } from '../../../k8s/constructs/availability';

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
});
