import * as ce from 'aws-cdk-lib/aws-ce';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface CostAnomalyAlertsProps {
  /** Cost allocation tag key (without `user:`) and the values whose cost is watched together. */
  readonly tagKey: string;
  readonly tagValues: readonly string[];
  /** Notify for an anomaly whose total impact reaches this many US dollars. */
  readonly thresholdUsd: number;
  /** Where alerts go; the topic must let costalerts.amazonaws.com publish. */
  readonly topic: sns.ITopic;
  /** Monitor and subscription names (unique in the account). */
  readonly name: string;
}

/**
 * A Cost Anomaly Detection monitor over the cost of every environment's tagged resources, and a subscription that
 * sends each anomaly at or above a dollar impact to an SNS topic as it is found. Customer managed (CUSTOM) over the
 * tag, not an AWS managed per-service monitor: that one watches the whole account, which may already have one.
 */
export class CostAnomalyAlerts extends Construct {
  readonly monitor: ce.CfnAnomalyMonitor;
  readonly subscription: ce.CfnAnomalySubscription;

  constructor(scope: Construct, id: string, props: CostAnomalyAlertsProps) {
    super(scope, id);
    if (!/^[\w.:/=+@-]{1,128}$/.test(props.tagKey) || props.tagKey.startsWith('aws:') || props.tagKey.startsWith('user:')) {
      throw new Error(`tagKey: "${props.tagKey}" is not a user tag key (letters, digits and _ . : / = + - @, without aws: or user:)`);
    }
    if (props.tagValues.length === 0) throw new Error('tagValues: needs at least one value (the environments to watch)');
    if (!(props.thresholdUsd >= 1)) throw new Error(`thresholdUsd: ${props.thresholdUsd} must be at least 1 (US dollars)`);
    if (!/^[\w.:-]{1,100}$/.test(props.name)) throw new Error(`name: "${props.name}" is not a monitor name (letters, digits and _ . : -)`);

    this.monitor = new ce.CfnAnomalyMonitor(this, 'Monitor', {
      monitorName: props.name,
      monitorType: 'CUSTOM',
      monitorSpecification: JSON.stringify({ Tags: { Key: props.tagKey, Values: [...props.tagValues] } }),
    });
    this.subscription = new ce.CfnAnomalySubscription(this, 'Subscription', {
      subscriptionName: props.name,
      monitorArnList: [this.monitor.attrMonitorArn],
      // SNS receives IMMEDIATE alerts only; DAILY and WEEKLY are email digests.
      frequency: 'IMMEDIATE',
      subscribers: [{ type: 'SNS', address: props.topic.topicArn }],
      thresholdExpression: JSON.stringify({
        Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: [String(props.thresholdUsd)] },
      }),
    });
  }
}
