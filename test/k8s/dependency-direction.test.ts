import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const K8S = path.join(__dirname, '../../k8s');

/** Every .ts file under k8s/, generated imports included. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('k8s/ depends downward only', () => {
  const files = sources(K8S).map((f) => [path.relative(K8S, f), readFileSync(f, 'utf8')] as const);

  test('finds the charts', () => {
    expect(files.map(([f]) => f)).toEqual(expect.arrayContaining(['litellm-chart.ts', 'constructs/http-workloads.ts']));
  });

  // The config schema (zod, loaders, overlays) belongs to the CDK app; charts take its types and plain values only.
  test.each(files.map(([f]) => f))('%s takes nothing but types from lib/config', (file) => {
    const source = files.find(([f]) => f === file)?.[1] ?? '';
    const fromConfig = [...source.matchAll(/^(import|export)\s([^;]*?)\sfrom\s'[./]*lib\/config\/[^']*';/gms)];
    for (const [, keyword, what] of fromConfig) expect(`${keyword} ${what}`).toMatch(/^(import|export) type /);
  });

  test('the check sees a value import as one', () => {
    const valueImport = "import { mcpCredentialEnvName } from '../lib/config/mcp-schema';";
    const [match] = [...valueImport.matchAll(/^(import|export)\s([^;]*?)\sfrom\s'[./]*lib\/config\/[^']*';/gms)];
    expect(match?.[2]).toBe('{ mcpCredentialEnvName }');
  });
});
