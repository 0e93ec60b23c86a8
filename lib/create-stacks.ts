import { Aspects, RemovalPolicy, type App } from 'aws-cdk-lib';
import { ACCOUNT_STAGE } from './account-stack';
import { AccountStage } from './account-stage';
import { ControlTowerBaseline } from './compliance/control-tower-baseline';
import type { AccountConfig } from './config/account-schema';
import type { EnvironmentConfig } from './config/schema';
import { PlatformStage } from './platform-stage';
import { removalPolicyFor } from './removal';

/** Builds one environment's stage; `bin/app.ts` and the tests both call this. */
export function createStacks(app: App, config: EnvironmentConfig): PlatformStage {
  const stage = new PlatformStage(app, config.name, { config });
  Aspects.of(stage).add(new ControlTowerBaseline({ removalPolicy: removalPolicyFor(config) }));
  return stage;
}

/** Builds the account-level stage over every environment whose costs land in the account. */
export function createAccountStage(
  app: App,
  settings: AccountConfig,
  environments: readonly EnvironmentConfig[],
  defaultAccount?: string,
): AccountStage {
  const stage = new AccountStage(app, ACCOUNT_STAGE, { settings, environments, ...(defaultAccount ? { defaultAccount } : {}) });
  // Never destroyed: whatever it creates stays if its stack ever goes.
  Aspects.of(stage).add(new ControlTowerBaseline({ removalPolicy: RemovalPolicy.RETAIN }));
  return stage;
}
