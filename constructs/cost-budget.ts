import { Aws, Fn } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** AWS Budgets allows five notifications per budget; one is kept for the forecast. */
export const MAX_ACTUAL_ALERTS = 4;

export interface CostBudgetProps {
  /** Cost allocation tag every resource of the environment carries, and its value. */
  readonly tagKey: string;
  readonly tagValue: string;
  readonly monthlyLimitUsd: number;
  /** Percentages of the limit that notify on actual spend (at most 4); a forecast above 100% notifies too. */
  readonly alertPercents: readonly number[];
  /** Where notifications go; the topic must let budgets.amazonaws.com publish. */
  readonly topic: sns.ITopic;
}

/**
 * A monthly AWS Budgets cost budget over the resources tagged with one environment's cost allocation tag.
 * The tag must be activated once per payer account (Billing, Cost allocation tags) before Budgets can
 * filter on it. The name carries the stack's own id, so the next morning's stack never collides with it.
 */
export class CostBudget extends Construct {
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    if (!/^[\w.:/=+@-]{1,128}$/.test(props.tagKey) || props.tagKey.startsWith('aws:')) {
      throw new Error(`tagKey: "${props.tagKey}" is not a user tag key (letters, digits and _ . : / = + - @, not aws:)`);
    }
    if (!/^[a-z][a-z0-9]{1,11}$/.test(props.tagValue)) {
      throw new Error(`tagValue: "${props.tagValue}" is not an environment name (lowercase letters and digits, 2-12 characters)`);
    }
    if (!(props.monthlyLimitUsd > 0)) throw new Error(`monthlyLimitUsd: ${props.monthlyLimitUsd} must be above 0`);
    if (props.alertPercents.length === 0) throw new Error('alertPercents: needs at least one percentage (e.g. [80, 100])');
    if (props.alertPercents.length > MAX_ACTUAL_ALERTS) {
      throw new Error(
        `alertPercents: has ${props.alertPercents.length} (allowed: at most ${MAX_ACTUAL_ALERTS}; Budgets takes 5 notifications per budget, one is the forecast)`,
      );
    }
    const bad = props.alertPercents.find((p) => !(Number.isInteger(p) && p >= 1 && p <= 1000));
    if (bad !== undefined) throw new Error(`alertPercents: ${bad} is not a whole percentage between 1 and 1000`);
    if (new Set(props.alertPercents).size !== props.alertPercents.length) throw new Error('alertPercents: lists a percentage twice');

    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const subscribers = [{ subscriptionType: 'SNS', address: props.topic.topicArn }];
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: Fn.join('-', [`genai-${props.tagValue}-monthly`, stackUuid]),
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        // Budgets names a user-defined cost allocation tag "user:<key>" and a key-value pair "<key>$<value>".
        costFilters: { TagKeyValue: [`user:${props.tagKey}$${props.tagValue}`] },
      },
      notificationsWithSubscribers: [
        ...props.alertPercents.map((threshold) => notification('ACTUAL', threshold)),
        notification('FORECASTED', 100),
      ].map((n) => ({ notification: n, subscribers })),
    });
  }
}

function notification(notificationType: 'ACTUAL' | 'FORECASTED', threshold: number): budgets.CfnBudget.NotificationProperty {
  return { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' };
}
