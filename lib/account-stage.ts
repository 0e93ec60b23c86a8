import { Stage, Tags, type StageProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ACCOUNT_STACK_NAME, ACCOUNT_STACK_REGION, AccountStack } from './account-stack';
import type { AccountConfig } from './config/account-schema';
import type { EnvironmentConfig } from './config/schema';

export interface AccountStageProps extends StageProps {
  readonly settings: AccountConfig;
  readonly environments: readonly EnvironmentConfig[];
  /** Where the CLI deploys when neither the settings nor an environment name an account. @default none (environment-agnostic) */
  readonly defaultAccount?: string;
}

/** The account-level stage (`cdk deploy -c env=account 'account/*'`): one stack, deployed once, never destroyed. */
export class AccountStage extends Stage {
  readonly stack: AccountStack;

  constructor(scope: Construct, id: string, props: AccountStageProps) {
    const named = [...new Set(props.environments.flatMap((e) => (e.account ? [e.account] : [])))];
    const account = props.settings.account ?? named[0];
    const foreign = props.environments.find((e) => e.account !== undefined && e.account !== account);
    if (foreign) {
      throw new Error(
        `environments: "${foreign.name}" deploys to account ${foreign.account ?? ''}, the account stack to ${account ?? '(the CLI default)'} ` +
          "(a budget sees only its own account's costs: set account in lib/config/account.ts, or keep the environments in one account)",
      );
    }
    const resolved = account ?? props.defaultAccount;
    super(scope, id, { ...props, env: { ...(resolved ? { account: resolved } : {}), region: ACCOUNT_STACK_REGION } });
    this.stack = new AccountStack(this, 'Account', {
      settings: props.settings,
      environments: props.environments,
      stackName: ACCOUNT_STACK_NAME,
      description: 'GenAI platform: budgets per environment, Bedrock budget, cost anomaly alerts (never destroyed)',
    });
    Tags.of(this).add('genai:scope', 'account');
  }
}
