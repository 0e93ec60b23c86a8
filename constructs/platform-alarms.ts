import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { PlatformMetrics } from './platform-metrics';

/** Alarm thresholds; the config schema gives each a default. */
export interface AlarmThresholds {
  /** Share of API requests answered 5xx over 5 minutes, in percent. */
  readonly gateway5xxPercent: number;
  /** Authorizer invocation errors in 5 minutes. */
  readonly authorizerErrors: number;
  /** Bedrock throttled invocations in 5 minutes, all models of the region together. */
  readonly bedrockThrottles: number;
  /** Aurora Serverless v2 capacity used, in percent of the configured maximum. */
  readonly auroraCapacityPercent: number;
  /** Memory used on the fullest Valkey node, in percent. */
  readonly valkeyMemoryPercent: number;
  /** Used space of the fullest ClickHouse data volume, in percent. */
  readonly clickhouseVolumePercent: number;
}

export interface PlatformAlarmsProps {
  readonly metrics: PlatformMetrics;
  readonly thresholds: AlarmThresholds;
  readonly topic: sns.ITopic;
  /** Evaluate and show alarms, notify no one (a throwaway environment). @default false */
  readonly mute?: boolean;
}

/** The alarms a platform engineer is paged for, by what they mean; README's runbook table follows these names. */
export type AlarmName =
  | 'NoHealthyGatewayTargets'
  | 'Gateway5xxRate'
  | 'AuthorizerErrors'
  | 'BedrockThrottling'
  | 'AuroraAtMaxCapacity'
  | 'ValkeyMemoryHigh'
  | 'ClickHouseVolumeHigh'
  | 'ClickHouseVolumeNotReported';

/** The volume report runs every 5 minutes; this many minutes without one is "not reported". */
const CLICKHOUSE_REPORT_WINDOW_MINUTES = 15;

/**
 * One alarm per failure a platform engineer acts on, and a composite "gateway down" (no healthy LiteLLM
 * target, or the edge answering 5xx) that pages on its own. A full ClickHouse volume is not "gateway down"
 * (LiteLLM keeps serving; traces stop), so its alarms stay out of the composite.
 */
export class PlatformAlarms extends Construct {
  readonly alarms: Partial<Record<AlarmName, cloudwatch.Alarm>>;
  readonly gatewayDown: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const percents: [keyof AlarmThresholds, number][] = [
      ['gateway5xxPercent', t.gateway5xxPercent],
      ['auroraCapacityPercent', t.auroraCapacityPercent],
      ['valkeyMemoryPercent', t.valkeyMemoryPercent],
      ['clickhouseVolumePercent', t.clickhouseVolumePercent],
    ];
    for (const [name, value] of percents) {
      if (!(value > 0 && value <= 100)) throw new Error(`thresholds.${name}: ${value} is not a percentage (allowed: above 0, up to 100)`);
    }
    for (const name of ['authorizerErrors', 'bedrockThrottles'] as const) {
      if (!Number.isInteger(t[name]) || t[name] < 1) throw new Error(`thresholds.${name}: ${t[name]} must be a whole number of at least 1`);
    }

    const m = props.metrics;
    const alarm = (name: AlarmName, description: string, options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric }) =>
      new cloudwatch.Alarm(this, name, { alarmDescription: description, ...options });

    const alarms: Partial<Record<AlarmName, cloudwatch.Alarm>> = {
      NoHealthyGatewayTargets: alarm('NoHealthyGatewayTargets', 'No LiteLLM pod is healthy in the gateway target group', {
        metric: m.healthyTargets(),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No data means the load balancer or its target group is gone: as bad as zero targets.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      Gateway5xxRate: alarm('Gateway5xxRate', `More than ${t.gateway5xxPercent}% of API requests answered 5xx`, {
        metric: m.api5xxPercent(),
        threshold: t.gateway5xxPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      AuthorizerErrors: alarm('AuthorizerErrors', 'The JWT authorizer function failed (callers get 500s)', {
        metric: m.authorizer('Errors', 'Sum'),
        threshold: t.authorizerErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      AuroraAtMaxCapacity: alarm('AuroraAtMaxCapacity', `Aurora has used more than ${t.auroraCapacityPercent}% of its maximum ACUs`, {
        metric: m.aurora('ACUUtilization', 'Maximum'),
        threshold: t.auroraCapacityPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // A paused cluster (scale to zero) publishes nothing.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      ValkeyMemoryHigh: alarm(
        'ValkeyMemoryHigh',
        `A Valkey node is more than ${t.valkeyMemoryPercent}% full (noeviction: Langfuse queues stop when full)`,
        {
          metric: m.valkeyMemoryPercentMax(),
          threshold: t.valkeyMemoryPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      ),
      ClickHouseVolumeHigh: alarm(
        'ClickHouseVolumeHigh',
        `A ClickHouse data volume is ${t.clickhouseVolumePercent}% full or more (ClickHouse should already be moving parts to S3)`,
        {
          metric: m.clickhouseVolumeUsed('Maximum'),
          threshold: t.clickhouseVolumePercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          // Missing reports have their own alarm below, so this one means exactly "nearly full".
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      ),
      ClickHouseVolumeNotReported: alarm(
        'ClickHouseVolumeNotReported',
        `No ClickHouse volume report for ${2 * CLICKHOUSE_REPORT_WINDOW_MINUTES} minutes: the CronJob is failing or a replica does not answer`,
        {
          metric: m.clickhouseVolumeUsed('SampleCount', Duration.minutes(CLICKHOUSE_REPORT_WINDOW_MINUTES)),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          // The job publishes nothing when it fails: no data is exactly what this alarm is for.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      ),
    };
    const throttles = m.bedrockThrottlesInRegion();
    if (throttles) {
      alarms.BedrockThrottling = alarm('BedrockThrottling', 'Bedrock is throttling LiteLLM (quota or on-demand capacity)', {
        metric: throttles,
        threshold: t.bedrockThrottles,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.alarms = alarms;

    this.gatewayDown = new cloudwatch.CompositeAlarm(this, 'GatewayDown', {
      alarmDescription: 'Gateway down: no healthy LiteLLM target, or the edge answering 5xx',
      alarmRule: cloudwatch.AlarmRule.anyOf(
        cloudwatch.AlarmRule.fromAlarm(alarms.NoHealthyGatewayTargets!, cloudwatch.AlarmState.ALARM),
        cloudwatch.AlarmRule.fromAlarm(alarms.Gateway5xxRate!, cloudwatch.AlarmState.ALARM),
      ),
    });

    if (!props.mute) {
      const notify = new actions.SnsAction(props.topic);
      for (const a of [...Object.values(alarms), this.gatewayDown]) {
        a.addAlarmAction(notify);
        a.addOkAction(notify);
      }
    }
  }
}
