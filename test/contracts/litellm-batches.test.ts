/**
 * LiteLLM's files and batches (the OpenAI /v1/files and /v1/batches routes) as pinned in k8s/versions.ts
 * (ghcr.io/berriai/litellm-non_root:v1.108.12): which providers can run them, how a batch reaches Bedrock, who may see
 * a file or a batch, and how a batch's cost is booked. Checked against our rendered config, the batch IAM and the
 * stand-in test/support/fake-litellm-batches.ts.
 *
 * Upstream, read 2026-12-06 (restated in our own words). The repository is too large to check out here: the index
 * holds main-line copies of different ages, not the v1.108.12 tag. PR numbers date a behaviour: the 1.108 LTS patches
 * carry fixes numbered #47xxx to #55xxx (release notes v1.108.2 to v1.108.23, newreleases.io and github.com/BerriAI/
 * litellm/releases, read 2026-12-06), so a change merged as #2xxxx to #39xxx (May to September 2026) is taken to be in
 * the 1.108 line. That inference is not confirmed at the tag itself.
 * - PROVIDERS: docs.litellm.ai/docs/batches (page dated 2026-10-10): batches for OpenAI, Azure, Vertex, Bedrock,
 *   Mistral, vLLM, xAI; "Cost Tracking: LiteLLM Enterprise only". docs/my-website/docs/providers/bedrock_batches.md
 *   (commit 03cd0916): a Bedrock batch model is a model_list entry with `s3_bucket_name`, `s3_region_name`,
 *   `aws_batch_role_arn` and `model_info.mode: batch`; files are uploaded with `target_model_names`; S3 keys are listed
 *   there, but the code reads credentials like any Bedrock call (below). Release notes v1.108.7: Gemini batches on
 *   /v1/batches were added in the LTS line.
 * - MANAGED: docs/my-website/docs/proxy/managed_batches.md (commit 03ea2846) and its docs.litellm.ai copy (2026-10-17):
 *   "free Enterprise feature", in every litellm Docker image, no licence needed; needs the proxy's database. The hook
 *   is `managed_files` in ENTERPRISE_PROXY_HOOKS, merged into PROXY_HOOKS when litellm_enterprise imports
 *   (litellm/proxy/hooks/__init__.py, commit 050d1b13).
 * - S3: litellm/llms/bedrock/files/transformation.py (commit 00eb60c0): upload is one SigV4-signed PUT of the file turned
 *   into Bedrock records ({recordId: custom_id, modelInput}) under `litellm-bedrock-files-<model>-<uuid>.jsonl`, with
 *   credentials from get_credentials() and the deployment's aws_* params (none: the default chain, i.e. IRSA); no
 *   server-side-encryption header, so the bucket's default encryption applies.
 * - JOBS: litellm/llms/bedrock/batches/transformation.py (commit 0293b5a6): CreateModelInvocationJob with roleArn from
 *   `aws_batch_role_arn`, input from the uploaded object, output under `s3://<bucket>/litellm-batch-outputs/<job>/`
 *   (`s3_output_bucket_name` unset: the input bucket), timeoutDurationInHours 24 for completion_window 24h; the status
 *   map stated below. Cancel: PR #34087 (merged 2026-07-21) calls StopModelInvocationJob; a finished job comes back
 *   as it ended. Output content: PR #30595 (2026-06-17) and #37047 (2026-08-15). Output lines are Bedrock's own
 *   records (modelInput/modelOutput), not OpenAI batch output objects: litellm-docs PR #1408 (2026-09).
 * - ISOLATION: litellm/llms/base_llm/managed_resources/isolation.py (commit 094d0090; introduced by PR #27004, merged
 *   2026-05-01): a key with a team and no user (our keys: lambda/tenants/litellm-admin.ts sets team_id, never user_id)
 *   owns and sees the resources of its team (every key of the team alike: the scope is the team, not the key); listings
 *   filter by owner before the query; `None == None` never matches.
 *   Provider-format ids and output files checked too: PR #33536 (2026-07-16), #34092 (2026-07-21), #39810.
 * - REQUIRED: litellm/proxy/openai_files_endpoints/common_utils.py (newest copy, id 57389744986; setting from PR
 *   #30186, 2026-06-11): with `litellm_settings.require_managed_files: true` an upload without target_model_names, or
 *   with `model`, is a 400; a raw provider id on any route is a 400; another owner's managed id is a 403 ("The caller
 *   does not have access to this managed <kind> id."), as PR #38117's end-to-end run shows.
 * - VALIDATION: PR #37527 (2026-08): batch input files are checked at upload (JSONL, custom_id/method/url/body on every
 *   line) and refused with 400 before any provider call; `general_settings.max_batch_file_size_mb` answers 413.
 * - COST: enterprise/litellm_enterprise/proxy/common_utils/check_batch_cost.py (two copies) and
 *   managed_object_attribution.py (commit 2738cf3e): a poller prices a completed batch from its output and writes one
 *   `aretrieve_batch` spend row; from PR #37050 (2026-08-15) and #35468 / #34456 the row carries the creating key hash,
 *   team and tags, and a batch is booked once. Issue #30635 shows the poller running on the OSS image.
 *
 * - AWS: Bedrock user guide batch-iam-sr.html (custom service role for batch inference: trust bedrock.amazonaws.com
 *   with aws:SourceAccount and an ArnEquals/ArnLike aws:SourceArn on model-invocation-job/*; S3 read of the input and
 *   write of the output) and batch-inference-permissions.html (the submitting identity's actions
 *   CreateModelInvocationJob, GetModelInvocationJob, ListModelInvocationJobs, StopModelInvocationJob; a scoped example
 *   names the foundation-model ARN and model-invocation-job/* for CreateModelInvocationJob), stored copies read
 *   2026-12-06. iam:PassRole on the service role is the usual requirement for handing a role to a service; the
 *   permissions page excerpt read did not show it, so it is granted narrowly (PassedToService bedrock) rather than left out.
 *
 * Not confirmed: any of the above at the v1.108.12 tag itself; that the batch cost poller runs without an Enterprise
 * licence (the /batches page says Enterprise only; the managed-batches page and issue #30635 say otherwise); that a
 * Bedrock batch job accepts a system cross-region inference profile id as modelId (AWS documents it for some models);
 * the exact status LiteLLM answers an upload naming a model the key may not use (taken as the usual 401 model-access
 * refusal). To verify once on a real deploy: README "Batch jobs".
 */
