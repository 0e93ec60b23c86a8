import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadEnvironment } from '../../lib/config/load-config';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createStacks } from '../../lib/create-stacks';
import type { PlatformStage } from '../../lib/platform-stage';

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
  readonly stage: PlatformStage;
  readonly templates: Readonly<Record<'network' | 'data' | 'cluster' | 'edge' | 'platform' | 'observability', Template>>;
}

const cache = new Map<string, SynthesizedEnvironment>();

/** Builds one environment once per test file; synth is the slow part of every stack test. */
export function synthEnvironment(name: string): SynthesizedEnvironment {
  const cached = cache.get(name);
  if (cached) return cached;
  const config = loadEnvironment(name);
  const stage = createStacks(testApp(), config);
  const result: SynthesizedEnvironment = {
    config,
    stage,
    templates: {
      network: Template.fromStack(stage.network),
      data: Template.fromStack(stage.data),
      cluster: Template.fromStack(stage.cluster),
      edge: Template.fromStack(stage.edge),
      platform: Template.fromStack(stage.platform),
      observability: Template.fromStack(stage.observability),
    },
  };
  cache.set(name, result);
  return result;
}

/**
 * A template for a snapshot, with asset hashes masked: they change with every edit to Lambda code,
 * which the Lambda tests already cover, and would bury the infrastructure change a reviewer wants to see.
 */
export function snapshotOf(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}(\.zip)?/g, '<asset-hash>$1'));
}
