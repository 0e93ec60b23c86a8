import { CfnElement, Stack, type Stage } from 'aws-cdk-lib';
import { CONTROL_TOWER_EXCEPTIONS, type ControlTowerException } from './control-tower-exceptions';
import { runControlTowerRules } from './guard';

/** A resource a control rejects, named by its construct path under the environment's stage (`Data/Buckets/...`). */
export interface ControlFinding {
  readonly control: string;
  readonly path: string;
}

/** One `resources` pattern of an exception, and how many findings it excused in one environment. */
export interface ExceptionUse {
  readonly exception: ControlTowerException;
  readonly pattern: string;
  readonly matched: number;
}

export interface ControlTowerReport {
  readonly environment: string;
  /** Controls that inspected at least one resource. */
  readonly evaluated: readonly string[];
  /** Evaluated controls no resource failed. */
  readonly passed: readonly string[];
  /** Controls whose every finding is a documented exception. */
  readonly excepted: readonly string[];
  /** Controls with at least one finding no exception covers. */
  readonly failed: readonly string[];
  readonly failures: readonly ControlFinding[];
  readonly exceptedFindings: readonly ControlFinding[];
  /** Every pattern of every exception that holds in this environment, with its matches here. */
  readonly exceptionUses: readonly ExceptionUse[];
  readonly resources: number;
}

export interface CheckOptions {
  readonly ephemeral: boolean;
  /** Defaults to the project's list in control-tower-exceptions.ts. */
  readonly exceptions?: readonly ControlTowerException[];
}

/** The exceptions that hold in an environment: all of them in an ephemeral one, the `all` ones elsewhere. */
export function exceptionsFor(ephemeral: boolean, exceptions: readonly ControlTowerException[] = CONTROL_TOWER_EXCEPTIONS) {
  return exceptions.filter((e) => e.environments === 'all' || ephemeral);
}

/** Synthesizes the stage and checks every one of its templates against the Control Tower proactive controls. */
export function checkControlTower(stage: Stage, options: CheckOptions): ControlTowerReport {
  const assembly = stage.synth();
  const stacks = stage.node.findAll().filter((c): c is Stack => Stack.isStack(c) && Stack.of(c) === c);
  const paths = new Map<string, string>();
  let resources = 0;
  for (const stack of stacks) {
    const artifact = assembly.getStackArtifact(stack.artifactId);
    for (const element of stack.node.findAll()) {
      if (!CfnElement.isCfnElement(element) || element.stack !== stack) continue;
      const logicalId = stack.resolve(element.logicalId) as string;
      paths.set(`${artifact.templateFullPath}#${logicalId}`, element.node.path.slice(stage.node.path.length + 1));
    }
    resources += Object.keys((artifact.template as { Resources?: object }).Resources ?? {}).length;
  }

  const guard = runControlTowerRules(stacks.map((s) => assembly.getStackArtifact(s.artifactId).templateFullPath));
  const findings = guard.findings.map((f) => ({
    control: f.control,
    path: paths.get(`${f.templatePath}#${f.logicalId}`) ?? `${f.templatePath}#${f.logicalId}`,
  }));

  const exceptions = exceptionsFor(options.ephemeral, options.exceptions);
  const covers = (e: ControlTowerException, pattern: string, f: ControlFinding) => e.control === f.control && matches(pattern, f.path);
  const excused = (f: ControlFinding) => exceptions.some((e) => e.resources.some((p) => covers(e, p, f)));
  const failures = findings.filter((f) => !excused(f));
  const exceptedFindings = findings.filter(excused);

  const evaluated = [...guard.evaluated].sort(byControl);
  const failed = new Set(failures.map((f) => f.control));
  const excepted = new Set(exceptedFindings.map((f) => f.control).filter((c) => !failed.has(c)));
  return {
    environment: stage.stageName,
    evaluated,
    passed: evaluated.filter((c) => !failed.has(c) && !excepted.has(c)),
    excepted: [...excepted].sort(byControl),
    failed: [...failed].sort(byControl),
    failures,
    exceptedFindings,
    exceptionUses: exceptions.flatMap((exception) =>
      exception.resources.map((pattern) => ({ exception, pattern, matched: findings.filter((f) => covers(exception, pattern, f)).length })),
    ),
    resources,
  };
}

/**
 * Exception patterns that excused nothing in any of the environments they hold in: the exception outlived its reason.
 * Judge only over every environment: a pattern may name a resource that exists in one of them only.
 */
export function staleExceptions(reports: readonly ControlTowerReport[]): ExceptionUse[] {
  const uses = reports.flatMap((r) => r.exceptionUses);
  return uses.filter(
    (use, i) =>
      uses.findIndex((u) => u.exception === use.exception && u.pattern === use.pattern) === i &&
      !uses.some((u) => u.exception === use.exception && u.pattern === use.pattern && u.matched > 0),
  );
}

/** `*` stands for any characters within one path segment, `**` for any characters at all. */
export function matches(pattern: string, path: string): boolean {
  const source = pattern
    .split('**')
    .map((part) => part.split('*').map(escape).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`).test(path);
}

function escape(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/** CT.S3.PR.2 before CT.S3.PR.10. */
function byControl(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** One line per environment for CI's log. */
export function summaryLine(report: ControlTowerReport): string {
  return (
    `${report.environment}: ${report.evaluated.length} controls evaluated, ${report.passed.length} passed, ` +
    `${report.excepted.length} excepted, ${report.failed.length} failed (${report.resources} resources)`
  );
}
