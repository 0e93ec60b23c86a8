import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sendJson } from './http';
import { liteLlmError, modelNotAllowed, type LiteLlmError } from './litellm-errors';

/**
 * A stand-in for LiteLLM's managed files and batches on Bedrock, as the proxy runs them with our config
 * (`require_managed_files: true`, `<group>-batch` entries carrying `s3_bucket_name` and `aws_batch_role_arn`), keys
 * being team service-account keys (a team, no user). Every behaviour here is stated, with its source, in
 * test/contracts/litellm-batches.test.ts; where upstream was not confirmed that file says so, and this stand-in
 * follows the reading named there. In-process (no HTTP): the edge in front of it is tested elsewhere.
 */

/** The key LiteLLM reads: x-litellm-api-key first (bare or Bearer), then Authorization (test/contracts/litellm.test.ts). */
function keyOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const header = headers['x-litellm-api-key'] ?? headers.authorization;
  const value = Array.isArray(header) ? header[header.length - 1] : header;
  return value?.replace(/^Bearer /, '');
}

/**
 * The stand-in on loopback, for clients that speak HTTP (the OpenAI SDK behind the edge stand-in): multipart uploads
 * are read as the form they are, JSON bodies as JSON; a file's content comes back as text, everything else as JSON.
 */
export async function serveFakeLiteLlmBatches(fake: FakeLiteLlmBatches): Promise<{ readonly url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const type = req.headers['content-type'] ?? '';
      let form: Record<string, string> | undefined;
      let json: Record<string, unknown> | undefined;
      if (type.startsWith('multipart/form-data')) {
        const parsed = await new Request('http://stand-in', { method: 'POST', headers: { 'content-type': type }, body }).formData();
        form = {};
        for (const [name, value] of parsed.entries()) form[name] = typeof value === 'string' ? value : await value.text();
      } else if (body.length > 0) {
        json = JSON.parse(body.toString()) as Record<string, unknown>;
      }
      const answer = fake.request({
        method: req.method as FakeRequest['method'],
        path: (req.url ?? '/').split('?')[0]!,
        key: keyOf(req.headers),
        ...(form ? { form } : {}),
        ...(json ? { json } : {}),
      });
      if (typeof answer.body === 'string') res.writeHead(answer.status, { 'content-type': 'application/octet-stream' }).end(answer.body);
      else sendJson(res, answer.status, answer.body);
    })().catch(() => sendJson(res, 500, liteLlmError(500, 'stand-in failure', 'api_error')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Bedrock's job states and the OpenAI batch status LiteLLM reports for each (bedrock/batches/transformation.py). */
export const BEDROCK_TO_OPENAI_STATUS = {
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
} as const;
export type BedrockJobStatus = keyof typeof BEDROCK_TO_OPENAI_STATUS;

/** States a job no longer leaves: StopModelInvocationJob on one answers the job as it is. */
export const TERMINAL_JOB_STATES: readonly BedrockJobStatus[] = ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'];

/** Where LiteLLM's Bedrock files code writes batch input, and where it points the job's output. */
export const BEDROCK_INPUT_PREFIX = 'litellm-bedrock-files-';
export const BEDROCK_OUTPUT_PREFIX = 'litellm-batch-outputs/';

/** The message LiteLLM answers an upload without target_model_names with, when require_managed_files is on. */
export const MANAGED_FILES_REQUIRED =
  'target_model_names is required when require_managed_files is enabled in litellm_settings. Provide one or more model aliases via the target_model_names form field (e.g. target_model_names=my-model-alias).';

export const rawIdRefused = (kind: 'file' | 'batch') =>
  `Raw provider ${kind} ids cannot be used when require_managed_files is enabled in litellm_settings. Use the LiteLLM managed ${kind} id returned when the ${kind} was created.`;
export const notYours = (kind: 'file' | 'batch') => `The caller does not have access to this managed ${kind} id.`;

/** A team service-account key: LiteLLM scopes its files and batches by the key's team (managed_resources/isolation.py). */
export interface FakeBatchKey {
  readonly key: string;
  readonly teamId: string;
  /** Model names the key may use (its team's grants). */
  readonly models: readonly string[];
}

/** A spend row the batch cost poller writes when a job completes (CheckBatchCost, creator attribution). */
export interface FakeBatchSpend {
  readonly api_key: string;
  readonly team_id: string;
  readonly model: string;
  readonly call_type: 'aretrieve_batch';
  readonly spend: number;
}

export interface FakeLiteLlmBatchesOptions {
  readonly keys: readonly FakeBatchKey[];
  /** Batch model names (`<group>-batch`) and the Bedrock model each runs. */
  readonly batchModels: Readonly<Record<string, string>>;
  readonly bucket: string;
  readonly region: string;
  readonly account: string;
  /** Cost the poller books per completed record. */
  readonly costPerRecordUsd: number;
}

export interface FakeRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path under the proxy, e.g. /v1/files/abc/content. */
  readonly path: string;
  readonly key?: string;
  /** Multipart form fields of an upload; `file` is the file's text. */
  readonly form?: Readonly<Record<string, string>>;
  readonly json?: Readonly<Record<string, unknown>>;
}

export interface FakeResponse {
  readonly status: number;
  readonly body: unknown;
}

interface Owned {
  readonly teamId: string;
  readonly keyHash: string;
}
interface ManagedFile extends Owned {
  readonly id: string;
  readonly s3Key: string;
  readonly filename: string;
  readonly bytes: number;
  readonly model: string;
  readonly createdAt: number;
  readonly purpose: string;
}
interface ManagedBatch extends Owned {
  readonly id: string;
  readonly jobArn: string;
  readonly inputFileId: string;
  readonly model: string;
  readonly endpoint: string;
  readonly createdAt: number;
  readonly records: readonly { readonly custom_id: string }[];
  bedrockStatus: BedrockJobStatus;
  outputFileId?: string;
  billed: boolean;
}

const OPENAI_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];

