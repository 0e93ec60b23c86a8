import { Testing } from 'cdk8s';
import OpenAI from 'openai';
import { NAMES } from '../../../k8s/endpoints';
import { LITELLM_KEY_HEADER } from '../../../lib/shared/litellm';
import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../../../lambda/authorizer/wiring';
import { charts, config, find } from '../../k8s/support/charts';
import { Captured, FakeSecrets, testConfig, VIRTUAL_KEY } from '../../support/authorizer-harness';
import { GatewayStandIn } from '../../support/authorizer-gateway';
import { accessClaims, jwksOf, mint, rsaKey } from '../../support/authorizer-tokens';
import { FakeLiteLlm, fromRenderedConfig } from '../../support/fake-litellm';
import { JwksServer } from '../../support/jwks-server';

const CHUNKS = ['Hello', ', ', 'streaming', ' ', 'world'];
const GAP_MS = 80;
/** A key LiteLLM also knows: if the edge let a client's own key through, the gateway would accept it. */
const FORGED_KEY = 'sk-client_supplied_forged_key';

/** The LiteLLM config.yaml the dev environment deploys (the chart's ConfigMap). */
function renderedLiteLlmConfig(): string {
  const manifests = Testing.synth(charts(config('dev')).litellm);
  return find(manifests, 'ConfigMap', NAMES.litellm.config).data['config.yaml'];
}

describe('end to end on loopback: openai client → gateway stand-in + real authorizer → LiteLLM stand-in run from the rendered config', () => {
  const key = rsaKey();
  const rendered = fromRenderedConfig(renderedLiteLlmConfig());
  const model = rendered.models[0] as string;
  let jwks: JwksServer;
  let upstream: FakeLiteLlm;
  let gateway: GatewayStandIn;
  const out = new Captured();

  beforeAll(async () => {
    [jwks, upstream] = await Promise.all([
      JwksServer.start(jwksOf(key)),
      FakeLiteLlm.start({
        ...rendered,
        masterKey: 'sk-master-e2e',
        keys: { [VIRTUAL_KEY]: { models: [], alias: 'e2e-consumer' }, [FORGED_KEY]: { models: [], alias: 'forged' } },
        reply: CHUNKS,
        chunkGapMs: GAP_MS,
      }),
    ]);
    const { handler } = buildAuthorizer(testConfig({ JWKS_URI: jwks.url }), {
      logger: createLogger({ write: out.write, clock: Date.now }),
      metrics: createEmfMetrics({ write: out.write, clock: Date.now }),
      clock: Date.now,
      secretSource: new FakeSecrets().source,
    });
    gateway = await GatewayStandIn.start(handler, upstream.url);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), upstream?.stop(), jwks?.stop()]);
  });

  const client = (token: string) =>
    new OpenAI({
      apiKey: token,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
      timeout: 10_000,
      defaultHeaders: { [LITELLM_KEY_HEADER]: FORGED_KEY },
    });

  test('streams chunks to the client as they are produced, authenticated by the injected key', async () => {
    const token = mint(key);
    const stream = await client(token).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
    const arrivals: number[] = [];
    let text = '';
    for await (const chunk of stream) {
      arrivals.push(Date.now());
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(CHUNKS.join(''));
    const finished = upstream.finishedAt[upstream.finishedAt.length - 1] as number;
    // Incremental: the first chunk reached the client well before the upstream finished writing.
    expect(arrivals[0]).toBeLessThan(finished - GAP_MS * 2);
    expect((arrivals[arrivals.length - 1] as number) - (arrivals[0] as number)).toBeGreaterThanOrEqual(GAP_MS * 3);
    expect(upstream.requests.at(-1)).toMatchObject({
      path: '/v1/chat/completions',
      status: 200,
      resolvedKey: VIRTUAL_KEY,
      keyAlias: 'e2e-consumer',
    });
  });

  test('lists the models the rendered config serves', async () => {
    const models = await client(mint(key)).models.list();
    expect(models.data.map((m) => m.id)).toEqual(rendered.models);
  });

  test('a key the client sends itself never reaches LiteLLM in inject mode', async () => {
    await client(mint(key)).models.list();
    const seen = upstream.requests.at(-1);
    expect(seen?.resolvedKey).toBe(VIRTUAL_KEY);
    const keysUpstream = Object.values(seen?.headers ?? {})
      .flat()
      .filter((v): v is string => typeof v === 'string' && v.includes('sk-'));
    expect(keysUpstream).toEqual([VIRTUAL_KEY]);
  });

  test('answers repeat calls from the authorizer cache keyed on the Authorization header', async () => {
    const token = mint(key, accessClaims({ jti: 'cache-test' }));
    const before = gateway.invocations;
    for (let i = 0; i < 2; i++) {
      const completion = await client(token).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], stream: true });
      for await (const _ of completion) void _;
    }
    expect(gateway.invocations).toBe(before + 1);
  });

  test('an invalid token gets a 401 and never reaches the upstream', async () => {
    const before = upstream.requests.length;
    const err = await client(mint(key, accessClaims({ exp: 1 })))
      .chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstream.requests.length).toBe(before);
  });

  test('a valid token of a client without a key gets a 403 and never reaches the upstream', async () => {
    const before = upstream.requests.length;
    const err = await client(mint(key, accessClaims({ client_id: 'unknown-client' })))
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(upstream.requests.length).toBe(before);
  });

  test('a client holding only a virtual key, without a JWT, is refused', async () => {
    const before = upstream.requests.length;
    const err = await client(FORGED_KEY)
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstream.requests.length).toBe(before);
  });
});
