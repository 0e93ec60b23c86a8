import { BEDROCK_INPUT_PREFIX, BEDROCK_OUTPUT_PREFIX, FakeLiteLlmBatches, notYours, type FakeResponse } from './fake-litellm-batches';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const MODEL = 'claude-sonnet-4-batch';
const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

/** Team A's and team B's keys, and team C's, which is granted chat models only. */
function litellm() {
  return new FakeLiteLlmBatches({
    keys: [
      { key: 'sk-team-a', teamId: 'team-a', models: [MODEL, 'claude-sonnet-4'] },
      { key: 'sk-team-b', teamId: 'team-b', models: [MODEL] },
      { key: 'sk-team-a-other-app', teamId: 'team-a', models: [MODEL] },
      { key: 'sk-team-c', teamId: 'team-c', models: ['claude-sonnet-4'] },
    ],
    batchModels: { [MODEL]: BEDROCK_MODEL },
    bucket: 'batch-bucket',
    region: 'us-east-1',
    account: '111111111111',
    costPerRecordUsd: 0.005,
  });
}

const jsonl = (...ids: string[]) =>
  ids
    .map((id) =>
      JSON.stringify({
        custom_id: id,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: MODEL, messages: [{ role: 'user', content: `hello ${id}` }], max_tokens: 50 },
      }),
    )
    .join('\n');

function ok(answer: FakeResponse): Json {
  expect(answer.status).toBe(200);
  return answer.body as Json;
}

function upload(fake: FakeLiteLlmBatches, key: string, file = jsonl('r1', 'r2')): FakeResponse {
  return fake.request({ method: 'POST', path: '/v1/files', key, form: { purpose: 'batch', file, target_model_names: MODEL } });
}

