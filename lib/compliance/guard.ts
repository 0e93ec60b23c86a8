import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { controlTowerRules, guardBinary, type ControlTowerRule } from './control-tower-rules';

/** One resource a control rejects. */
export interface GuardFinding {
  readonly control: string;
  readonly templatePath: string;
  readonly logicalId: string;
}

export interface GuardResult {
  /** Controls that inspected at least one resource (passed or not); the rest had nothing to look at. */
  readonly evaluated: ReadonlySet<string>;
  readonly findings: readonly GuardFinding[];
}

interface Template {
  readonly Resources?: Readonly<Record<string, { readonly Type: string }>>;
}

/** The parts of `cfn-guard validate --output-format json --structured` (3.1.1) read here: one entry per data file. */
interface GuardFileResult {
  readonly name: string;
  readonly compliant?: readonly string[];
  readonly not_compliant?: readonly { readonly Rule: { readonly name: string } }[];
}

/**
 * Runs the Control Tower rules over the templates with the bundled cfn-guard, in one process. Only rules that name a
 * resource type present in some template are passed: every rule skips a template without its types (scenario 1 of
 * each rule file), and parsing all 237 files costs seconds per run.
 */
export function runControlTowerRules(templatePaths: readonly string[]): GuardResult {
  const templates = new Map(templatePaths.map((p) => [p, JSON.parse(fs.readFileSync(p, 'utf8')) as Template]));
  const present = new Set([...templates.values()].flatMap((t) => Object.values(t.Resources ?? {}).map((r) => r.Type)));
  const rules = controlTowerRules().filter((r) => r.resourceTypes.length === 0 || r.resourceTypes.some((t) => present.has(t)));
  const byName = new Map(rules.map((r) => [r.ruleName, r]));
  if (rules.length === 0 || templatePaths.length === 0) return { evaluated: new Set(), findings: [] };

  const args = ['validate', ...rules.flatMap((r) => ['--rules', r.file]), ...templatePaths.flatMap((p) => ['--data', p])];
  const run = spawnSync(guardBinary(), [...args, '--output-format', 'json', '--show-summary', 'none', '--structured'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  // cfn-guard exits 19 when a rule fails (5 in older releases); anything else means it did not evaluate.
  if (run.error) throw run.error;
  if (![0, 5, 19].includes(run.status ?? -1)) throw new Error(`cfn-guard exited ${run.status ?? run.signal}: ${run.stderr.trim()}`);
  const results = JSON.parse(run.stdout) as GuardFileResult[];

  const evaluated = new Set<string>();
  const findings: GuardFinding[] = [];
  for (const result of results) {
    const template = templates.get(result.name);
    if (!template) throw new Error(`cfn-guard reported on ${result.name}, which it was not given`);
    for (const name of result.compliant ?? []) evaluated.add(ruleOf(byName, name).control);
    for (const { Rule } of result.not_compliant ?? []) {
      const rule = ruleOf(byName, Rule.name);
      evaluated.add(rule.control);
      for (const logicalId of failingResources(Rule, template, rule)) {
        findings.push({ control: rule.control, templatePath: result.name, logicalId });
      }
    }
  }
  return { evaluated, findings };
}

function ruleOf(byName: ReadonlyMap<string, ControlTowerRule>, name: string): ControlTowerRule {
  const rule = byName.get(name);
  if (!rule) throw new Error(`cfn-guard reported rule ${name}, which is not a Control Tower rule it was given`);
  return rule;
}

/**
 * The resources a failed rule points at: every `/Resources/<id>/...` path in its checks, kept only when the resource is
 * of a type the rule inspects (a check may also walk to a resource it merely references).
 */
function failingResources(report: unknown, template: Template, rule: ControlTowerRule): string[] {
  const ids = new Set([...JSON.stringify(report).matchAll(/"path":"\/Resources\/([^/"]+)/g)].map((m) => m[1]!));
  return [...ids].filter((id) => {
    const type = template.Resources?.[id]?.Type;
    return type !== undefined && (rule.resourceTypes.length === 0 || rule.resourceTypes.includes(type));
  });
}
