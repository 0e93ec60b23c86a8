import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientRegistrySource, parseClientRegistry } from '../../../lambda/admin-gate/client-registry';
import { startMoto, type LocalMoto } from '../../support/moto';

describe('app client registry parsing', () => {
  test('reads the gated and open client ids', () => {
    expect(parseClientRegistry('{"gated":["a","b"],"open":["c"]}')).toEqual({ gated: ['a', 'b'], open: ['c'] });
  });

  test('accepts an empty open list (no Open WebUI client)', () => {
    expect(parseClientRegistry('{"gated":["a"],"open":[]}')).toEqual({ gated: ['a'], open: [] });
  });

  test.each([
    ['not json', 'app client registry is not JSON'],
    ['null', 'app client registry: gated is not a list of client ids'],
    ['{"open":["c"]}', 'app client registry: gated is not a list of client ids'],
    ['{"gated":"a","open":[]}', 'app client registry: gated is not a list of client ids'],
    ['{"gated":["a",""],"open":[]}', 'app client registry: gated is not a list of client ids'],
    ['{"gated":["a"],"open":[1]}', 'app client registry: open is not a list of client ids'],
    ['{"gated":["a"]}', 'app client registry: open is not a list of client ids'],
    ['{"gated":[],"open":["c"]}', 'app client registry: gated lists no client'],
    ['{"gated":["a"],"open":["a"]}', 'app client registry: a listed as both gated and open'],
  ])('refuses %s', (text, message) => {
    expect(() => parseClientRegistry(text)).toThrow(message);
  });
});

describe('app client registry source (against moto)', () => {
  let moto: LocalMoto;
  let ssm: SSMClient;
  const NAME = '/genai-gateway/dev/workforce/abc123/app-clients';

  beforeAll(async () => {
    moto = await startMoto();
    ssm = new SSMClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });
    await ssm.send(new PutParameterCommand({ Name: NAME, Type: 'String', Value: '{"gated":["g1"],"open":["o1"]}' }));
  }, 30_000);

  afterAll(async () => {
    ssm?.destroy();
    await moto?.stop();
  });

  test('reads the registry CloudFormation wrote', async () => {
    const source = clientRegistrySource(ssm, NAME, { ttlMs: 60_000, now: () => 0 });
    await expect(source()).resolves.toEqual({ gated: ['g1'], open: ['o1'] });
  });

  test('reuses a good read within the TTL and reads again after it', async () => {
    const calls: string[] = [];
    const counting = { send: (command: never) => (calls.push((command as object).constructor.name), ssm.send(command)) };
    let now = 0;
    const source = clientRegistrySource(counting, NAME, { ttlMs: 60_000, now: () => now });
    await source();
    now = 59_999;
    await source();
    expect(calls).toEqual(['GetParameterCommand']);
    now = 60_000;
    await source();
    expect(calls).toHaveLength(2);
  });

  test('fails, and caches nothing, when the parameter is missing; reads it once it exists', async () => {
    const missing = `${NAME}-missing`;
    const source = clientRegistrySource(ssm, missing, { ttlMs: 60_000, now: () => 0 });
    await expect(source()).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await ssm.send(new PutParameterCommand({ Name: missing, Type: 'String', Value: '{"gated":["g2"],"open":[]}' }));
    await expect(source()).resolves.toEqual({ gated: ['g2'], open: [] });
    await ssm.send(new DeleteParameterCommand({ Name: missing }));
  });

  test('fails on a malformed value rather than guessing', async () => {
    const bad = `${NAME}-bad`;
    await ssm.send(new PutParameterCommand({ Name: bad, Type: 'String', Value: '{"gated":[],"open":["o1"]}' }));
    await expect(clientRegistrySource(ssm, bad, { ttlMs: 60_000, now: () => 0 })()).rejects.toThrow(
      'app client registry: gated lists no client',
    );
  });
});
