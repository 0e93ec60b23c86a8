/**
 * Reads an OpenAI-style chat completion stream: server-sent events whose `data:` lines carry JSON chunks, ended by
 * `data: [DONE]`. LiteLLM reports an error that happens mid-stream as a data line holding `{"error": {...}}`.
 */

/** What a completion stream carried, summed up for the smoke check. */
export interface StreamSummary {
  /** Data events seen, [DONE] included. */
  readonly events: number;
  /** Chunks that carried a non-empty `choices[0].delta.content`. */
  readonly contentChunks: number;
  readonly text: string;
  readonly done: boolean;
  /** Message of an error event, if the stream carried one. */
  readonly error?: string;
  /** Milliseconds from the request to the first content chunk. */
  readonly firstContentMs?: number;
}

/** Splits server-sent event text into the data payloads of complete events; returns them and the unparsed rest. */
export function splitEvents(buffer: string): { data: string[]; rest: string } {
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  const data = blocks.flatMap((block) => {
    const lines = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''));
    return lines.length > 0 ? [lines.join('\n')] : [];
  });
  return { data, rest };
}

/** Folds one data payload into the running summary. */
export function addEvent(summary: StreamSummary, data: string, elapsedMs: number): StreamSummary {
  const events = summary.events + 1;
  if (data === '[DONE]') return { ...summary, events, done: true };
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return { ...summary, events, error: summary.error ?? `a data line is not JSON: ${data.slice(0, 80)}` };
  }
  const error = (chunk as { error?: { message?: unknown } }).error;
  if (error)
    return { ...summary, events, error: summary.error ?? (typeof error.message === 'string' ? error.message : JSON.stringify(error)) };
  const content = (chunk as { choices?: { delta?: { content?: unknown } }[] }).choices?.[0]?.delta?.content;
  if (typeof content !== 'string' || content === '') return { ...summary, events };
  return {
    ...summary,
    events,
    contentChunks: summary.contentChunks + 1,
    text: summary.text + content,
    firstContentMs: summary.firstContentMs ?? elapsedMs,
  };
}

export const EMPTY_STREAM: StreamSummary = { events: 0, contentChunks: 0, text: '', done: false };

/** Reads a whole stream of bytes into a summary; `elapsed` gives the time since the request was sent. */
export async function readCompletionStream(body: ReadableStream<Uint8Array>, elapsed: () => number): Promise<StreamSummary> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let summary = EMPTY_STREAM;
  for (;;) {
    const { value, done } = await reader.read();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const { data, rest } = splitEvents(done ? `${buffer}\n\n` : buffer);
    buffer = rest;
    for (const payload of data) summary = addEvent(summary, payload, elapsed());
    if (done) return summary;
  }
}
