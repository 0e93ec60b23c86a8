import { Testing } from 'cdk8s';
import { SyncedSecret, credentialSources, postgresSources, postgresUrlTemplate } from '../../../k8s/constructs/synced-secret';

describe('SyncedSecret', () => {
  test("writes an ExternalSecret reading from its namespace's store with the given templates", () => {
    const chart = Testing.chart();
    new SyncedSecret(chart, 'S', {
      name: 'app',
      namespace: 'ns',
      sources: { key: { key: 'arn:1', property: 'value' } },
      keys: { TOKEN: 'sk-{{ .key }}' },
    });
    const [es] = Testing.synth(chart);
    expect(es.spec).toMatchObject({
      secretStoreRef: { kind: 'SecretStore', name: 'aws-secrets-manager' },
      target: { name: 'app', creationPolicy: 'Owner', template: { data: { TOKEN: 'sk-{{ .key }}' } } },
      data: [{ secretKey: 'key', remoteRef: { key: 'arn:1', property: 'value' } }],
    });
  });

  test('rejects aliases a template cannot name and an empty key list, building nothing', () => {
    const chart = Testing.chart();
    expect(
      () => new SyncedSecret(chart, 'A', { name: 'a', namespace: 'n', sources: { 'bad-alias': { key: 'k' } }, keys: { K: 'v' } }),
    ).toThrow('sources: "bad-alias" is not a template alias (use letters, digits and _; start with a letter)');
    expect(() => new SyncedSecret(chart, 'B', { name: 'a', namespace: 'n', sources: {}, keys: {} })).toThrow(
      'keys: is empty (give at least one key of the Secret to write)',
    );
    expect(Testing.synth(chart)).toEqual([]);
  });

  test('composes a PostgreSQL URL from the three fields of a database secret', () => {
    expect(Object.keys(postgresSources('db', 'arn'))).toEqual(['dbUsername', 'dbPassword', 'dbDbname']);
    expect(postgresUrlTemplate('db', 'h', '5432')).toBe(
      'postgresql://{{ .dbUsername | urlquery }}:{{ .dbPassword | urlquery }}@h:5432/{{ .dbDbname }}?sslmode=require',
    );
  });
});

describe('SyncedSecret.env', () => {
  const chart = Testing.chart();
  const secret = new SyncedSecret(chart, 'S', {
    name: 'app-env',
    namespace: 'ns',
    sources: { a: { key: 'arn:a' } },
    keys: { B_KEY: '{{ .a }}', A_KEY: '{{ .a }}' },
  });

  test('reads every key of the Secret in the order given, or the keys asked for in that order', () => {
    const ref = (key: string) => ({ name: key, valueFrom: { secretKeyRef: { name: 'app-env', key } } });
    expect(secret.env()).toEqual([ref('B_KEY'), ref('A_KEY')]);
    expect(secret.env('A_KEY')).toEqual([ref('A_KEY')]);
  });

  test('refuses a key the Secret does not hold', () => {
    expect(() => secret.env('A_KEY', 'C_KEY')).toThrow('C_KEY: is not a key of Secret app-env (add it to keys, or read another Secret)');
  });

  test('reads a user name and password from the fields of one secret under a prefix', () => {
    expect(credentialSources('cache', 'arn:user')).toEqual({
      cacheUsername: { key: 'arn:user', property: 'username' },
      cachePassword: { key: 'arn:user', property: 'password' },
    });
  });
});