import { BATCH_ROUTES } from '../../constructs/openai-routes';
import { BATCH_ENV, BATCH_OUTPUT_PREFIX, EDGE_PAYLOAD_LIMIT_BYTES, batchModelName } from '../../lib/shared/batches';
import { buildLiteLlmConfig } from '../../k8s/renderers/litellm-config';
import { parseEnvironment } from '../../lib/config/load-config';
import { dev } from '../../lib/config/environments/dev';
import {
  BEDROCK_OUTPUT_PREFIX,
  BEDROCK_TO_OPENAI_STATUS,
  FakeLiteLlmBatches,
  MANAGED_FILES_REQUIRED,
  TERMINAL_JOB_STATES,
  notYours,
  rawIdRefused,
} from '../support/fake-litellm-batches';
import { synthEnvironment } from '../support/app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const config = parseEnvironment(dev);
const rendered = buildLiteLlmConfig({
  environment: config.name,
  models: config.models,
  modelGroups: config.modelGroups,
  router: config.router,
  responseCache: config.responseCache,
  applicationProfileRegion: config.region,
  batches: { models: config.batches.models, region: config.region },
}) as Json;
const batchEntries = (rendered.model_list as Json[]).filter((m) => m.model_info.mode === 'batch');

const line = (id: string) =>
  JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'claude-sonnet-4-batch', messages: [] } });