const managedId = (decoded: string) => Buffer.from(decoded).toString('base64url');
const isManagedId = (id: string) => {
  try {
    return Buffer.from(id, 'base64url').toString().startsWith('litellm_proxy');
  } catch {
    return false;
  }
};
const error = (status: number, message: string, type = 'invalid_request_error'): FakeResponse => ({
  status,
  body: liteLlmError(status, message, type) satisfies LiteLlmError,
});

export class FakeLiteLlmBatches {
  /** Objects in the batch bucket, by key: what LiteLLM uploaded and what Bedrock wrote. */
  readonly s3 = new Map<string, string>();
  readonly spendLogs: FakeBatchSpend[] = [];
  private readonly files = new Map<string, ManagedFile>();
  private readonly batches = new Map<string, ManagedBatch>();
  private clock = 1_790_000_000;

  constructor(private readonly options: FakeLiteLlmBatchesOptions) {}

  request(req: FakeRequest): FakeResponse {
    const caller = this.options.keys.find((k) => k.key === req.key);
    if (!caller) return error(401, 'Authentication Error, Invalid proxy server token passed.', 'auth_error');
    const parts = req.path.replace(/^\/+|\/+$/g, '').split('/');
    const route = `${req.method} ${parts.map((p, i) => (i === 2 ? '{id}' : p)).join('/')}`;
    switch (route) {
      case 'POST v1/files':
        return this.upload(caller, req.form ?? {});
      case 'GET v1/files':
        return this.list(
          caller,
          [...this.files.values()].map((f) => this.fileObject(f)),
          this.files,
        );
      case 'GET v1/files/{id}':
        return this.withFile(caller, parts[2]!, (f) => ({ status: 200, body: this.fileObject(f) }));
      case 'DELETE v1/files/{id}':
        return this.withFile(caller, parts[2]!, (f) => {
          this.files.delete(f.id);
          this.s3.delete(f.s3Key);
          return { status: 200, body: { id: f.id, object: 'file', deleted: true } };
        });
      case 'GET v1/files/{id}/content':
        return this.withFile(caller, parts[2]!, (f) => ({ status: 200, body: this.s3.get(f.s3Key) ?? '' }));
      case 'POST v1/batches':
        return this.createBatch(caller, req.json ?? {});
      case 'GET v1/batches':
        return this.list(
          caller,
          [...this.batches.values()].map((b) => this.batchObject(b)),
          this.batches,
        );
      case 'GET v1/batches/{id}':
        return this.withBatch(caller, parts[2]!, (b) => ({ status: 200, body: this.batchObject(b) }));
      case 'POST v1/batches/{id}/cancel':
        return this.withBatch(caller, parts[2]!, (b) => {
          // StopModelInvocationJob on a finished job changes nothing: the job comes back as it ended.
          if (!TERMINAL_JOB_STATES.includes(b.bedrockStatus)) b.bedrockStatus = 'Stopping';
          return { status: 200, body: this.batchObject(b) };
        });
      default:
        return error(404, `Not Found: ${req.method} ${req.path}`);
    }
  }

