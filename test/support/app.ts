import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironment } from '../../lib/config/load-config';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createStacks } from '../../lib/create-stacks';
import type { PlatformStage } from '../../lib/platform-stage';
import { timedSetup } from './setup-costs';

/** The feature flags the CLI passes from cdk.json, so tests build what `cdk synth` builds. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

/** Context that skips esbuild bundling: the Lambda tests cover the code, stack tests the wiring. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

/** A fresh app, as `bin/app.ts` makes it, with extra context on top of cdk.json's. */
export function testApp(context: Record<string, unknown> = SKIP_BUNDLING): App {
  // Like bin/app.ts: the built-in template validator runs in CI's synth, not in every unit test.
  return new App({ context: { ...cdkJsonContext(), ...context }, builtinCloudFormationValidation: false });
}

export interface SynthesizedEnvironment {
  readonly config: EnvironmentConfig;
  /** The construct tree; synthesized on first use in this file when the templates came from the shared cache. */
  readonly stage: PlatformStage;
  readonly templates: Readonly<Record<StackKey, Template>>;
}

const STACK_KEYS = ['network', 'data', 'cluster', 'edge', 'platform', 'observability'] as const;
type StackKey = (typeof STACK_KEYS)[number];

const cache = new Map<string, SynthesizedEnvironment>();

/**
 * An environment as `cdk synth` builds it (without bundling). Synthesized once per test run: the first test file
 * to ask writes the templates to the run's directory (global-setup.ts), the others read them; the construct tree
 * (`stage`) is built only in a file that uses it.
 */
export function synthEnvironment(name: string): SynthesizedEnvironment {
  const cached = cache.get(name);
  if (cached) return cached;
  const config = loadEnvironment(name);
  const shared = sharedTemplatesFile(name);
  const stored = shared && fs.existsSync(shared) ? (JSON.parse(fs.readFileSync(shared, 'utf8')) as Record<StackKey, unknown>) : undefined;
  let built: { stage: PlatformStage; templates: Record<StackKey, Template> } | undefined;
  // Synthesized as a whole, as before: cross-stack references become stack dependencies only in synthesis.
  const build = () =>
    (built ??= timedSetup('synth', `${name} (stage)`, () => {
      const stage = createStacks(testApp(), config);
      return {
        stage,
        templates: Object.fromEntries(STACK_KEYS.map((key) => [key, Template.fromStack(stage[key])])) as Record<StackKey, Template>,
      };
    }));
  const templates = stored
    ? (Object.fromEntries(STACK_KEYS.map((key) => [key, Template.fromJSON(stored[key] as Record<string, unknown>)])) as Record<
        StackKey,
        Template
      >)
    : build().templates;
  if (shared && !stored)
    writeAtomically(shared, JSON.stringify(Object.fromEntries(STACK_KEYS.map((key) => [key, templates[key].toJSON()]))));
  const result: SynthesizedEnvironment = {
    config,
    get stage() {
      return build().stage;
    },
    templates,
  };
  cache.set(name, result);
  return result;
}

function sharedTemplatesFile(name: string): string | undefined {
  const dir = process.env.TEST_SYNTH_CACHE;
  return dir ? path.join(dir, `${name}.json`) : undefined;
}

/** Two workers may synthesize the same environment at once; a rename never leaves a half-written file. */
function writeAtomically(file: string, text: string): void {
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
}

/**
 * A template for a snapshot, with asset hashes masked: they change with every edit to Lambda code,
 * which the Lambda tests already cover, and would bury the infrastructure change a reviewer wants to see.
 */
export function snapshotOf(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>$1'));
}
