import { metricPublisher, publishScript } from '../../../k8s/constructs/metric-publisher';

const metric = { namespace: 'GenAIPlatform/Test', metricName: 'Things', dimension: 'Environment', unit: 'Count' };
const base = { metric, region: 'eu-west-1', environment: 'dev', resources: {}, volumeMounts: [] };
const envOf = (c: { env?: { name: string; value?: string }[] }) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

describe('metricPublisher', () => {
  test('puts 1, or the number in the result file, with every argument from the environment', () => {
    expect(publishScript({ constant: 1 })).toMatch(/--value 1$/);
    expect(publishScript({ file: '/result/used' })).toMatch(/--value "\$\(cat "\$RESULT_FILE"\)"$/);
    for (const script of [publishScript({ constant: 1 }), publishScript({ file: '/r' })]) {
      expect(script.startsWith('set -eu\n')).toBe(true);
      expect(script).toContain('--dimensions "$METRIC_DIMENSION=$ENVIRONMENT" --unit "$METRIC_UNIT"');
    }
  });

  test('names the metric, region and environment in plain variables, and the result file only when it reads one', () => {
    const one = metricPublisher({ ...base, value: { constant: 1 } });
    expect(envOf(one)).toEqual({
      HOME: '/tmp',
      AWS_REGION: 'eu-west-1',
      AWS_PAGER: '',
      METRIC_NAMESPACE: 'GenAIPlatform/Test',
      METRIC_NAME: 'Things',
      METRIC_DIMENSION: 'Environment',
      METRIC_UNIT: 'Count',
      ENVIRONMENT: 'dev',
    });
    expect(envOf(metricPublisher({ ...base, value: { file: '/result/used' } })).RESULT_FILE).toBe('/result/used');
  });

  test('runs PSS-restricted: no privilege escalation, read-only root, every capability dropped', () => {
    expect(metricPublisher({ ...base, value: { constant: 1 } }).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });
});
