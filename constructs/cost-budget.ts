import { Aws, Fn } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** AWS Budgets allows five notifications per budget; one is kept for the forecast. */
export const MAX_ACTUAL_ALERTS = 4;

export interface CostBudgetProps {
  /**
   * Cost allocation tag every resource of the environment carries, and its value: the budget counts those resources.
   * Set both, or `services`. @default - no tag filter
   */
  readonly tagKey?: string;
  readonly tagValue?: string;
  /** Cost Explorer service names the budget counts instead (e.g. `Amazon Bedrock`). @default - no service filter */
  readonly services?: readonly string[];
  /** Budget name, before the stack id. @default `genai-<tagValue>-monthly` */
  readonly name?: string;
  readonly monthlyLimitUsd: number;
  /** Percentages of the limit that notify on actual spend (at most 4); a forecast above 100% notifies too. */
  readonly alertPercents: readonly number[];
  /** Where notifications go; the topic must let budgets.amazonaws.com publish. */
  readonly topic: sns.ITopic;
}

/**
 * A monthly AWS Budgets cost budget over the resources tagged with one environment's cost allocation tag, or over
 * named services. The tag must be activated once per payer account (Billing, Cost allocation tags) before Budgets
 * can filter on it. The name carries the stack's own id, so a re-created stack never collides with it.
 */
export class CostBudget extends Construct {
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const byTag = props.tagKey !== undefined || props.tagValue !== undefined;
    if (byTag === (props.services !== undefined)) {
      throw new Error('filter: set tagKey and tagValue, or services (exactly one of them: a budget counts one kind of cost)');
    }
    if (byTag) {
      const tagKey = props.tagKey ?? '';
      if (!/^[\w.:/=+@-]{1,128}$/.test(tagKey) || tagKey.startsWith('aws:')) {
        throw new Error(`tagKey: "${tagKey}" is not a user tag key (letters, digits and _ . : / = + - @, not aws:)`);
      }
      if (!/^[a-z][a-z0-9]{1,11}$/.test(props.tagValue ?? '')) {
        throw new Error(`tagValue: "${props.tagValue ?? ''}" is not an environment name (lowercase letters and digits, 2-12 characters)`);
      }
    } else if (props.services!.length === 0 || props.services!.some((s) => s.trim() === '')) {
      throw new Error('services: needs at least one Cost Explorer service name (e.g. "Amazon Bedrock")');
    }
    const name = props.name ?? (byTag ? `genai-${props.tagValue}-monthly` : undefined);
    if (name === undefined || !/^[\w.:-]{1,80}$/.test(name)) {
      throw new Error(`name: "${name ?? ''}" is not a budget name (letters, digits and _ . : -, at most 80; required with services)`);
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
        budgetName: Fn.join('-', [name, stackUuid]),
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        costFilters: byTag
          ? // Budgets names a user-defined cost allocation tag "user:<key>" and a key-value pair "<key>$<value>".
            { TagKeyValue: [`user:${props.tagKey}$${props.tagValue}`] }
          : { Service: [...props.services!] },
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
