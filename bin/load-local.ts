/**
 * `npm run load -- --local`: the edge's own overhead on this machine. A loopback stand-in for API Gateway
 * (test/support/authorizer-gateway.ts: identity source, authorizer result cache, key injection, streamed proxy)
 * runs the real authorizer code (lambda/authorizer wiring: JWT verification with aws-jwt-verify, key lookup and
 * cache) in front of a stand-in that answers every chat completion like LiteLLM's mock model after a fixed delay.
 * The same load is driven once straight at the stand-in and once through the edge; the difference is the edge's.
 * Only 127.0.0.1 is used.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../lambda/authorizer/config';
import { createEmfMetrics, createLogger } from '../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../lambda/authorizer/wiring';
import { GatewayStandIn } from '../test/support/authorizer-gateway';
import { accessClaims, CLIENT_ID, ISSUER, jwksOf, mint, rsaKey } from '../test/support/authorizer-tokens';
import { MOCK_RESPONSE } from '../k8s/renderers/litellm-config';
import { LOAD_MOCK_MODEL } from '../lib/shared/load-test';
import { chatBody, driveLoad } from './load-run';
import type { LoadSamples } from './load-report';

/** A chat completion as LiteLLM's mock answers it (OpenAI shape), after `delayMs`. */
async function startMockGateway(delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void sleep(delayMs).then(() => {
        const body = JSON.stringify({
          id: 'chatcmpl-mock',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: LOAD_MOCK_MODEL,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: MOCK_RESPONSE } }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export interface LocalRun {
  readonly direct: LoadSamples;
  readonly throughEdge: LoadSamples;
}

/** Runs the direct and the edge pass one after the other; stops both servers whatever happens. */
export async function runLocal(
  options: { readonly concurrency: number; readonly durationSeconds: number; readonly mockDelayMs: number; readonly requests?: number },
  onStart: (stop: () => void) => void,
): Promise<LocalRun> {
  const key = rsaKey('load');
  const token = mint(key, accessClaims());
  const silent = () => undefined;
  const parts = buildAuthorizer(
    loadConfig({
      AUTH_MODE: 'inject',
      JWT_ISSUERS: ISSUER,
      JWT_CLIENT_IDS: CLIENT_ID,
      REQUIRED_SCOPE: 'genai-gateway/invoke',
      VIRTUAL_KEY_SECRET_PREFIX: 'genai-gateway/load/virtual-keys/',
    }),
    {
      logger: createLogger({ write: silent, clock: Date.now }),
      metrics: createEmfMetrics({ write: silent, clock: Date.now }),
      clock: Date.now,
      fetchJwks: () => Promise.resolve(jwksOf(key) as never),
      secretSource: () => Promise.resolve('sk-load_virtual_key_0123456789'),
    },
  );
  const mock = await startMockGateway(options.mockDelayMs);
  const edge = await GatewayStandIn.start(parts.handler, mock.url);
  try {
    const target = {
      headers: {},
      body: chatBody(LOAD_MOCK_MODEL),
      concurrency: options.concurrency,
      durationSeconds: options.durationSeconds,
      ...(options.requests !== undefined ? { requests: options.requests } : {}),
    };
    const direct = await driveLoad({ ...target, url: `${mock.url}/v1/chat/completions` }, onStart);
    const throughEdge = await driveLoad(
      { ...target, url: `${edge.url}/v1/chat/completions`, headers: { authorization: `Bearer ${token}` } },
      onStart,
    );
    return { direct, throughEdge };
  } finally {
    await edge.stop();
    await new Promise<void>((resolve) => mock.server.close(() => resolve()));
  }
}
