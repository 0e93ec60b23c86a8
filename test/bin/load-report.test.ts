import { formatReport, percentile, summarize } from '../../bin/load-report';

describe('percentile', () => {
  test('is the nearest rank: the smallest value with at least p % at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(hundred, 50), percentile(hundred, 95), percentile(hundred, 99), percentile(hundred, 100)]).toEqual([
      50, 95, 99, 100,
    ]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarize', () => {
  const samples = {
    // 90 fast answers, 8 slower, 2 slowest; 95 ok, 3 throttled, 2 failed at the edge; 1 with no answer.
    latenciesMs: [...Array.from({ length: 90 }, () => 60), ...Array.from({ length: 8 }, () => 80), 200, 300],
    statuses: { 200: 95, 429: 3, 502: 2 },
    noAnswer: 1,
    elapsedMs: 10_000,
  };
  const report = summarize(samples, 50);

  test('throughput counts answered requests per second of the run', () => {
    expect(report.requests).toBe(101);
    expect(report.throughputRps).toBe(10);
  });

  test('latency percentiles, and what the path adds over the model', () => {
    expect([report.p50Ms, report.p95Ms, report.p99Ms, report.maxMs]).toEqual([60, 80, 200, 300]);
    expect([report.addedP50Ms, report.addedP99Ms]).toEqual([10, 150]);
  });

  test('errors by status, a request without an answer among them', () => {
    expect(report.byStatus).toEqual({ '200': 95, '429': 3, '502': 2, 'no answer': 1 });
    expect(report.errorRate).toBeCloseTo(6 / 101, 10);
  });

  test('never reports negative added time when the path answers faster than the configured delay', () => {
    expect(summarize({ latenciesMs: [40], statuses: { 200: 1 }, noAnswer: 0, elapsedMs: 1000 }, 50).addedP50Ms).toBe(0);
  });

  test('a run with no answer at all reports no latency and a 100 % error rate', () => {
    const none = summarize({ latenciesMs: [], statuses: {}, noAnswer: 4, elapsedMs: 1000 }, 50);
    expect([none.requests, none.throughputRps, none.errorRate]).toEqual([4, 0, 1]);
    expect(none.p50Ms).toBeNaN();
  });

  test('formats one line per figure', () => {
    expect(formatReport(report, { target: 'dev edge', concurrency: 10, durationSeconds: 10, modelDelayMs: 50 })).toEqual([
      'load: dev edge, 10 connections for 10 s',
      '  requests          101 (5.94 % not 2xx)',
      '  throughput        10.0 requests/s',
      '  latency           p50 60.0 ms, p95 80.0 ms, p99 200.0 ms, max 300.0 ms',
      '  by status         200: 95, 429: 3, 502: 2, no answer: 1',
      "  added over model  p50 10.0 ms, p99 150.0 ms (model's own delay 50 ms)",
    ]);
  });
});
