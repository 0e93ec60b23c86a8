/**
 * Turns one environment's `npm run diff` output and `git diff --stat` of its manifests into a markdown section of
 * the pull-request diff comment: one collapsed <details> per changed stack.
 *   npx tsx bin/diff-comment.ts --env dev --diff diff.txt --exit-code 0 [--manifests stat.txt] [--max-chars 30000]
 * The workflow's comment job joins the sections under COMMENT_MARKER; it runs none of this repository's code.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** Identifies the one comment the workflow updates in place (.github/workflows/pull-request.yml uses it verbatim). */
export const COMMENT_MARKER = '<!-- genai-cdk-diff -->';

/** GitHub rejects comments over 65,536 characters; sections share what is left after the header. */
export const DEFAULT_MAX_CHARS = 60_000;

export interface StackDiff {
  /** Construct path, e.g. `dev/Network`. */
  readonly id: string;
  /** CloudFormation stack name, e.g. `genai-dev-network`. */
  readonly stackName?: string;
  readonly lines: readonly string[];
  /** Resource, output and parameter lines marked [+], [-] or [~]. */
  readonly changes: number;
  readonly hasDifferences: boolean;
}

export interface ParsedDiff {
  /** Lines before the first stack (synth and bundling noise). */
  readonly preamble: readonly string[];
  readonly stacks: readonly StackDiff[];
}

// Colour and cursor escapes (ESC [ ... final byte), in case a tool ignores --no-color.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');
const STACK_HEADER = /^Stack (\S+)(?: \(([^)]+)\))?\s*$/;
const CHANGE = /^\[[-+~]\]/;

/** Splits cdk diff output into stacks. */
export function parseCdkDiff(output: string): ParsedDiff {
  const preamble: string[] = [];
  const stacks: { id: string; stackName?: string; lines: string[] }[] = [];
  for (const raw of output.replace(ANSI, '').split(/\r?\n/)) {
    const header = STACK_HEADER.exec(raw);
    const current = stacks.at(-1);
    if (header?.[1]) stacks.push({ id: header[1], ...(header[2] ? { stackName: header[2] } : {}), lines: [] });
    else if (/^\W*Number of stacks with differences/.test(raw)) continue;
    else if (current) current.lines.push(raw);
    else preamble.push(raw);
  }
  return {
    preamble,
    stacks: stacks.map((s) => {
      const lines = trimBlank(s.lines);
      const hasDifferences = !(lines.length === 1 && /^There were no differences/.test(lines[0] ?? '')) && lines.length > 0;
      return { ...s, lines, changes: lines.filter((l) => CHANGE.test(l)).length, hasDifferences };
    }),
  };
}

export interface SectionInput {
  readonly environment: string;
  readonly diffOutput: string;
  /** Exit code of `npm run diff`. */
  readonly exitCode: number;
  /** `git diff --stat` of manifests/<env>/ (empty when unchanged). */
  readonly manifestStat?: string;
  readonly maxChars?: number;
}

