/**
 * The smoke checks against a deployed gateway. Each sends what a client would, times itself, and on failure names
 * the likely cause from the diagnosis table. Network, clock and sleep come in through CheckContext.
 */
import { CAUSES, diagnose, missingModels, openAiError, refusalProblem, type Observation, type Step } from './smoke-diagnosis';
import { send, describeFetchError, parseBody, type Fetch, type HttpAnswer } from './smoke-http';
import { waitForTrace, traceMetadata, type LangfuseKeys } from './smoke-langfuse';
import { readCompletionStream } from './smoke-sse';

export interface CheckContext {
  readonly fetch: Fetch;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Per request; a streaming completion must finish within it too. */
  readonly timeoutMs: number;
  /** The OpenAI base URL, `https://<api>/<stage>/v1`. */
  readonly gatewayUrl: string;
}

export interface CheckResult {
  readonly name: string;
  readonly outcome: 'pass' | 'fail' | 'skip';
  readonly ms: number;
  /** What was seen, for the line under a failure. */
  readonly detail?: string;
  readonly cause?: string;
}

/** Request headers that authenticate a client: the bearer token, plus its own virtual key in passthrough mode. */
export type ClientHeaders = Readonly<Record<string, string>>;

/** A short account of an unexpected answer: status and error message, or the network error. */
export function seen(answer: HttpAnswer): string {
  if (answer.status === undefined) return `no response: ${answer.error ?? 'unknown error'}`;
  const error = openAiError(answer.body);
  const text = error ? `${error.type}: ${error.message}` : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  return `got ${answer.status}${text ? ` ${text.slice(0, 200)}` : ''}`;
}

async function timed(now: () => number, run: () => Promise<Omit<CheckResult, 'ms'>>): Promise<CheckResult> {
  const start = now();
  const result = await run();
  return { ...result, ms: now() - start };
}

function failure(name: string, step: Step, answer: HttpAnswer): Omit<CheckResult, 'ms'> {
  const observation: Observation = { step, ...answer };
  return { name, outcome: 'fail', detail: seen(answer), cause: diagnose(observation) };
}

/** 1. GET /v1/models lists every model the environment config declares. */
export async function checkModels(ctx: CheckContext, headers: ClientHeaders, configured: readonly string[]): Promise<CheckResult> {
  const name = `models listed (${configured.join(', ')})`;
  return timed(ctx.now, async () => {
    const answer = await send(ctx.fetch, `${ctx.gatewayUrl}/models`, { headers }, ctx.timeoutMs);
    if (answer.status !== 200) return failure(name, 'models', answer);
    const data = (answer.body as { data?: unknown } | undefined)?.data;
    if (!Array.isArray(data)) return { name, outcome: 'fail', detail: seen(answer), cause: CAUSES.notAModelList };
    const listed = data.map((m) => String((m as { id?: unknown } | null)?.id));
    const missing = missingModels(configured, listed);
    if (missing.length === 0) return { name, outcome: 'pass' };
    return {
      name,
      outcome: 'fail',
      detail: `missing: ${missing.join(', ')}; listed: ${listed.join(', ') || 'none'}`,
      cause: CAUSES.configNotRolledOut,
    };
  });
}