function createBatch(fake: FakeLiteLlmBatches, key: string, inputFileId: string): FakeResponse {
  return fake.request({
    method: 'POST',
    path: '/v1/batches',
    key,
    json: { input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' },
  });
}

describe('FakeLiteLlmBatches', () => {
  test('runs a batch job from upload to output: validating, in_progress, completed, then the output file', () => {
    const fake = litellm();
    // GIVEN team A's batch file, uploaded to S3 in Bedrock's record format
    const file = ok(upload(fake, 'sk-team-a'));
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', status: 'uploaded' });
    const [input] = [...fake.s3.entries()];
    expect(input![0].startsWith(BEDROCK_INPUT_PREFIX)).toBe(true);
    expect(input![1].split('\n').map((l) => (JSON.parse(l) as Json).recordId)).toEqual(['r1', 'r2']);

    // WHEN it creates a batch and Bedrock moves the job along
    const batch = ok(createBatch(fake, 'sk-team-a', file.id));
    const status = () => ok(fake.request({ method: 'GET', path: `/v1/batches/${batch.id}`, key: 'sk-team-a' }));
    const seen = [batch.status];
    for (const step of ['Validating', 'Scheduled', 'InProgress', 'Completed'] as const) {
      fake.advance(batch.id, step);
      seen.push(status().status);
    }

    // THEN the statuses follow LiteLLM's map, and the output is Bedrock's records, one per input line
    expect(seen).toEqual(['validating', 'validating', 'in_progress', 'in_progress', 'completed']);
    const done = status();
    expect(done.input_file_id).toBe(file.id);
    const content = fake.request({ method: 'GET', path: `/v1/files/${done.output_file_id}/content`, key: 'sk-team-a' });
    expect(content.status).toBe(200);
    expect((content.body as string).split('\n').map((l) => (JSON.parse(l) as Json).recordId)).toEqual(['r1', 'r2']);
    expect([...fake.s3.keys()].some((k) => k.startsWith(BEDROCK_OUTPUT_PREFIX))).toBe(true);
  });

  test('cancels a running job: cancelling until Bedrock stops it, then cancelled', () => {
    const fake = litellm();
    const batch = ok(createBatch(fake, 'sk-team-a', ok(upload(fake, 'sk-team-a')).id));
    fake.advance(batch.id, 'InProgress');
    expect(ok(fake.request({ method: 'POST', path: `/v1/batches/${batch.id}/cancel`, key: 'sk-team-a' })).status).toBe('cancelling');
    fake.advance(batch.id, 'Stopped');
    expect(ok(fake.request({ method: 'GET', path: `/v1/batches/${batch.id}`, key: 'sk-team-a' })).status).toBe('cancelled');
  });

  test('leaves a finished job as it ended when asked to cancel it', () => {
    const fake = litellm();
    const batch = ok(createBatch(fake, 'sk-team-a', ok(upload(fake, 'sk-team-a')).id));
    fake.advance(batch.id, 'Completed');
    expect(ok(fake.request({ method: 'POST', path: `/v1/batches/${batch.id}/cancel`, key: 'sk-team-a' })).status).toBe('completed');
  });

  test('books the job once, to the creating team, only once it has completed', () => {
    const fake = litellm();
    const batch = ok(createBatch(fake, 'sk-team-a', ok(upload(fake, 'sk-team-a', jsonl('r1', 'r2', 'r3', 'r4'))).id));
    fake.advance(batch.id, 'InProgress');
    fake.pollCost();
    expect(fake.spendLogs).toEqual([]);
    fake.advance(batch.id, 'Completed');
    fake.pollCost();
    fake.pollCost();
    expect(fake.spendLogs).toEqual([expect.objectContaining({ team_id: 'team-a', model: BEDROCK_MODEL, spend: 0.02 })]);
  });

  describe('from another team', () => {
    const fake = litellm();
    const file = ok(upload(fake, 'sk-team-a'));
    const batch = ok(createBatch(fake, 'sk-team-a', file.id));
    fake.advance(batch.id, 'Completed');
    const output = ok(fake.request({ method: 'GET', path: `/v1/batches/${batch.id}`, key: 'sk-team-a' })).output_file_id as string;

    test.each([
      ['reads its file', 'GET', `/v1/files/${file.id}`],
      ['downloads its input', 'GET', `/v1/files/${file.id}/content`],
      ['downloads its output', 'GET', `/v1/files/${output}/content`],
      ['deletes its file', 'DELETE', `/v1/files/${file.id}`],
    ] as const)('denies when team B %s', (_, method, path) => {
      expect(fake.request({ method, path, key: 'sk-team-b' })).toMatchObject({
        status: 403,
        body: { error: { message: notYours('file') } },
      });
    });

    test.each([
      ['reads its batch', 'GET', `/v1/batches/${batch.id}`],
      ['cancels its batch', 'POST', `/v1/batches/${batch.id}/cancel`],
    ] as const)('denies when team B %s', (_, method, path) => {
      expect(fake.request({ method, path, key: 'sk-team-b' })).toMatchObject({
        status: 403,
        body: { error: { message: notYours('batch') } },
      });
    });

    test("denies when team B starts a batch on team A's file", () => {
      expect(createBatch(fake, 'sk-team-b', file.id).status).toBe(403);
    });

    test("lists none of team A's files or batches to team B", () => {
      ok(upload(fake, 'sk-team-b'));
      const files = ok(fake.request({ method: 'GET', path: '/v1/files', key: 'sk-team-b' })).data as Json[];
      expect(files).toHaveLength(1);
      expect(files.map((f) => f.id)).not.toContain(file.id);
      expect(files.map((f) => f.id)).not.toContain(output);
      expect(ok(fake.request({ method: 'GET', path: '/v1/batches', key: 'sk-team-b' })).data).toEqual([]);
      expect((ok(fake.request({ method: 'GET', path: '/v1/batches', key: 'sk-team-a' })).data as Json[]).map((b) => b.id)).toEqual([
        batch.id,
      ]);
    });

    test('still serves team A, and its file is gone once it deletes it', () => {
      ok(fake.request({ method: 'GET', path: `/v1/files/${file.id}`, key: 'sk-team-a' }));
      expect(ok(fake.request({ method: 'DELETE', path: `/v1/files/${file.id}`, key: 'sk-team-a' }))).toMatchObject({ deleted: true });
      expect(fake.request({ method: 'GET', path: `/v1/files/${file.id}`, key: 'sk-team-a' }).status).toBe(404);
    });
  });

  test("lets another consumer of the same team read the team's files and batches: the scope is the team, not the key", () => {
    const fake = litellm();
    const file = ok(upload(fake, 'sk-team-a'));
    const batch = ok(createBatch(fake, 'sk-team-a', file.id));
    ok(fake.request({ method: 'GET', path: `/v1/files/${file.id}`, key: 'sk-team-a-other-app' }));
    ok(fake.request({ method: 'GET', path: `/v1/batches/${batch.id}`, key: 'sk-team-a-other-app' }));
  });

  test('denies an upload for a batch model the team is not granted, with the model-access refusal', () => {
    const fake = litellm();
    expect(upload(fake, 'sk-team-c')).toMatchObject({ status: 401, body: { error: { type: 'key_model_access_denied', param: 'model' } } });
    expect(fake.s3.size).toBe(0);
  });

  test('denies a request without a known key, and answers 404 for a managed id nobody created', () => {
    const fake = litellm();
    expect(fake.request({ method: 'GET', path: '/v1/files', key: 'sk-forged' }).status).toBe(401);
    const unknown = Buffer.from('litellm_proxy:application/octet-stream;unified_id,none').toString('base64url');
    expect(fake.request({ method: 'GET', path: `/v1/files/${unknown}`, key: 'sk-team-a' }).status).toBe(404);
    expect(fake.request({ method: 'GET', path: `/v1/batches/${unknown}`, key: 'sk-team-a' }).status).toBe(404);
  });
});
