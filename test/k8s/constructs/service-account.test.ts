import { Testing } from 'cdk8s';
import { roleServiceAccount } from '../../../k8s/constructs/service-account';

describe('roleServiceAccount', () => {
  test('names the IAM role for IRSA and never mounts the token into pods', () => {
    const chart = Testing.chart();
    roleServiceAccount(chart, 'ServiceAccount', { namespace: 'litellm', serviceAccount: 'litellm' }, 'arn:aws:iam::111111111111:role/x');
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {
          name: 'litellm',
          namespace: 'litellm',
          annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/x' },
        },
        automountServiceAccountToken: false,
      },
    ]);
  });
});
