import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { MIN_REQUESTS_FOR_TEAM_ERROR_RATE } from '../lib/shared/usage-metrics';
import type { UsageMetrics } from './usage-metrics';

/** A team as its alarms see it. */
export interface TeamUsage {
  /** The team's name (its LiteLLM team alias, the team_alias dimension). */
  readonly name: string;
  /** Its budget per budget period, in USD; no budget alarm without one. */
  readonly maxBudgetUsd?: number;
}

export interface TeamUsageAlarmsProps {
  readonly metrics: UsageMetrics;
  readonly teams: readonly TeamUsage[];
  /** Share of its budget a team may spend before its budget alarm fires, in percent. */
  readonly budgetPercent: number;
  /** Share of a team's requests that may fail over 5 minutes before its error alarm fires, in percent. */
  readonly errorPercent: number;
  readonly topic: sns.ITopic;
  /** Evaluate and show alarms, notify no one. @default false */
  readonly mute?: boolean;
}

/**
 * Two alarms per team, to the platform's alarm topic: its spend passed a share of its budget (teams with a budget), and
 * its requests failing at a rate above the threshold. Both read LiteLLM's own metrics (constructs/usage-metrics.ts).
 */
export class TeamUsageAlarms extends Construct {
  /** Budget alarms by team name. */
  readonly budget: Readonly<Record<string, cloudwatch.Alarm>>;
  /** Error-rate alarms by team name. */
  readonly errors: Readonly<Record<string, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: TeamUsageAlarmsProps) {
    super(scope, id);
    for (const [name, value] of [
      ['budgetPercent', props.budgetPercent],
      ['errorPercent', props.errorPercent],
    ] as const) {
      if (!(value > 0 && value <= 100)) throw new Error(`${name}: ${value} is not a percentage (allowed: above 0, up to 100)`);
    }
    const names = props.teams.map((t) => t.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`teams: "${twice}" is listed twice (allowed: unique team names)`);

    const budget: Record<string, cloudwatch.Alarm> = {};
    const errors: Record<string, cloudwatch.Alarm> = {};
    for (const team of props.teams) {
      const id = team.name.replace(/(^|-)([a-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
      if (team.maxBudgetUsd !== undefined) {
        budget[team.name] = new cloudwatch.Alarm(this, `${id}Budget`, {
          alarmDescription: `Team ${team.name} has spent more than ${props.budgetPercent}% of its ${team.maxBudgetUsd} USD budget this period`,
          metric: props.metrics.budgetUsedPercent(team.name, team.maxBudgetUsd),
          threshold: props.budgetPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          // LiteLLM republishes every team's remaining budget every few minutes; a gap is the collector, not the budget.
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        });
      }
      errors[team.name] = new cloudwatch.Alarm(this, `${id}Errors`, {
        alarmDescription: `More than ${props.errorPercent}% of team ${team.name}'s gateway requests failed (counted from ${MIN_REQUESTS_FOR_TEAM_ERROR_RATE} requests in 5 minutes)`,
        metric: props.metrics.errorPercent(team.name),
        threshold: props.errorPercent,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        // A team that sends nothing has no error rate.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    this.budget = budget;
    this.errors = errors;

    if (!props.mute) {
      const notify = new actions.SnsAction(props.topic);
      for (const alarm of [...Object.values(budget), ...Object.values(errors)]) {
        alarm.addAlarmAction(notify);
        alarm.addOkAction(notify);
      }
    }
  }

  /** Every alarm, budget ones first. */
  get all(): cloudwatch.Alarm[] {
    return [...Object.values(this.budget), ...Object.values(this.errors)];
  }
}