/** One environment's section of the comment. */
export function renderSection(input: SectionInput): string {
  const maxChars = input.maxChars ?? DEFAULT_MAX_CHARS;
  const { preamble, stacks } = parseCdkDiff(input.diffOutput);
  const changed = stacks.filter((s) => s.hasDifferences);
  const unchanged = stacks.filter((s) => !s.hasDifferences);
  const stat = trimBlank((input.manifestStat ?? '').replace(ANSI, '').split(/\r?\n/));

  const parts: string[] = [`### \`${input.environment}\`: ${headline(input.exitCode, changed.length, stacks.length)}`, ''];
  const fixed: string[] = [];
  if (unchanged.length > 0) fixed.push(`No differences: ${unchanged.map((s) => `\`${s.id}\``).join(', ')}`, '');
  if (stat.length > 0) fixed.push(details(`Manifests: ${stat.at(-1)?.trim() ?? ''}`, fence('text', stat)), '');
  else fixed.push('Manifests: no change.', '');

  // Whatever the fixed parts leave is shared by the changed stacks (and the failure log).
  const fixedChars = [...parts, ...fixed].join('\n').length + 200;
  const blocks = input.exitCode === 0 ? changed.length : changed.length + 1;
  const perBlock = Math.max(500, Math.floor((maxChars - fixedChars) / Math.max(1, blocks)) - 200);
  for (const stack of changed) {
    const title = `${stack.id}${stack.stackName ? ` (${stack.stackName})` : ''}: ${stack.changes} change${stack.changes === 1 ? '' : 's'}`;
    parts.push(details(title, fence('diff', truncate(stack.lines.map(diffLine), perBlock))), '');
  }
  if (input.exitCode !== 0) {
    const log = trimBlank([...preamble, ...stacks.flatMap((s) => [`Stack ${s.id}`, ...s.lines])]);
    parts.push(
      details(`cdk diff failed (exit ${input.exitCode}): last lines of its output`, fence('text', truncate(log, perBlock, 'start'))),
      '',
    );
  }
  parts.push(...fixed);
  return `${parts.join('\n').trimEnd()}\n`;
}

function headline(exitCode: number, changed: number, total: number): string {
  if (exitCode !== 0) return `:x: cdk diff failed (exit ${exitCode}); see the job log`;
  if (total === 0) return 'no stacks in the diff output';
  return changed === 0
    ? `no differences in ${total} stack${total === 1 ? '' : 's'}`
    : `${changed} of ${total} stack${total === 1 ? '' : 's'} changed`;
}

/** cdk marks changes with [+] / [-]; a leading +/- lets GitHub colour them. */
function diffLine(line: string): string {
  if (line.startsWith('[+]')) return `+${line}`;
  if (line.startsWith('[-]')) return `-${line}`;
  return ` ${line}`;
}

function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`;
}

/** A fence longer than any backtick run inside, so output can never close it early. */
function fence(language: string, lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((r) => r.length))));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${lines.join('\n')}\n${ticks}`;
}

/** Keeps whole lines within `maxChars`, from the top (or the bottom, for logs), saying how many were cut. */
export function truncate(lines: readonly string[], maxChars: number, keep: 'end' | 'start' = 'end'): string[] {
  const total = lines.reduce((n, l) => n + l.length + 1, 0);
  if (total <= maxChars) return [...lines];
  const ordered = keep === 'end' ? lines : [...lines].reverse();
  const kept: string[] = [];
  let used = 0;
  for (const line of ordered) {
    if (used + line.length + 1 > maxChars) break;
    kept.push(line);
    used += line.length + 1;
  }
  const note = `... ${lines.length - kept.length} more line(s) cut; the full output is in the job log`;
  return keep === 'end' ? [...kept, note] : [note, ...kept.reverse()];
}

function trimBlank(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]?.trim()) start++;
  while (end > start && !lines[end - 1]?.trim()) end--;
  return lines.slice(start, end);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      diff: { type: 'string' },
      'exit-code': { type: 'string' },
      manifests: { type: 'string' },
      'max-chars': { type: 'string' },
    },
    strict: true,
  });
  if (!values.env || !values.diff || values['exit-code'] === undefined) {
    throw new Error('usage: diff-comment --env <env> --diff <file> --exit-code <n> [--manifests <file>] [--max-chars <n>]');
  }
  process.stdout.write(
    renderSection({
      environment: values.env,
      diffOutput: readFileSync(values.diff, 'utf8'),
      exitCode: Number(values['exit-code']),
      manifestStat: values.manifests ? readFileSync(values.manifests, 'utf8') : '',
      maxChars: values['max-chars'] ? Number(values['max-chars']) : DEFAULT_MAX_CHARS,
    }),
  );
}

if (require.main === module) main(process.argv.slice(2));
