import { Testing } from 'cdk8s';
import { TargetGroupBinding, targetGroupBindingSchema } from '../../../k8s/imports/eks-auto-mode';

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
