import OpenAI, { toFile } from 'openai';
import { Captured, liveAuthorizer } from '../../support/authorizer-harness';
import { GatewayStandIn } from '../../support/authorizer-gateway';
import { accessClaims, CLIENT_ID, jwksOf, mint, rsaKey } from '../../support/authorizer-tokens';
import { FakeLiteLlmBatches, notYours, serveFakeLiteLlmBatches } from '../../support/fake-litellm-batches';
import { JwksServer } from '../../support/jwks-server';

const TEAM_A_KEY = 'sk-team_a_consumer_key_0001';
const TEAM_B_KEY = 'sk-team_b_consumer_key_0001';
const TEAM_B_CLIENT = 'other-client';
const MODEL = 'claude-sonnet-4-batch';

const requests = (...ids: string[]) =>
  ids
    .map((id) =>
      JSON.stringify({
        custom_id: id,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: MODEL, messages: [{ role: 'user', content: id }] },
      }),
    )
    .join('\n');

describe('a batch job through the edge on loopback: OpenAI SDK → gateway stand-in + real authorizer → LiteLLM batches stand-in', () => {
  const key = rsaKey();
  const litellm = new FakeLiteLlmBatches({
    keys: [
      { key: TEAM_A_KEY, teamId: 'team-a', models: [MODEL] },
      { key: TEAM_B_KEY, teamId: 'team-b', models: [MODEL] },
    ],
    batchModels: { [MODEL]: 'us.anthropic.claude-sonnet-4-20250514-v1:0' },
    bucket: 'batch-bucket',
    region: 'us-east-1',
    account: '111111111111',
    costPerRecordUsd: 0.01,
  });
  let jwks: JwksServer;
  let upstream: { url: string; stop(): Promise<void> };
  let gateway: GatewayStandIn;

  beforeAll(async () => {
    [jwks, upstream] = await Promise.all([JwksServer.start(jwksOf(key)), serveFakeLiteLlmBatches(litellm)]);
    const out = new Captured();
    const { handler } = liveAuthorizer(jwks.url, { [CLIENT_ID]: TEAM_A_KEY, [TEAM_B_CLIENT]: TEAM_B_KEY }, out);
    gateway = await GatewayStandIn.start(handler, upstream.url);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), upstream?.stop(), jwks?.stop()]);
  });

  /** An application's client: its token as the API key, nothing else. */
  const client = (clientId: string) =>
    new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: mint(key, accessClaims({ client_id: clientId, sub: clientId })), maxRetries: 0 });

  test('uploads, starts, polls, downloads and is billed to the team whose token started it', async () => {
    const app = client(CLIENT_ID);
    // target_model_names goes into the multipart form, as LiteLLM's docs have the Python SDK send it in extra_body.
    const file = await app.files.create({
      file: await toFile(Buffer.from(requests('r1', 'r2', 'r3')), 'requests.jsonl'),
      purpose: 'batch',
      target_model_names: MODEL,
    } as OpenAI.FileCreateParams);
    const created = await app.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created.status).toBe('validating');

    litellm.advance(created.id, 'InProgress');
    expect((await app.batches.retrieve(created.id)).status).toBe('in_progress');
    litellm.advance(created.id, 'Completed');
    const done = await app.batches.retrieve(created.id);
    expect(done.status).toBe('completed');

    const output = await (await app.files.content(done.output_file_id!)).text();
    expect(output.split('\n').map((l) => (JSON.parse(l) as { recordId: string }).recordId)).toEqual(['r1', 'r2', 'r3']);
    litellm.pollCost();
    expect(litellm.spendLogs).toEqual([expect.objectContaining({ team_id: 'team-a', spend: 0.03 })]);
  });

  test("denies another team's token the batch, its output and cancelling it, with LiteLLM's 403", async () => {
    const owner = client(CLIENT_ID);
    const file = await owner.files.create({
      file: await toFile(Buffer.from(requests('x1')), 'requests.jsonl'),
      purpose: 'batch',
      target_model_names: MODEL,
    } as OpenAI.FileCreateParams);
    const batch = await owner.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const other = client(TEAM_B_CLIENT);
    await expect(other.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 403, error: { message: notYours('batch') } });
    await expect(other.batches.cancel(batch.id)).rejects.toMatchObject({ status: 403 });
    await expect(other.files.content(file.id)).rejects.toMatchObject({ status: 403 });
    expect((await other.batches.list()).data).toEqual([]);
    // A key the caller sends itself is overwritten at the edge: team B cannot claim team A's key.
    const forged = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: mint(key, accessClaims({ client_id: TEAM_B_CLIENT, sub: TEAM_B_CLIENT })),
      defaultHeaders: { 'x-litellm-api-key': TEAM_A_KEY },
      maxRetries: 0,
    });
    await expect(forged.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 403 });
  });

  test('denies a call without a valid token at the edge, before LiteLLM sees it', async () => {
    const anonymous = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'not-a-jwt', maxRetries: 0 });
    await expect(anonymous.batches.list()).rejects.toMatchObject({ status: 401 });
  });
});
