import { Testing } from 'cdk8s';
import { ClusterSecretStore, ExternalSecret, clusterSecretStoreSchema, externalSecretSchema } from '../../../k8s/imports/external-secrets';

describe('External Secrets CRD wrappers', () => {
  test('render objects their schemas accept', () => {
    const chart = Testing.chart();
    new ExternalSecret(chart, 'Es', {
      metadata: { name: 'app', namespace: 'ns' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'store' },
        target: { name: 'app', creationPolicy: 'Owner', template: { engineVersion: 'v2', data: { K: '{{ .v }}' } } },
        data: [{ secretKey: 'v', remoteRef: { key: 'arn:secret', property: 'value' } }],
      },
    });
    new ClusterSecretStore(chart, 'Store', {
      metadata: { name: 'store' },
      spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } },
    });
    const [es, store] = Testing.synth(chart);
    expect(externalSecretSchema.parse(es).apiVersion).toBe('external-secrets.io/v1');
    expect(clusterSecretStoreSchema.parse(store).kind).toBe('ClusterSecretStore');
  });

  test('the schema rejects fields the CRD subset does not know and malformed durations', () => {
    const valid = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'a', namespace: 'b' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 's' },
        target: { name: 'a', creationPolicy: 'Owner' },
        data: [{ secretKey: 'k', remoteRef: { key: 'x' } }],
      },
    };
    expect(externalSecretSchema.safeParse(valid).success).toBe(true);
    expect(externalSecretSchema.safeParse({ ...valid, spec: { ...valid.spec, refreshInterval: 'hourly' } }).success).toBe(false);
    expect(externalSecretSchema.safeParse({ ...valid, spec: { ...valid.spec, extra: 1 } }).success).toBe(false);
    expect(externalSecretSchema.safeParse({ ...valid, apiVersion: 'external-secrets.io/v1beta1' }).success).toBe(false);
  });
});
