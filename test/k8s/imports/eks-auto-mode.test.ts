import { Testing } from 'cdk8s';
import {
  NodeClass,
  NodePool,
  TargetGroupBinding,
  nodeClassSchema,
  nodePoolSchema,
  targetGroupBindingSchema,
} from '../../../k8s/imports/eks-auto-mode';

describe('TargetGroupBinding', () => {
  test('renders under the EKS Auto Mode API group and passes its schema', () => {
    const chart = Testing.chart();
    new TargetGroupBinding(chart, 'Tgb', {
      metadata: { name: 'svc', namespace: 'ns' },
      spec: { targetGroupARN: 'arn:tg', targetType: 'ip', serviceRef: { name: 'svc', port: 80 } },
    });
    const [tgb] = Testing.synth(chart);
    expect(tgb.apiVersion).toBe('eks.amazonaws.com/v1');
    expect(targetGroupBindingSchema.safeParse(tgb).success).toBe(true);
    expect(targetGroupBindingSchema.safeParse({ ...tgb, apiVersion: 'elbv2.k8s.aws/v1beta1' }).success).toBe(false);
  });

  test('rejects a binding without targetType, which Auto Mode requires', () => {
    const chart = Testing.chart();
    new TargetGroupBinding(chart, 'Tgb', {
      metadata: { name: 'svc', namespace: 'ns' },
      spec: { targetGroupARN: 'arn:tg', targetType: 'ip', serviceRef: { name: 'svc', port: 80 } },
    });
    const [tgb] = Testing.synth(chart);
    const { targetType: _omitted, ...spec } = tgb.spec;
    expect(targetGroupBindingSchema.safeParse({ ...tgb, spec }).success).toBe(false);
  });
});

describe('NodeClass and NodePool', () => {
  const chart = Testing.chart();
  new NodeClass(chart, 'Class', {
    metadata: { name: 'ours' },
    spec: { role: 'r', subnetSelectorTerms: [{ id: 's' }], securityGroupSelectorTerms: [{ id: 'g' }], tags: { team: 'x' } },
  });
  new NodePool(chart, 'Pool', {
    metadata: { name: 'ours' },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'ours' },
          requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }],
        },
      },
    },
  });
  const [nodeClass, nodePool] = Testing.synth(chart);

  test('render under eks.amazonaws.com/v1 and karpenter.sh/v1 and pass their schemas', () => {
    expect([nodeClass.apiVersion, nodePool.apiVersion]).toEqual(['eks.amazonaws.com/v1', 'karpenter.sh/v1']);
    expect(nodeClassSchema.safeParse(nodeClass).success).toBe(true);
    expect(nodePoolSchema.safeParse(nodePool).success).toBe(true);
  });

  test.each(['kubernetes.io/cluster/genai-dev', 'karpenter.sh/nodepool', 'karpenter.sh/nodeclaim', 'eks.amazonaws.com/nodeclass'])(
    'rejects a NodeClass tag Auto Mode reserves (%s)',
    (key) => {
      expect(nodeClassSchema.safeParse({ ...nodeClass, spec: { ...nodeClass.spec, tags: { [key]: 'x' } } }).success).toBe(false);
    },
  );

  test('rejects a NodeClass without the required role, subnets or security groups', () => {
    for (const field of ['role', 'subnetSelectorTerms', 'securityGroupSelectorTerms']) {
      const { [field]: _omitted, ...spec } = nodeClass.spec;
      expect(nodeClassSchema.safeParse({ ...nodeClass, spec }).success).toBe(false);
    }
  });

  test('rejects the built-in names: a class named default, a pool named system or general-purpose', () => {
    expect(nodeClassSchema.safeParse({ ...nodeClass, metadata: { name: 'default' } }).success).toBe(false);
    for (const name of ['system', 'general-purpose'])
      expect(nodePoolSchema.safeParse({ ...nodePool, metadata: { name } }).success).toBe(false);
  });
});
