/**
 * Drives one URL with autocannon (a maintained load library: connection pool, pipelining off, its own clock) and
 * collects every answer's latency and status, so the report's maths is ours and tested (bin/load-report.ts).
 */
import type { LoadSamples } from './load-report';

/** The slice of autocannon's API the kit uses (autocannon 9.0.0 lib/run.js: the instance emits `response` with
 * (client, statusCode, resBytes, responseTime ms) and `reqError`; `stop()` ends the run early). */
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
  stop(): void;
}
type Autocannon = (options: Record<string, unknown>, done: (error: Error | null, result: unknown) => void) => AutocannonInstance;

export interface LoadTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly concurrency: number;
  readonly durationSeconds: number;
  /**
   * A fixed number of requests instead of a duration (autocannon's `amount`, which overrides `duration`): for runs
   * whose sample count must not depend on how fast the machine is. @default none (run for `durationSeconds`)
   */
  readonly requests?: number;
  /** Seconds before a request without an answer counts as `no answer`. */
  readonly timeoutSeconds?: number;
}

/** An OpenAI chat completion as small as can be: one short message, at most one token back. */
export function chatBody(model: string): string {
  return JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
}

/** Runs the load; `onStart` gets a stop function (Ctrl-C), and what was measured is returned either way. */
export function driveLoad(target: LoadTarget, onStart: (stop: () => void) => void = () => undefined): Promise<LoadSamples> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const autocannon = require('autocannon') as Autocannon;
  const latenciesMs: number[] = [];
  const statuses: Record<number, number> = {};
  let noAnswer = 0;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...target.headers },
        body: target.body,
        connections: target.concurrency,
        duration: target.durationSeconds,
        ...(target.requests !== undefined ? { amount: target.requests } : {}),
        timeout: target.timeoutSeconds ?? 30,
      },
      (error) => {
        if (error) reject(error);
        else resolve({ latenciesMs, statuses, noAnswer, elapsedMs: Date.now() - started });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latenciesMs.push(responseTimeMs);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    instance.on('reqError', () => {
      noAnswer += 1;
    });
    onStart(() => instance.stop());
  });
}
