import { EMPTY_STREAM, addEvent, readCompletionStream, splitEvents } from '../../bin/smoke-sse';

const chunk = (content: string | undefined, finish: string | null = null) =>
  JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
  });

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

describe('splitEvents', () => {
  test('returns the data of complete events and keeps the incomplete tail', () => {
    expect(splitEvents('data: one\n\ndata: two\n\ndata: thr')).toEqual({ data: ['one', 'two'], rest: 'data: thr' });
  });

  test('joins multi-line data, ignores comments and other fields, and accepts CRLF', () => {
    expect(splitEvents(': keep-alive\r\n\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\n')).toEqual({ data: ['a\nb'], rest: '' });
  });
});

describe('addEvent', () => {
  test('counts content chunks, concatenates their text and notes when the first arrived', () => {
    let s = addEvent(EMPTY_STREAM, chunk('Hel'), 40);
    s = addEvent(s, chunk('lo'), 90);
    s = addEvent(s, chunk(undefined, 'stop'), 95);
    s = addEvent(s, '[DONE]', 96);
    expect(s).toEqual({ events: 4, contentChunks: 2, text: 'Hello', done: true, firstContentMs: 40 });
  });

  test("records LiteLLM's mid-stream error event", () => {
    const s = addEvent(
      EMPTY_STREAM,
      JSON.stringify({ error: { message: 'BedrockException - AccessDenied', type: 'internal_server_error' } }),
      5,
    );
    expect(s.error).toBe('BedrockException - AccessDenied');
  });

  test('a data line that is not JSON is an error', () => {
    expect(addEvent(EMPTY_STREAM, '<html>', 1).error).toBe('a data line is not JSON: <html>');
  });
});

describe('readCompletionStream', () => {
  test('reads events split across reads, and a last event without its blank line', async () => {
    const body = streamOf(`data: ${chunk('O')}\n`, `\ndata: ${chunk('K')}\n\nda`, 'ta: [DONE]');
    const summary = await readCompletionStream(body, () => 7);
    expect(summary).toMatchObject({ contentChunks: 2, text: 'OK', done: true, firstContentMs: 7 });
  });

  test('a stream cut before [DONE] is not done', async () => {
    const summary = await readCompletionStream(streamOf(`data: ${chunk('O')}\n\n`), () => 1);
    expect(summary).toMatchObject({ contentChunks: 1, done: false });
  });
});
