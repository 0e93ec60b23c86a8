import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-topic';
import { CostAnomalyAlerts } from '../constructs/cost-anomaly-alerts';
import { CostBudget } from '../constructs/cost-budget';
import type { AccountConfig } from './config/account-schema';
import type { EnvironmentConfig } from './config/schema';
import { ENVIRONMENT_TAG } from './shared/cost-tags';

export { ACCOUNT_STACK_NAME, ACCOUNT_STACK_REGION, ACCOUNT_STAGE } from './shared/account';

export interface AccountStackProps extends StackProps {
  readonly settings: AccountConfig;
  /** Every environment whose costs land in this account: one budget each, from its own observability settings. */
  readonly environments: readonly Pick<EnvironmentConfig, 'name' | 'observability'>[];
}

/**
 * What watches the bill whether or not an environment is up: one monthly budget per environment (over its
 * `genai:environment` tag), a Bedrock budget by service, and Cost Anomaly Detection over every environment's tag,
 * all publishing to an encrypted topic of its own. AWS Budgets refreshes from billing data about once a day, so a
 * budget inside a stack destroyed every evening might never alert, or alert again every morning; this stack is never
 * destroyed (termination protection, no environment's destroy selects it).
 */
export class AccountStack extends Stack {
  readonly topic: AlarmTopic;
  readonly budgets: Readonly<Record<string, CostBudget>>;
  readonly bedrockBudget?: CostBudget;
  readonly anomalies: CostAnomalyAlerts;

  constructor(scope: Construct, id: string, props: AccountStackProps) {
    if (props.environments.length === 0) throw new Error('environments: needs at least one environment to budget');
    const names = props.environments.map((e) => e.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`environments: "${twice}" is listed twice (allowed: each environment once)`);
    super(scope, id, { terminationProtection: true, ...props });
    const { settings } = props;

    this.topic = new AlarmTopic(this, 'Topic', {
      emails: settings.alertEmails,
      publishers: ['budgets.amazonaws.com', 'costalerts.amazonaws.com'],
      removalPolicy: RemovalPolicy.RETAIN,
      keyPendingWindowDays: 30,
    });

    this.budgets = Object.fromEntries(
      props.environments.map((env) => [
        env.name,
        new CostBudget(this, `Budget${env.name[0]!.toUpperCase()}${env.name.slice(1)}`, {
          tagKey: ENVIRONMENT_TAG,
          tagValue: env.name,
          monthlyLimitUsd: env.observability.monthlyBudgetUsd,
          alertPercents: env.observability.budgetAlertPercents,
          topic: this.topic.topic,
        }),
      ]),
    );

    if (settings.bedrock) {
      this.bedrockBudget = new CostBudget(this, 'BedrockBudget', {
        services: settings.bedrock.services,
        name: 'genai-bedrock-monthly',
        monthlyLimitUsd: settings.bedrock.monthlyBudgetUsd,
        alertPercents: settings.bedrock.alertPercents,
        topic: this.topic.topic,
      });
    }

    this.anomalies = new CostAnomalyAlerts(this, 'Anomalies', {
      name: 'genai-platform-environments',
      tagKey: ENVIRONMENT_TAG,
      tagValues: names,
      thresholdUsd: settings.anomalyAlertUsd,
      topic: this.topic.topic,
    });

    new CfnOutput(this, 'CostTopicArn', {
      value: this.topic.topic.topicArn,
      description: 'SNS topic of budget and cost anomaly alerts (subscribe to it)',
    });
  }
}
