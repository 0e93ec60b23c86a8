/** The load kit's figures from what was measured: pure maths and formatting, no I/O. */

/** What one run measured: one latency per answered request, answers by status, and failures without an answer. */
export interface LoadSamples {
  /** Milliseconds from sending a request to the end of its answer, one per answered request. */
  readonly latenciesMs: readonly number[];
  /** Answered requests by HTTP status. */
  readonly statuses: Readonly<Record<number, number>>;
  /** Requests that got no answer (connection reset, timeout). */
  readonly noAnswer: number;
  /** How long the run actually lasted. */
  readonly elapsedMs: number;
}

export interface LoadReport {
  readonly requests: number;
  /** Answered requests per second (any status). */
  readonly throughputRps: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers by status, 2xx included, plus `no answer`. */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Share of requests that were not 2xx, 0 to 1. */
  readonly errorRate: number;
  /** What the path adds over the model's own delay, at the median and at p99 (never below 0). */
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
}

/** Nearest-rank percentile of ascending values: the smallest value with at least p % of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export function summarize(samples: LoadSamples, modelDelayMs: number): LoadReport {
  const sorted = [...samples.latenciesMs].sort((a, b) => a - b);
  const answered = sorted.length;
  const requests = answered + samples.noAnswer;
  const ok = Object.entries(samples.statuses)
    .filter(([status]) => Number(status) >= 200 && Number(status) < 300)
    .reduce((sum, [, n]) => sum + n, 0);
  const byStatus: Record<string, number> = Object.fromEntries(Object.entries(samples.statuses).map(([s, n]) => [String(s), n]));
  if (samples.noAnswer > 0) byStatus['no answer'] = samples.noAnswer;
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  return {
    requests,
    throughputRps: samples.elapsedMs > 0 ? answered / (samples.elapsedMs / 1000) : 0,
    p50Ms: p50,
    p95Ms: percentile(sorted, 95),
    p99Ms: p99,
    maxMs: answered > 0 ? (sorted[answered - 1] as number) : Number.NaN,
    byStatus,
    errorRate: requests > 0 ? (requests - ok) / requests : 0,
    addedP50Ms: Math.max(0, p50 - modelDelayMs),
    addedP99Ms: Math.max(0, p99 - modelDelayMs),
  };
}

const ms = (n: number) => (Number.isNaN(n) ? 'n/a' : `${n.toFixed(1)} ms`);

/** The report as lines for a terminal or a README table. */
export function formatReport(
  report: LoadReport,
  context: { readonly target: string; readonly concurrency: number; readonly durationSeconds: number; readonly modelDelayMs: number },
): string[] {
  const statuses = Object.entries(report.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  return [
    `load: ${context.target}, ${context.concurrency} connections for ${context.durationSeconds} s`,
    `  requests          ${report.requests} (${(report.errorRate * 100).toFixed(2)} % not 2xx)`,
    `  throughput        ${report.throughputRps.toFixed(1)} requests/s`,
    `  latency           p50 ${ms(report.p50Ms)}, p95 ${ms(report.p95Ms)}, p99 ${ms(report.p99Ms)}, max ${ms(report.maxMs)}`,
    `  by status         ${statuses || 'none'}`,
    `  added over model  p50 ${ms(report.addedP50Ms)}, p99 ${ms(report.addedP99Ms)} (model's own delay ${context.modelDelayMs} ms)`,
  ];
}
