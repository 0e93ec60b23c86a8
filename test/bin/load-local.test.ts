import { runLocal } from '../../bin/load-local';
import { chatBody, driveLoad } from '../../bin/load-run';

describe('npm run load -- --local', () => {
  test('drives the stand-in mock directly and through the edge with the real authorizer; every answer a 200 no faster than the mock', async () => {
    // A fixed number of requests, so the count does not depend on how busy the machine is.
    const run = await runLocal({ concurrency: 2, durationSeconds: 1, mockDelayMs: 20, requests: 40 }, () => undefined);
    for (const samples of [run.direct, run.throughEdge]) {
      expect(Object.keys(samples.statuses)).toEqual(['200']);
      expect(samples.latenciesMs.length).toBe(40);
      expect(Math.min(...samples.latenciesMs)).toBeGreaterThanOrEqual(19);
      expect(samples.noAnswer).toBe(0);
    }
  }, 20_000);
});

describe('chatBody', () => {
  test('asks for one token of a non-streamed chat completion of the model', () => {
    expect(JSON.parse(chatBody('load-mock'))).toEqual({
      model: 'load-mock',
      messages: [{ role: 'user', content: 'ping' }],
      max_tokens: 1,
      stream: false,
    });
  });
});

describe('driveLoad', () => {
  test('denies nothing silently: a refusing edge shows up as its status, not as latency of successes', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"message":"Unauthorized"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const samples = await driveLoad({
        url: `http://127.0.0.1:${port}/v1/chat/completions`,
        headers: {},
        body: chatBody('x'),
        concurrency: 1,
        durationSeconds: 1,
      });
      expect(Object.keys(samples.statuses)).toEqual(['401']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 20_000);
});
