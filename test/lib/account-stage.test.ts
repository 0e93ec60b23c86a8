import { ENVIRONMENTS } from '../../lib/config/environments';
import { loadAccountSettings, loadEnvironment } from '../../lib/config/load-config';
import { createAccountStage } from '../../lib/create-stacks';
import { testApp } from '../support/app';

const environments = Object.keys(ENVIRONMENTS).map((name) => loadEnvironment(name));
const settings = loadAccountSettings();

describe('AccountStage', () => {
  test('deploys to the account the settings or an environment name, else the CLI default, always in us-east-1', () => {
    expect(createAccountStage(testApp(), settings, environments, '333333333333').stack.account).toBe('333333333333');
    const named = { ...environments[0]!, account: '444444444444' };
    expect(createAccountStage(testApp(), settings, [named]).stack.account).toBe('444444444444');
    expect(createAccountStage(testApp(), settings, environments).stack.region).toBe('us-east-1');
  });

  test('rejects an environment in another account than the stack, and builds nothing', () => {
    const app = testApp();
    const elsewhere = { ...environments[0]!, account: '111111111111' };
    expect(() => createAccountStage(app, { ...settings, account: '222222222222' }, [elsewhere])).toThrow(
      `environments: "${elsewhere.name}" deploys to account 111111111111, the account stack to 222222222222 ` +
        "(a budget sees only its own account's costs: set account in lib/config/account.ts, or keep the environments in one account)",
    );
    expect(app.node.tryFindChild('account')).toBeUndefined();
  });

  test('rejects no environment, or one listed twice', () => {
    expect(() => createAccountStage(testApp(), settings, [])).toThrow('environments: needs at least one environment to budget');
    expect(() => createAccountStage(testApp(), settings, [environments[0]!, environments[0]!])).toThrow(
      `environments: "${environments[0]!.name}" is listed twice (allowed: each environment once)`,
    );
  });
});
