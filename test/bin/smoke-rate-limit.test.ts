import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RATE_LIMIT_CAUSES, checkSharedRateLimit } from '../../bin/smoke-rate-limit';
import type { CheckContext } from '../../bin/smoke-checks';
import { RequestWindow } from '../support/litellm-isolation';

/**
 * Gateway pods behind a round-robin load balancer, each limiting the key as LiteLLM's v3 limiter does
 * (test/support/litellm-isolation.ts): with one shared window (coordination_redis) or a window each.
 */
async function gateway(pods: number, shared: boolean, rpm: number, edgeThrottle = false): Promise<{ url: string; server: Server }> {
  const sharedWindow = new RequestWindow();
  const windows = Array.from({ length: pods }, () => (shared ? sharedWindow : new RequestWindow()));
  let next = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const pod = windows[next++ % pods]!;
      if (edgeThrottle) {
        res.writeHead(429, { 'content-type': 'application/json' }).end('{"message":"Too Many Requests"}');
        return;
      }
      if (!pod.admit('{api_key:hash}:requests', rpm, 1000)) {
        const error = { message: 'Rate limit exceeded for api_key: hash. Limit type: requests.', type: 'None', param: 'None', code: '429' };
        res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[{"message":{"content":"OK"}}]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function check(pods: number, shared: boolean, edgeThrottle = false) {
  const started = await gateway(pods, shared, 30, edgeThrottle);
  server = started.server;
  const ctx: CheckContext = { fetch, now: Date.now, sleep: async () => undefined, timeoutMs: 5000, gatewayUrl: started.url };
  return checkSharedRateLimit(ctx, { authorization: 'Bearer t' }, 'claude-sonnet-4', 30);
}

describe('checkSharedRateLimit', () => {
  test('passes when the pods share the limit: one of rpm + 1 requests is refused', async () => {
    const result = await check(3, true);
    expect(result).toMatchObject({
      outcome: 'pass',
      name: 'rpm limit 30 holds across pods (31 requests at once): 30 answered 200, 1 refused with 429',
    });
  });

  test('fails, naming per-pod counting, when each of three pods counts alone', async () => {
    const result = await check(3, false);
    expect(result).toMatchObject({ outcome: 'fail', detail: '31 answered 200, 0 refused with 429', cause: RATE_LIMIT_CAUSES.perPod });
  });

  test("does not take the edge's throttling for the consumer limit", async () => {
    const result = await check(1, true, true);
    expect(result).toMatchObject({ outcome: 'fail', cause: RATE_LIMIT_CAUSES.notLiteLlm });
  });
});
