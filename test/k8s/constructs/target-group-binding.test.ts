import { Testing } from 'cdk8s';
import { bindServiceToLoadBalancers, bindServiceToTargetGroup } from '../../../k8s/constructs/target-group-binding';
import { targetGroupBindingSchema } from '../../../k8s/imports/eks-auto-mode';

const service = { name: 'app', port: 8080 };

describe('bindServiceToTargetGroup', () => {
  test("registers the Service's pods by IP on its port, as an Auto Mode binding that declares no networking", () => {
    const chart = Testing.chart();
    bindServiceToTargetGroup(chart, 'Binding', { targetGroupArn: '<tg-arn>', name: 'app-public', namespace: 'ns', service });
    const [binding] = Testing.synth(chart);
    expect(targetGroupBindingSchema.parse(binding)).toEqual({
      apiVersion: 'eks.amazonaws.com/v1',
      kind: 'TargetGroupBinding',
      metadata: { name: 'app-public', namespace: 'ns' },
      spec: { targetGroupARN: '<tg-arn>', targetType: 'ip', serviceRef: { name: 'app', port: 8080 } },
    });
  });

  test('builds nothing without a target group', () => {
    const chart = Testing.chart();
    expect(bindServiceToTargetGroup(chart, 'Binding', { name: 'app', namespace: 'ns', service })).toBeUndefined();
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('binds one Service to two target groups under two names', () => {
    const chart = Testing.chart();
    bindServiceToTargetGroup(chart, 'Internal', { targetGroupArn: '<internal>', name: 'app', namespace: 'ns', service });
    bindServiceToTargetGroup(chart, 'Public', { targetGroupArn: '<public>', name: 'app-public', namespace: 'ns', service });
    expect(Testing.synth(chart).map((b) => [b.metadata.name, b.spec.targetGroupARN, b.spec.serviceRef])).toEqual([
      ['app', '<internal>', service],
      ['app-public', '<public>', service],
    ]);
  });
});

describe('bindServiceToLoadBalancers', () => {
  const bindings = (targetGroups: { internal?: string; public?: string }) => {
    const chart = Testing.chart();
    bindServiceToLoadBalancers(chart, 'ns', service, targetGroups);
    return Testing.synth(chart).map((b) => [b.metadata.name, b.metadata.namespace, b.spec.targetGroupARN]);
  };

  test('binds the Service behind the internal load balancer under its own name, and behind the public one under -public', () => {
    expect(bindings({ internal: '<internal>', public: '<public>' })).toEqual([
      ['app', 'ns', '<internal>'],
      ['app-public', 'ns', '<public>'],
    ]);
  });

  test('binds nothing to a load balancer that is absent', () => {
    expect(bindings({ internal: '<internal>' })).toEqual([['app', 'ns', '<internal>']]);
    expect(bindings({ public: '<public>' })).toEqual([['app-public', 'ns', '<public>']]);
    expect(bindings({})).toEqual([]);
  });
});
