import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The AWS Control Tower proactive controls as cfn-guard rules, and the cfn-guard binary to run them, both as
 * shipped in @cdklabs/cdk-validator-cfnguard 0.0.62 (npm, read 2026-11-29): `rules/control-tower/cfn-guard/<service>/
 * ct-*.guard`, one control per file, and `bin/<ubuntu|macos>/<x86_64|aarch64>/cfn-guard` (3.1.1, `guard-version.json`).
 */
const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
export const RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower', 'cfn-guard');

/** One Control Tower control: its id (`CT.S3.PR.1`), the name its guard rule reports under, what it inspects. */
export interface ControlTowerRule {
  readonly control: string;
  readonly ruleName: string;
  readonly file: string;
  readonly resourceTypes: readonly string[];
}

/** The bundled binary for this machine; the package names Linux builds `ubuntu` and uses them for every Linux. */
export function guardBinary(): string {
  const platforms: Record<string, string> = { linux: 'ubuntu', darwin: 'macos' };
  const arches: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
  const platform = platforms[os.platform()];
  const arch = arches[os.arch()];
  if (!platform || !arch) throw new Error(`cfn-guard: no bundled binary for ${os.platform()}/${os.arch()} (linux or darwin, x64 or arm64)`);
  return path.join(PACKAGE_DIR, 'bin', platform, arch, 'cfn-guard');
}

let cached: readonly ControlTowerRule[] | undefined;

/** Every control in the package. Each file names its control in the message (`[CT.X.PR.N]`) and one primary rule. */
export function controlTowerRules(): readonly ControlTowerRule[] {
  cached ??= fs
    .readdirSync(RULES_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.guard'))
    .sort()
    .map((relative) => {
      const file = path.join(RULES_DIR, relative);
      const text = fs.readFileSync(file, 'utf8');
      const control = unique(text, /\[(CT\.[A-Z0-9-]+\.PR\.\d+)\]/g, file, 'control id');
      const ruleName = unique(text, /^rule (\w+) when/gm, file, 'rule name');
      const resourceTypes = [...new Set([...text.matchAll(/["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g)].map((m) => m[1]!))];
      return { control, ruleName, file, resourceTypes };
    });
  return cached;
}

function unique(text: string, pattern: RegExp, file: string, what: string): string {
  const found = [...new Set([...text.matchAll(pattern)].map((m) => m[1]!))];
  if (found.length !== 1) throw new Error(`${file}: expected one ${what}, found ${found.length} (${found.join(', ')})`);
  return found[0]!;
}
