/** How the smoke run reports: one line per check with its timing, the cause under a failure, and a summary. */
import type { CheckResult } from './smoke-checks';

const LABELS: Record<CheckResult['outcome'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/**
 * Hides secrets that could appear in an upstream message: LiteLLM keys (`sk-...`), Langfuse keys, JWTs and key
 * hashes. Nothing the run itself prints holds one, but error messages quote what the servers saw.
 */
export function redact(text: string): string {
  return text
    .replace(/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, '<jwt>')
    .replace(/\b(sk-lf-|pk-lf-|sk-)[\w-]{6,}/g, '$1…')
    .replace(/\b[0-9a-f]{64}\b/g, '<hash>');
}

/** The lines of one check: `PASS  name  12 ms`, and for a failure the detail and the cause under it. */
export function formatCheck(result: CheckResult, options: { annotate: boolean } = { annotate: false }): string[] {
  const head = `${LABELS[result.outcome]}  ${redact(result.name)}${result.outcome === 'skip' ? '' : `  ${Math.round(result.ms)} ms`}`;
  const lines = [options.annotate && result.outcome === 'fail' ? `::error::${head}` : head];
  if (result.detail) lines.push(`      ${result.outcome === 'skip' ? 'skipped: ' : ''}${redact(result.detail)}`);
  if (result.cause) lines.push(`      likely cause: ${redact(result.cause)}`);
  return lines;
}

/** The closing line. */
export function summary(results: readonly CheckResult[]): string {
  const failed = results.filter((r) => r.outcome === 'fail').length;
  const skippedCount = results.filter((r) => r.outcome === 'skip').length;
  const skippedText = skippedCount > 0 ? `, ${skippedCount} skipped` : '';
  if (failed === 0 && skippedCount === 0) return `smoke: all ${results.length} checks passed`;
  return `smoke: ${failed} of ${results.length} checks failed${skippedText}`;
}

/** 0 when every check passed; 1 when any failed or was skipped (a skipped check proves nothing). */
export function exitCode(results: readonly CheckResult[]): number {
  return results.every((r) => r.outcome === 'pass') ? 0 : 1;
}