/** 2. A streaming chat completion comes back as server-sent events with content and a final [DONE]. */
export async function checkStreamingChat(
  ctx: CheckContext,
  headers: ClientHeaders,
  model: string,
  traceUserId: string,
): Promise<CheckResult> {
  const label = `streaming chat completion (${model})`;
  return timed(ctx.now, async () => {
    const start = ctx.now();
    const body = {
      model,
      messages: [{ role: 'user', content: 'Reply with the single word OK.' }],
      stream: true,
      max_tokens: 16,
      metadata: traceMetadata(traceUserId),
    };
    let response: Response;
    try {
      response = await ctx.fetch(`${ctx.gatewayUrl}/chat/completions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(ctx.timeoutMs),
      });
    } catch (e) {
      return failure(label, 'chat', { error: describeFetchError(e) });
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (response.status !== 200 || !response.body) {
      const text = await response.text().catch(() => '');
      return failure(label, 'chat', { status: response.status, body: parseBody(text), contentType });
    }
    if (!contentType.includes('text/event-stream')) {
      await response.body.cancel().catch(() => undefined);
      return { name: label, outcome: 'fail', detail: `content-type ${contentType || 'none'}`, cause: CAUSES.notStreamed };
    }
    let summary;
    try {
      summary = await readCompletionStream(response.body, () => ctx.now() - start);
    } catch (e) {
      return { name: label, outcome: 'fail', detail: `the stream broke: ${describeFetchError(e)}`, cause: CAUSES.streamCut };
    }
    const counted = `${summary.contentChunks} content chunk(s)`;
    if (summary.error)
      return { name: label, outcome: 'fail', detail: `after ${counted}`, cause: `${CAUSES.streamedError}: ${summary.error}` };
    if (summary.contentChunks === 0)
      return { name: label, outcome: 'fail', detail: `${summary.events} event(s)`, cause: CAUSES.streamWithoutContent };
    if (!summary.done) return { name: label, outcome: 'fail', detail: `after ${counted}`, cause: CAUSES.streamCut };
    return { name: `${label}: ${counted}, first after ${summary.firstContentMs ?? 0} ms`, outcome: 'pass' };
  });
}

/** 3-5. A request the edge must refuse: right status, OpenAI-style body, written by the edge rather than LiteLLM. */
export async function checkRefused(
  ctx: CheckContext,
  step: Extract<Step, 'no-token' | 'foreign-token' | 'expired-token' | 'admin-route'>,
  label: string,
  url: string,
  init: RequestInit,
): Promise<CheckResult> {
  return timed(ctx.now, async () => {
    const answer = await send(ctx.fetch, url, init, ctx.timeoutMs);
    const problem = refusalProblem({ step, ...answer });
    if (problem === undefined) return { name: `${label} refused (${answer.status})`, outcome: 'pass' };
    return { name: `${label} refused`, outcome: 'fail', detail: seen(answer), cause: problem };
  });
}

export interface TraceCheck {
  readonly langfuseUrl: string;
  readonly keys: LangfuseKeys;
  readonly traceUserId: string;
  /** When the chat request was sent. */
  readonly since: Date;
  readonly timeoutMs: number;
  readonly pollMs: number;
}

/** 6. The smoke call's trace appears in Langfuse in time. */
export async function checkTrace(ctx: CheckContext, trace: TraceCheck): Promise<CheckResult> {
  const name = `trace in Langfuse (user ${trace.traceUserId})`;
  return timed(ctx.now, async () => {
    const { found, last } = await waitForTrace({
      fetch: ctx.fetch,
      now: ctx.now,
      sleep: ctx.sleep,
      langfuseUrl: trace.langfuseUrl,
      keys: trace.keys,
      userId: trace.traceUserId,
      since: trace.since,
      timeoutMs: trace.timeoutMs,
      pollMs: trace.pollMs,
      requestTimeoutMs: ctx.timeoutMs,
    });
    if (found) return { name, outcome: 'pass' };
    const detail = last.status === 200 ? `none after ${Math.round(trace.timeoutMs / 1000)} s` : seen(last);
    return { name, outcome: 'fail', detail, cause: diagnose({ step: 'langfuse', ...last }) };
  });
}

/**
 * Right after a deploy, LiteLLM pods may still be starting or registering behind the load balancer, and the edge
 * answers 5xx meanwhile. Polls GET /v1/models until it answers anything else (or gives no answer at all, which
 * waiting will not fix) or time runs out; returns how long it waited and the last answer.
 */
export async function waitForGateway(
  ctx: CheckContext,
  headers: ClientHeaders,
  waitMs: number,
  pollMs: number,
): Promise<{ waitedMs: number; last: HttpAnswer }> {
  const start = ctx.now();
  for (;;) {
    const last = await send(ctx.fetch, `${ctx.gatewayUrl}/models`, { headers }, ctx.timeoutMs);
    const waitedMs = ctx.now() - start;
    if (last.status === undefined || last.status < 500 || waitedMs + pollMs > waitMs) return { waitedMs, last };
    await ctx.sleep(pollMs);
  }
}

/** A check that could not run because an earlier step failed. */
export function skipped(name: string, because: string): CheckResult {
  return { name, outcome: 'skip', ms: 0, detail: because };
}
