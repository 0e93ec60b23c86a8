/**
 * Records what a test's expensive set-up cost (synths, emulator and database starts) for `npm run bench:tests`.
 * Only when BENCH_TESTS_LOG names a file: each call then appends one JSON line to it. Otherwise it only runs `work`.
 */
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';

export type SetupKind = 'synth' | 'moto' | 'postgres';

export interface SetupCost {
  readonly kind: SetupKind;
  readonly label: string;
  readonly ms: number;
  /** The test file that paid for it, relative to the working directory (the repository when run by jest). */
  readonly file: string;
}

function record(kind: SetupKind, label: string, started: number): void {
  const log = process.env.BENCH_TESTS_LOG;
  if (!log) return;
  const state = (globalThis as { expect?: { getState?: () => { testPath?: string } } }).expect?.getState?.();
  const cost: SetupCost = { kind, label, ms: performance.now() - started, file: relative(process.cwd(), state?.testPath ?? '') };
  appendFileSync(log, `${JSON.stringify(cost)}\n`);
}

export function timedSetup<T>(kind: SetupKind, label: string, work: () => T): T {
  const started = performance.now();
  const result = work();
  record(kind, label, started);
  return result;
}

export async function timedSetupAsync<T>(kind: SetupKind, label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  record(kind, label, started);
  return result;
}
