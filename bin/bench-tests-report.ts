/**
 * The tables `npm run bench:tests` prints: pure functions over jest's `--json` result, the set-up cost log
 * (test/support/setup-costs.ts) and `.ci/run`'s step summary. No I/O here.
 */

/** The fields of jest's `--json` result this report reads. */
export interface JestResult {
  readonly numTotalTests: number;
  readonly numFailedTests: number;
  readonly testResults: readonly { readonly name: string; readonly startTime: number; readonly endTime: number }[];
}

/** One line of the set-up cost log. */
export interface SetupCostLine {
  readonly kind: string;
  readonly label: string;
  readonly ms: number;
  readonly file: string;
}

export interface Row {
  readonly label: string;
  readonly seconds: number;
  /** Free text after the share column (a count, a ratio). */
  readonly note?: string;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Seconds each test file ran (its own wall time inside a worker), slowest first, paths relative to `root`. */
export function fileRows(result: JestResult, root: string): Row[] {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return result.testResults
    .map((r) => ({ label: r.name.startsWith(prefix) ? r.name.slice(prefix.length) : r.name, seconds: (r.endTime - r.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds || a.label.localeCompare(b.label));
}

/** Test-file time summed per folder (`test/lib`, `test/lambda/authorizer`, ...), slowest first. */
export function folderRows(files: readonly Row[], depth = 2): Row[] {
  const totals = new Map<string, { seconds: number; count: number }>();
  for (const file of files) {
    const folder = file.label.split('/').slice(0, depth).join('/');
    const total = totals.get(folder) ?? { seconds: 0, count: 0 };
    totals.set(folder, { seconds: total.seconds + file.seconds, count: total.count + 1 });
  }
  return [...totals]
    .map(([label, t]) => ({ label, seconds: t.seconds, note: `${t.count} files` }))
    .sort((a, b) => b.seconds - a.seconds || a.label.localeCompare(b.label));
}

/**
 * Set-up costs grouped by what was set up (kind and label: a stack path, `moto_server`, `PostgreSQL 16.13`),
 * most expensive first, each with how often it was paid and by how many files.
 */
export function setupRows(lines: readonly SetupCostLine[]): Row[] {
  const groups = new Map<string, { seconds: number; count: number; files: Set<string> }>();
  for (const line of lines) {
    const key = `${line.kind}: ${line.label}`;
    const group = groups.get(key) ?? { seconds: 0, count: 0, files: new Set<string>() };
    group.seconds += line.ms / 1000;
    group.count += 1;
    group.files.add(line.file);
    groups.set(key, group);
  }
  return [...groups]
    .map(([label, g]) => ({ label, seconds: g.seconds, note: `${g.count}x in ${g.files.size} files` }))
    .sort((a, b) => b.seconds - a.seconds || a.label.localeCompare(b.label));
}

/** Parses the set-up cost log (one JSON object a line); blank lines are skipped, anything else is an error. */
export function parseSetupLog(text: string): SetupCostLine[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = JSON.parse(line) as Partial<SetupCostLine>;
      if (
        typeof parsed.kind !== 'string' ||
        typeof parsed.label !== 'string' ||
        typeof parsed.ms !== 'number' ||
        typeof parsed.file !== 'string'
      )
        throw new Error(`set-up log line ${i + 1}: expected {kind, label, ms, file}, got ${line.slice(0, 200)}`);
      return parsed as SetupCostLine;
    });
}

/**
 * The `step <seconds> s <name>` lines of `.ci/run`'s closing summary (a `| name` is one of a step's parallel
 * parts) and its `total <seconds> s` line.
 */
export function parseCiSteps(output: string): { steps: Row[]; total?: number } {
  const steps = [...output.matchAll(/^step\s+(\d+(?:\.\d+)?)\s+s\s+(.+)$/gm)].map((m) => ({ label: m[2]!.trim(), seconds: Number(m[1]) }));
  const total = /^total\s+(\d+(?:\.\d+)?)\s+s$/m.exec(output);
  return total ? { steps, total: Number(total[1]) } : { steps };
}

/** A fixed-width table: label, seconds, share of `total` (or of the rows' sum), note. At most `limit` rows. */
export function table(title: string, rows: readonly Row[], options: { total?: number; limit?: number } = {}): string {
  const total = options.total ?? rows.reduce((sum, r) => sum + r.seconds, 0);
  const shown: Row[] = rows.slice(0, options.limit ?? rows.length);
  const rest = rows.slice(shown.length);
  if (rest.length > 0) shown.push({ label: `(${rest.length} more)`, seconds: rest.reduce((sum, r) => sum + r.seconds, 0) });
  const width = Math.max(...shown.map((r) => r.label.length));
  const share = (seconds: number) => (total > 0 ? (100 * seconds) / total : 0).toFixed(1).padStart(5);
  const lines = shown.map(
    (r) => `  ${r.label.padEnd(width)}  ${r.seconds.toFixed(2).padStart(8)} s  ${share(r.seconds)} %${r.note ? `  ${r.note}` : ''}`,
  );
  return [`${title} (total ${total.toFixed(2)} s)`, ...lines].join('\n');
}
