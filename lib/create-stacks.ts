import { Aspects, type App } from 'aws-cdk-lib';
import { ControlTowerBaseline } from './compliance/control-tower-baseline';
import type { EnvironmentConfig } from './config/schema';
import { PlatformStage } from './platform-stage';
import { removalPolicyFor } from './removal';

/** Builds one environment's stage; `bin/app.ts` and the tests both call this. */
export function createStacks(app: App, config: EnvironmentConfig): PlatformStage {
  const stage = new PlatformStage(app, config.name, { config });
  Aspects.of(stage).add(new ControlTowerBaseline({ removalPolicy: removalPolicyFor(config) }));
  return stage;
}