  /** What Bedrock does to a job between two calls (the test plays Bedrock). Completing writes the output file. */
  advance(batchId: string, status: BedrockJobStatus): void {
    const batch = this.batches.get(batchId);
    if (!batch) throw new Error(`no batch ${batchId}`);
    batch.bedrockStatus = status;
    if ((status === 'Completed' || status === 'PartiallyCompleted') && !batch.outputFileId) {
      const jobId = batch.jobArn.split('/').pop()!;
      const s3Key = `${BEDROCK_OUTPUT_PREFIX}${jobId}/input.jsonl.out`;
      // Bedrock's own output lines (recordId, modelInput, modelOutput), not OpenAI batch output objects.
      this.s3.set(
        s3Key,
        batch.records
          .map((r) => JSON.stringify({ recordId: r.custom_id, modelInput: {}, modelOutput: { content: [{ type: 'text', text: 'ok' }] } }))
          .join('\n'),
      );
      // The output file is registered for the batch's owner, whoever retrieves it first.
      const id = managedId(`litellm_proxy:application/octet-stream;unified_id,${randomUUID()};target_model_names,${batch.model}`);
      this.files.set(id, {
        id,
        s3Key,
        filename: 'input.jsonl.out',
        bytes: this.s3.get(s3Key)!.length,
        model: batch.model,
        createdAt: this.tick(),
        purpose: 'batch_output',
        teamId: batch.teamId,
        keyHash: batch.keyHash,
      });
      batch.outputFileId = id;
    }
  }

  /** The batch cost poller: books each completed job once, to the key and team that created it. */
  pollCost(): void {
    for (const batch of this.batches.values()) {
      if (batch.billed || BEDROCK_TO_OPENAI_STATUS[batch.bedrockStatus] !== 'completed') continue;
      batch.billed = true;
      this.spendLogs.push({
        api_key: batch.keyHash,
        team_id: batch.teamId,
        model: this.options.batchModels[batch.model]!,
        call_type: 'aretrieve_batch',
        spend: batch.records.length * this.options.costPerRecordUsd,
      });
    }
  }

  private upload(caller: FakeBatchKey, form: Readonly<Record<string, string>>): FakeResponse {
    const targets = (form.target_model_names ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n);
    if (targets.length === 0) return error(400, MANAGED_FILES_REQUIRED);
    if (form.model) return error(400, 'model is not allowed when require_managed_files is enabled in litellm_settings.');
    const purpose = form.purpose ?? '';
    if (!OPENAI_PURPOSES.includes(purpose)) return error(400, `Invalid purpose: ${purpose}`);
    for (const target of targets) {
      if (!caller.models.includes(target)) {
        const refusal = modelNotAllowed('key', caller.models, target);
        return { status: refusal.status, body: refusal.body };
      }
      if (!this.options.batchModels[target]) return error(400, `Invalid model name passed in target_model_names: ${target}`);
    }
    const content = form.file ?? '';
    const lines = content.split('\n').filter((l) => l.trim() !== '');
    if (purpose === 'batch') {
      if (lines.length === 0) return error(400, 'Batch input file is empty');
      for (const [i, line] of lines.entries()) {
        let row: unknown;
        try {
          row = JSON.parse(line);
        } catch {
          return error(400, `Batch input file line ${i + 1} is not valid JSON`);
        }
        const missing = ['custom_id', 'method', 'url', 'body'].filter((f) => !(row && typeof row === 'object' && f in row));
        if (missing.length > 0) return error(400, `Batch input file line ${i + 1} is missing ${missing.join(', ')}`);
      }
    }
    const model = targets[0]!;
    const bedrockModel = this.options.batchModels[model]!;
    const s3Key = `${BEDROCK_INPUT_PREFIX}${bedrockModel.replace(/:/g, '-')}-${randomUUID()}.jsonl`;
    // Uploaded in Bedrock's record format: recordId from custom_id, modelInput from the OpenAI body.
    this.s3.set(
      s3Key,
      lines
        .map((l) => JSON.parse(l) as { custom_id: string; body: unknown })
        .map((r) => JSON.stringify({ recordId: r.custom_id, modelInput: r.body }))
        .join('\n'),
    );
    const id = managedId(`litellm_proxy:application/octet-stream;unified_id,${randomUUID()};target_model_names,${targets.join(',')}`);
    const file: ManagedFile = {
      id,
      s3Key,
      filename: s3Key,
      bytes: Buffer.byteLength(content),
      model,
      createdAt: this.tick(),
      purpose,
      ...this.owner(caller),
    };
    this.files.set(id, file);
    return { status: 200, body: this.fileObject(file) };
  }

