import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { createEmfMetrics, createLogger } from '../../../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../../../lambda/authorizer/wiring';
import { Captured, FakeSecrets, testConfig, VIRTUAL_KEY } from '../../support/authorizer-harness';
import { GatewayStandIn } from '../../support/authorizer-gateway';
import { accessClaims, jwksOf, mint, rsaKey } from '../../support/authorizer-tokens';
import { JwksServer } from '../../support/jwks-server';

const CHUNKS = ['Hello', ', ', 'streaming', ' ', 'world'];
const GAP_MS = 80;

/** Fake LiteLLM: records the headers it receives and streams chat completion chunks with gaps. */
class FakeLiteLlm {
  seen: IncomingHttpHeaders[] = [];
  finishedAt: number[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeLiteLlm> {
    const server = createServer((req, res) => {
      self.seen.push(req.headers);
      req.resume();
      req.on('end', () => void stream());
      const stream = async () => {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const [i, text] of CHUNKS.entries()) {
          const chunk = {
            id: 'chatcmpl-1',
            object: 'chat.completion.chunk',
            created: 1,
            model: 'fake',
            choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: text } : { content: text }, finish_reason: null }],
          };
          res.write(`data: ${JSON.stringify(chunk)}\n\n`);
          await new Promise((r) => setTimeout(r, GAP_MS));
        }
        res.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'fake', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
        );
        res.end('data: [DONE]\n\n');
        self.finishedAt.push(Date.now());
      };
    });
    const self = new FakeLiteLlm(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return self;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('end to end on loopback: openai client → gateway stand-in + real authorizer → streaming upstream', () => {
  const key = rsaKey();
  let jwks: JwksServer;
  let upstream: FakeLiteLlm;
  let gateway: GatewayStandIn;
  const out = new Captured();

  beforeAll(async () => {
    [jwks, upstream] = await Promise.all([JwksServer.start(jwksOf(key)), FakeLiteLlm.start()]);
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
      defaultHeaders: { 'x-litellm-api-key': 'sk-client_supplied_forged_key' },
    });

  test('streams chunks to the client as they are produced, with only the injected key upstream', async () => {
    const token = mint(key);
    const stream = await client(token).chat.completions.create({
      model: 'fake',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
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

    const seen = upstream.seen[upstream.seen.length - 1] as IncomingHttpHeaders;
    expect(seen['x-litellm-api-key']).toBe(VIRTUAL_KEY);
    const keysUpstream = Object.values(seen)
      .flat()
      .filter((v): v is string => typeof v === 'string' && v.includes('sk-'));
    expect(keysUpstream).toEqual([VIRTUAL_KEY]);
  });

  test('answers repeat calls from the authorizer cache keyed on the Authorization header', async () => {
    const token = mint(key, accessClaims({ jti: 'cache-test' }));
    const before = gateway.invocations;
    for (let i = 0; i < 2; i++) {
      const completion = await client(token).chat.completions.create({
        model: 'fake',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      });
      for await (const _ of completion) void _;
    }
    expect(gateway.invocations).toBe(before + 1);
  });

  test('an invalid token gets a 401 and never reaches the upstream', async () => {
    const before = upstream.seen.length;
    const err = await client(mint(key, accessClaims({ exp: 1 })))
      .chat.completions.create({ model: 'fake', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstream.seen.length).toBe(before);
  });

  test('a valid token of a client without a key gets a 403 and never reaches the upstream', async () => {
    const before = upstream.seen.length;
    const err = await client(mint(key, accessClaims({ client_id: 'unknown-client' })))
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(upstream.seen.length).toBe(before);
  });

  test('a client holding only a virtual key, without a JWT, is refused', async () => {
    const err = await client('sk-client_supplied_forged_key')
      .models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