const fake = () =>
  new FakeLiteLlmBatches({
    keys: [
      { key: 'sk-a', teamId: 'team-a', models: ['claude-sonnet-4-batch'] },
      { key: 'sk-b', teamId: 'team-b', models: ['claude-sonnet-4-batch'] },
    ],
    batchModels: { 'claude-sonnet-4-batch': 'us.anthropic.claude-sonnet-4-20250514-v1:0' },
    bucket: 'batch-bucket',
    region: 'us-east-1',
    account: '111111111111',
    costPerRecordUsd: 0.01,
  });

describe('LiteLLM batches contract', () => {
  test('a Bedrock batch model carries the bucket, its region and the service role, and is marked mode batch', () => {
    // Source: bedrock_batches.md (s3_bucket_name, s3_region_name, aws_batch_role_arn, model_info.mode) and
    // bedrock/batches/transformation.py (roleArn from aws_batch_role_arn, else AWS_BATCH_ROLE_ARN; no role: ValueError).
    expect(batchEntries.length).toBeGreaterThan(0);
    for (const entry of batchEntries) {
      expect(entry.model_name).toBe(batchModelName('claude-sonnet-4'));
      expect(entry.litellm_params).toMatchObject({
        model: 'bedrock/us.anthropic.claude-sonnet-4-20250514-v1:0',
        s3_bucket_name: `os.environ/${BATCH_ENV.bucket}`,
        s3_region_name: config.region,
        aws_batch_role_arn: `os.environ/${BATCH_ENV.roleArn}`,
      });
    }
  });

  test('S3 calls are signed with the pod credentials: no S3 keys, no role to assume, no application profile on a batch model', () => {
    // Source: bedrock/files/transformation.py _sign_s3_request: get_credentials(aws_access_key_id=..., aws_role_name=...)
    // from the deployment's params; none set, botocore's default chain answers (IRSA's web identity in the pod).
    for (const entry of batchEntries) {
      for (const param of ['s3_access_key_id', 's3_secret_access_key', 'aws_access_key_id', 'aws_role_name', 'model_id'])
        expect(entry.litellm_params).not.toHaveProperty(param);
    }
  });

  test('require_managed_files is on wherever batch routes are served, so every id a caller sends is checked for ownership', () => {
    // Source: REQUIRED (common_utils.validate_managed_files_requirement / validate_managed_id_requirement).
    expect(rendered.litellm_settings.require_managed_files).toBe(true);
    const off = buildLiteLlmConfig({ ...baseInput(), batches: undefined }) as Json;
    expect(off.litellm_settings).not.toHaveProperty('require_managed_files');
    expect((off.model_list as Json[]).filter((m) => m.model_info.mode === 'batch')).toEqual([]);
  });

  test('Bedrock writes output under litellm-batch-outputs/ of the input bucket: the only prefix the service role may write', () => {
    // Source: bedrock/batches/transformation.py transform_create_batch_request (output_key litellm-batch-outputs/<job>/).
    expect(BATCH_OUTPUT_PREFIX).toBe(BEDROCK_OUTPUT_PREFIX);
    const data = synthEnvironment('dev').templates.data;
    const writes = Object.values(data.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as Json[]).filter((s) => [s.Action].flat().includes('s3:PutObject')),
    );
    expect(writes).toHaveLength(1);
    expect(JSON.stringify(writes[0]!.Resource)).toContain(`/${BATCH_OUTPUT_PREFIX}*`);
  });

  test("Bedrock may assume the batch role only for this account's batch jobs, as AWS's confused-deputy guidance has it", () => {
    // Source: AWS batch-iam-sr.html (trust policy with aws:SourceAccount and aws:SourceArn model-invocation-job/*).
    const data = synthEnvironment('dev').templates.data;
    const trusts = Object.values(data.findResources('AWS::IAM::Role'))
      .map((r) => r.Properties.AssumeRolePolicyDocument.Statement as Json[])
      .filter((statements) => JSON.stringify(statements).includes('bedrock.amazonaws.com'));
    expect(trusts).toHaveLength(1);
    expect(trusts[0]).toEqual([
      expect.objectContaining({
        Principal: { Service: 'bedrock.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': expect.anything() },
          ArnLike: { 'aws:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) },
        },
      }),
    ]);
    expect(JSON.stringify(trusts[0])).toContain(':model-invocation-job/*');
  });

  test('the edge serves the routes the OpenAI SDK calls for files and batches, cancel included', () => {
    // Source: OpenAI's API (files: create, list, retrieve, delete, content; batches: create, list, retrieve, cancel) and
    // LiteLLM's files_endpoints / batches_endpoints, which serve them with and without /v1.
    expect(BATCH_ROUTES.flatMap((r) => r.methods.map((m) => `${m} /${r.path}`)).sort()).toEqual(
      [
        'POST /v1/files',
        'GET /v1/files',
        'GET /v1/files/{file_id}',
        'DELETE /v1/files/{file_id}',
        'GET /v1/files/{file_id}/content',
        'POST /v1/batches',
        'GET /v1/batches',
        'GET /v1/batches/{batch_id}',
        'POST /v1/batches/{batch_id}/cancel',
      ].sort(),
    );
  });

  test('a batch file at the 10 MB payload limit cannot pass the edge: API Gateway answers 413 before LiteLLM sees it', () => {
    // Source: test/contracts/api-gateway.test.ts (REST API payload quota 10 MB, not adjustable; REQUEST_TOO_LARGE is 413).
    // The multipart envelope (boundaries, purpose and target_model_names fields) comes on top of the file, so the largest
    // batch file through the edge is somewhat under 10 MB, whatever LiteLLM's own max_batch_file_size_mb says.
    const edge = synthEnvironment('dev').templates.edge;
    const tooLarge = Object.values(edge.findResources('AWS::ApiGateway::GatewayResponse')).find(
      (r) => r.Properties.ResponseType === 'REQUEST_TOO_LARGE',
    );
    expect(tooLarge!.Properties.StatusCode).toBe('413');
    expect(EDGE_PAYLOAD_LIMIT_BYTES).toBe(10 * 1024 * 1024);
    // The edge that refuses it is the one serving the upload route.
    expect(JSON.stringify(edge.findResources('AWS::ApiGateway::Method'))).toContain(':80/v1/files"');
  });

  test('Bedrock job states map to OpenAI batch statuses as LiteLLM maps them', () => {
    // Source: bedrock/batches/transformation.py status_mapping (create and retrieve use the same table).
    expect(BEDROCK_TO_OPENAI_STATUS).toEqual({
      Submitted: 'validating',
      Validating: 'validating',
      Scheduled: 'in_progress',
      InProgress: 'in_progress',
      PartiallyCompleted: 'completed',
      Completed: 'completed',
      Failed: 'failed',
      Stopping: 'cancelling',
      Stopped: 'cancelled',
      Expired: 'expired',
    });
    expect([...TERMINAL_JOB_STATES].sort()).toEqual(['Completed', 'Expired', 'Failed', 'PartiallyCompleted', 'Stopped']);
  });

  test('an upload without target_model_names, or with model, is refused with 400 before anything reaches S3', () => {
    // Source: REQUIRED (validate_managed_files_requirement).
    const litellm = fake();
    const bare = litellm.request({ method: 'POST', path: '/v1/files', key: 'sk-a', form: { purpose: 'batch', file: line('r1') } });
    expect(bare).toMatchObject({ status: 400, body: { error: { message: MANAGED_FILES_REQUIRED, code: '400' } } });
    const viaModel = litellm.request({
      method: 'POST',
      path: '/v1/files',
      key: 'sk-a',
      form: { purpose: 'batch', file: line('r1'), target_model_names: 'claude-sonnet-4-batch', model: 'claude-sonnet-4-batch' },
    });
    expect(viaModel.status).toBe(400);
    expect(litellm.s3.size).toBe(0);
  });

  test('a raw provider id (an S3 URI, a job ARN) is refused with 400 on every route that takes an id', () => {
    // Source: REQUIRED (validate_managed_id_requirement). Raw ids would otherwise reach S3 or Bedrock under the shared role.
    const litellm = fake();
    const raw = {
      file: 's3://batch-bucket/litellm-bedrock-files-x.jsonl',
      batch: 'arn:aws:bedrock:us-east-1:111111111111:model-invocation-job/x',
    };
    for (const path of [`/v1/files/${encodeURIComponent(raw.file)}`, `/v1/files/${encodeURIComponent(raw.file)}/content`]) {
      expect(litellm.request({ method: 'GET', path, key: 'sk-a' })).toMatchObject({
        status: 400,
        body: { error: { message: rawIdRefused('file') } },
      });
    }
    const batch = litellm.request({ method: 'GET', path: `/v1/batches/${encodeURIComponent(raw.batch)}`, key: 'sk-a' });
    expect(batch).toMatchObject({ status: 400, body: { error: { message: rawIdRefused('batch') } } });
  });

  test("another team's managed file or batch is refused with 403, whatever the route", () => {
    // Source: ISOLATION (can_access_resource: team service-account keys match on the resource's team) and REQUIRED (403).
    const litellm = fake();
    const file = litellm.request({
      method: 'POST',
      path: '/v1/files',
      key: 'sk-a',
      form: { purpose: 'batch', file: line('r1'), target_model_names: 'claude-sonnet-4-batch' },
    }).body as Json;
    const batch = litellm.request({ method: 'POST', path: '/v1/batches', key: 'sk-a', json: { input_file_id: file.id } }).body as Json;
    for (const path of [`/v1/files/${file.id}`, `/v1/files/${file.id}/content`]) {
      expect(litellm.request({ method: 'GET', path, key: 'sk-b' })).toMatchObject({
        status: 403,
        body: { error: { message: notYours('file') } },
      });
    }
    expect(litellm.request({ method: 'GET', path: `/v1/batches/${batch.id}`, key: 'sk-b' }).status).toBe(403);
    expect(litellm.request({ method: 'POST', path: `/v1/batches/${batch.id}/cancel`, key: 'sk-b' }).status).toBe(403);
  });

  test('a batch input file that is not JSONL of custom_id, method, url and body is refused with 400 at upload', () => {
    // Source: VALIDATION (PR #37527).
    const litellm = fake();
    for (const file of ['not json', JSON.stringify({ custom_id: 'r1', url: '/v1/chat/completions', body: {} })]) {
      const answer = litellm.request({
        method: 'POST',
        path: '/v1/files',
        key: 'sk-a',
        form: { purpose: 'batch', file, target_model_names: 'claude-sonnet-4-batch' },
      });
      expect(answer.status).toBe(400);
    }
    expect(litellm.s3.size).toBe(0);
  });

  test("a completed batch is booked once, to the creating key's hash and team, as an aretrieve_batch spend row", () => {
    // Source: COST (check_batch_cost.py, managed_object_attribution.py; booked once: PR #37050).
    const litellm = fake();
    const file = litellm.request({
      method: 'POST',
      path: '/v1/files',
      key: 'sk-a',
      form: { purpose: 'batch', file: [line('r1'), line('r2')].join('\n'), target_model_names: 'claude-sonnet-4-batch' },
    }).body as Json;
    const batch = litellm.request({ method: 'POST', path: '/v1/batches', key: 'sk-a', json: { input_file_id: file.id } }).body as Json;
    litellm.advance(batch.id, 'Completed');
    litellm.pollCost();
    litellm.pollCost();
    expect(litellm.spendLogs).toEqual([
      expect.objectContaining({
        team_id: 'team-a',
        call_type: 'aretrieve_batch',
        model: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
        spend: 0.02,
      }),
    ]);
    expect(litellm.spendLogs[0]!.api_key).toMatch(/^[0-9a-f]{64}$/);
  });
});

function baseInput() {
  return {
    environment: config.name,
    models: config.models,
    modelGroups: config.modelGroups,
    router: config.router,
    responseCache: config.responseCache,
  };
}
