import { Testing } from 'cdk8s';
import { ExternalSecret, SecretStore, externalSecretSchema, secretStoreSchema } from '../../../k8s/imports/external-secrets';

describe('External Secrets CRD wrappers', () => {
  test('render objects their schemas accept', () => {
    const chart = Testing.chart();
    new ExternalSecret(chart, 'Es', {
      metadata: { name: 'app', namespace: 'ns' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 'store' },
        target: { name: 'app', creationPolicy: 'Owner', template: { engineVersion: 'v2', data: { K: '{{ .v }}' } } },
        data: [{ secretKey: 'v', remoteRef: { key: 'arn:secret', property: 'value' } }],
      },
    });
    new SecretStore(chart, 'Store', {
      metadata: { name: 'store', namespace: 'ns' },
      spec: {
        provider: { aws: { service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'sync' } } } } },
      },
    });
    const [es, store] = Testing.synth(chart);
    expect(externalSecretSchema.parse(es).apiVersion).toBe('external-secrets.io/v1');
    expect(secretStoreSchema.parse(store).kind).toBe('SecretStore');
  });

  test('the schema rejects fields the CRD subset does not know and malformed durations', () => {
    const valid = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'a', namespace: 'b' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'SecretStore', name: 's' },
        target: { name: 'a', creationPolicy: 'Owner' },
        data: [{ secretKey: 'k', remoteRef: { key: 'x' } }],
      },
    };
    expect(externalSecretSchema.safeParse(valid).success).toBe(true);
    expect(externalSecretSchema.safeParse({ ...valid, spec: { ...valid.spec, refreshInterval: 'hourly' } }).success).toBe(false);
    expect(externalSecretSchema.safeParse({ ...valid, spec: { ...valid.spec, extra: 1 } }).success).toBe(false);
    expect(externalSecretSchema.safeParse({ ...valid, apiVersion: 'external-secrets.io/v1beta1' }).success).toBe(false);
  });

  test('denies an ExternalSecret that names a ClusterSecretStore, and a store without auth or with a foreign namespace', () => {
    const es = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'a', namespace: 'open-webui' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 's' },
        target: { name: 'a', creationPolicy: 'Owner' },
        data: [{ secretKey: 'k', remoteRef: { key: 'x' } }],
      },
    };
    expect(externalSecretSchema.safeParse(es).success).toBe(false);
    const store = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 's', namespace: 'open-webui' },
      spec: {
        provider: { aws: { service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'sync' } } } } },
      },
    };
    expect(secretStoreSchema.safeParse(store).success).toBe(true);
    const withoutAuth = { ...store, spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } } };
    expect(secretStoreSchema.safeParse(withoutAuth).success).toBe(false);
    const foreign = {
      ...store,
      spec: {
        provider: {
          aws: {
            service: 'SecretsManager',
            region: 'us-east-1',
            auth: { jwt: { serviceAccountRef: { name: 'sync', namespace: 'litellm' } } },
          },
        },
      },
    };
    expect(secretStoreSchema.safeParse(foreign).success).toBe(false);
  });
});
