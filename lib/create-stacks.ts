import type { App } from 'aws-cdk-lib';
import type { EnvironmentConfig } from './config/schema';
import { PlatformStage } from './platform-stage';

/** Builds one environment's stage; `bin/app.ts` and the tests both call this. */
export function createStacks(app: App, config: EnvironmentConfig): PlatformStage {
  return new PlatformStage(app, config.name, { config });
}
