/** Writes every environment's Kubernetes manifests to manifests/<env>/<chart>.yaml for review, or checks them. */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { MANIFESTS_DIR, renderAllManifests, staleManifests } from '../k8s/manifests';
import { ENVIRONMENTS } from '../lib/config/environments';
import { loadEnvironment } from '../lib/config/load-config';
import { runMain, unknownOption, type Command } from './run-main';

export const MANIFESTS_USAGE = `Usage: npm run manifests          write manifests/<env>/<chart>.yaml for every environment
       npm run manifests:check    exit 1 and name the stale files when the committed ones differ

Renders the same cdk8s chart code the CDK app applies, with readable placeholders (<aurora-endpoint>,
<litellm-role-arn>) where the app puts CloudFormation values, so pull requests show every Kubernetes change.
Exit codes: 0 written or current, 1 stale (--check), 2 bad arguments or an invalid config.`;

const root = join(__dirname, '..');

function committedFiles(): Record<string, string> {
  const dir = join(root, MANIFESTS_DIR);
  if (!existsSync(dir)) return {};
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yaml')) files[relative(root, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function main(argv: readonly string[]): Promise<number> {
  const option = argv.find((a) => a !== '--check');
  if (option !== undefined) throw unknownOption(option, ['--check']);
  return Promise.resolve(render(argv.includes('--check')));
}

function render(check: boolean): number {
  // Region fallback only matters for overlays that leave it out; the render must not depend on the shell.
  const configs = Object.keys(ENVIRONMENTS)
    .sort()
    .map((name) => loadEnvironment(name, { region: 'us-east-1' }));
  const expected = renderAllManifests(configs);
  const actual = committedFiles();
  const stale = staleManifests(expected, actual);
  if (check) {
    if (stale.length > 0) {
      console.error(`Stale Kubernetes manifests (run \`npm run manifests\` and commit):\n${stale.map((p) => `  ${p}`).join('\n')}`);
      return 1;
    }
    console.log(`Kubernetes manifests are up to date (${Object.keys(expected).length} files).`);
    return 0;
  }
  for (const path of stale) {
    const abs = join(root, path);
    if (expected[path] === undefined) {
      rmSync(abs);
    } else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, expected[path]);
    }
  }
  console.log(`Wrote ${stale.length} of ${Object.keys(expected).length} manifest files.`);
  return 0;
}

export const manifestsCommand: Command = { name: 'manifests', usage: MANIFESTS_USAGE, main };

if (require.main === module) runMain(manifestsCommand);