  private createBatch(caller: FakeBatchKey, json: Readonly<Record<string, unknown>>): FakeResponse {
    const inputFileId = typeof json.input_file_id === 'string' ? json.input_file_id : '';
    return this.withFile(caller, inputFileId, (file) => {
      const jobArn = `arn:aws:bedrock:${this.options.region}:${this.options.account}:model-invocation-job/${randomUUID().slice(0, 12)}`;
      const id = managedId(`litellm_proxy;model_id:${file.model}:0;llm_batch_id:${jobArn}`);
      const records = (this.s3.get(file.s3Key) ?? '')
        .split('\n')
        .filter((l) => l)
        .map((l) => ({ custom_id: (JSON.parse(l) as { recordId: string }).recordId }));
      const batch: ManagedBatch = {
        id,
        jobArn,
        inputFileId: file.id,
        model: file.model,
        endpoint: typeof json.endpoint === 'string' ? json.endpoint : '/v1/chat/completions',
        createdAt: this.tick(),
        records,
        bedrockStatus: 'Submitted',
        billed: false,
        ...this.owner(caller),
      };
      this.batches.set(id, batch);
      return { status: 200, body: this.batchObject(batch) };
    });
  }

  private withFile(caller: FakeBatchKey, id: string, then: (f: ManagedFile) => FakeResponse): FakeResponse {
    if (!isManagedId(id)) return error(400, rawIdRefused('file'));
    const file = this.files.get(id);
    if (!file) return error(404, `File not found: ${id}`);
    if (file.teamId !== caller.teamId) return error(403, notYours('file'));
    return then(file);
  }

  private withBatch(caller: FakeBatchKey, id: string, then: (b: ManagedBatch) => FakeResponse): FakeResponse {
    if (!isManagedId(id)) return error(400, rawIdRefused('batch'));
    const batch = this.batches.get(id);
    if (!batch) return error(404, `Object not found: ${id}`);
    if (batch.teamId !== caller.teamId) return error(403, notYours('batch'));
    return then(batch);
  }

  /** Listings filter by the caller's team before anything is read (build_owner_filter). */
  private list(caller: FakeBatchKey, items: readonly { id: string }[], owned: ReadonlyMap<string, Owned>): FakeResponse {
    const data = items.filter((item) => owned.get(item.id)?.teamId === caller.teamId);
    return {
      status: 200,
      body: { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false },
    };
  }

  private fileObject(f: ManagedFile) {
    return {
      id: f.id,
      object: 'file',
      bytes: f.bytes,
      created_at: f.createdAt,
      filename: f.filename,
      purpose: f.purpose,
      status: 'uploaded',
    };
  }

  private batchObject(b: ManagedBatch) {
    return {
      id: b.id,
      object: 'batch',
      endpoint: b.endpoint,
      input_file_id: b.inputFileId,
      completion_window: '24h',
      status: BEDROCK_TO_OPENAI_STATUS[b.bedrockStatus],
      output_file_id: b.outputFileId ?? null,
      error_file_id: null,
      created_at: b.createdAt,
    };
  }

  private owner(caller: FakeBatchKey): Owned {
    return { teamId: caller.teamId, keyHash: createHash('sha256').update(caller.key).digest('hex') };
  }

  private tick(): number {
    return ++this.clock;
  }
}
