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
  /** Share of API requests answered 4xx over 5 minutes, in percent (counted from MIN_REQUESTS_FOR_4XX_RATE requests). */
  readonly gateway4xxPercent: number;
  /** Minutes without a single API request before "no traffic" notifies. */
  readonly noTrafficMinutes: number;
  /** 5xx answers of the web load balancer itself in 5 minutes (only with web.domain). */
  readonly web5xxCount: number;
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
  | 'Gateway4xxRate'
  | 'NoTraffic'
  | 'AuthorizerErrors'
  | 'BedrockThrottling'
  | 'AuroraAtMaxCapacity'
  | 'ValkeyMemoryHigh'
  | 'ClickHouseVolumeHigh'
  | 'ClickHouseVolumeNotReported'
  | 'ClickHouseBackupMissing'
  | 'OpenWebUiUnhealthy'
  | 'WebLoadBalancer5xx';

/** The alarms GatewayDown is made of: they notify through it only, so one outage pages once. */
export const GATEWAY_DOWN_CHILDREN = ['NoHealthyGatewayTargets', 'Gateway5xxRate'] as const satisfies readonly AlarmName[];

/** The volume report runs every 5 minutes; this many minutes without one is "not reported". */
const CLICKHOUSE_REPORT_WINDOW_MINUTES = 15;

/**
 * The daily backup (k8s/clickhouse-backup.ts: 02:30 UTC, at most 6 hours) puts one point when it succeeds. Five empty
 * 6-hour windows in a row, 30 hours, is a day's run missed or failed, plus its 6 hours: the alarm then fires within
 * hours of a failed run, never for a run that is still allowed to be going. CloudWatch allows up to 7 days of
 * evaluation for periods of an hour or more (PutMetricAlarm, Period).
 */
const BACKUP_WINDOW = Duration.hours(6);
const BACKUP_WINDOWS = 5;

/**
 * One alarm per failure a platform engineer acts on, and a composite "gateway down" (no healthy LiteLLM
 * target, or the edge answering 5xx). Only the composite notifies for its children, so an outage that trips
 * both pages once. A full ClickHouse volume is not "gateway down" (LiteLLM keeps serving; traces stop), so its
 * alarms stay out of the composite and notify on their own, like every other alarm.
 */
export class PlatformAlarms extends Construct {
  readonly alarms: Partial<Record<AlarmName, cloudwatch.Alarm>>;
  readonly gatewayDown: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    const percents: [keyof AlarmThresholds, number][] = [
      ['gateway5xxPercent', t.gateway5xxPercent],
      ['gateway4xxPercent', t.gateway4xxPercent],
      ['auroraCapacityPercent', t.auroraCapacityPercent],
      ['valkeyMemoryPercent', t.valkeyMemoryPercent],
      ['clickhouseVolumePercent', t.clickhouseVolumePercent],
    ];
    for (const [name, value] of percents) {
      if (!(value > 0 && value <= 100)) throw new Error(`thresholds.${name}: ${value} is not a percentage (allowed: above 0, up to 100)`);
    }
    if (!Number.isInteger(t.noTrafficMinutes) || t.noTrafficMinutes < 5 || t.noTrafficMinutes > 1440) {
      throw new Error(`thresholds.noTrafficMinutes: ${t.noTrafficMinutes} must be a whole number of minutes from 5 to 1440`);
    }
    for (const name of ['authorizerErrors', 'bedrockThrottles', 'web5xxCount'] as const) {
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
      Gateway4xxRate: alarm(
        'Gateway4xxRate',
        `More than ${t.gateway4xxPercent}% of API requests answered 4xx (rejected tokens, keys or requests)`,
        {
          metric: m.api4xxPercent(),
          threshold: t.gateway4xxPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      ),
      NoTraffic: alarm('NoTraffic', `No API request for ${t.noTrafficMinutes} minutes: clients cannot reach the edge, or stopped calling`, {
        metric: m.apiRequests(Duration.minutes(t.noTrafficMinutes)),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // A period without requests has no datapoint at all: missing is exactly "no traffic".
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      AuthorizerErrors: alarm('AuthorizerErrors', 'The JWT authorizer function failed (callers get 500s)', {
        metric: m.authorizer('Errors', 'Sum'),
        threshold: t.authorizerErrors,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      AuroraAtMaxCapacity: alarm(
        'AuroraAtMaxCapacity',
        `An Aurora instance has used more than ${t.auroraCapacityPercent}% of its maximum ACUs`,
        {
          // Per instance: the cluster's figure averages writer and readers, so a full writer beside an idle reader hides.
          metric: m.auroraCapacityPercentMax(),
          threshold: t.auroraCapacityPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          // A paused cluster (scale to zero) publishes nothing.
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      ),
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
    const backups = m.clickhouseBackupsCreated(BACKUP_WINDOW);
    if (backups) {
      alarms.ClickHouseBackupMissing = alarm(
        'ClickHouseBackupMissing',
        `No ClickHouse backup created for ${(BACKUP_WINDOWS * BACKUP_WINDOW.toHours()).toString()} hours: the daily backup CronJob failed, was skipped or could not publish`,
        {
          metric: backups,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: BACKUP_WINDOWS,
          datapointsToAlarm: BACKUP_WINDOWS,
          // A failed run puts nothing: no data is exactly what this alarm is for.
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      );
    }
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
    const web5xx = m.webLoadBalancer5xx();
    if (web5xx) {
      alarms.WebLoadBalancer5xx = alarm(
        'WebLoadBalancer5xx',
        `The web load balancer answered ${t.web5xxCount} or more 5xx itself in 5 minutes`,
        {
          metric: web5xx,
          threshold: t.web5xxCount,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        },
      );
    }
    const openWebUi = m.openWebUiHealthyTargets();
    if (openWebUi) {
      alarms.OpenWebUiUnhealthy = alarm('OpenWebUiUnhealthy', 'No Open WebUI pod is healthy behind the web load balancer', {
        metric: openWebUi,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // An Application Load Balancer reports no metric while no request flows through it (ALB user guide,
        // load-balancer-cloudwatch-metrics.html): a quiet night is not an outage.
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
      const children = new Set<string>(GATEWAY_DOWN_CHILDREN);
      const direct = Object.entries(alarms).flatMap(([name, a]) => (children.has(name) ? [] : [a]));
      for (const a of [...direct, this.gatewayDown]) {
        a.addAlarmAction(notify);
        a.addOkAction(notify);
      }
    }
  }
}
