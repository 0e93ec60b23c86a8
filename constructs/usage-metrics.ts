import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  ENVIRONMENT_LABEL,
  MIN_REQUESTS_FOR_TEAM_ERROR_RATE,
  USAGE_METRICS,
  USAGE_METRICS_NAMESPACE,
  type UsageMetricName,
  exposedName,
} from '../lib/shared/usage-metrics';

const FIVE_MINUTES = Duration.minutes(5);

/** A math id unique per team: several teams' expressions share one graph, where ids must not repeat. */
const idOf = (what: string, team: string) => `${what}_${team.replace(/[^a-z0-9]/g, '_')}`;

/**
 * The per-team usage metrics as CloudWatch reads them: the Container Insights agent publishes LiteLLM's counters as
 * the increase per scrape (so Sum over a period is the period's total, all pods together) and its gauges as they are.
 * Every metric carries the Environment dimension. Not a construct: it only names metrics.
 */
export class UsageMetrics {
  constructor(private readonly environment: string) {}

  /** A metric of one team, summed over every pod and consumer of the team (dimensions Environment, team_alias). */
  team(name: UsageMetricName, team: string, statistic = 'Sum', period: Duration = FIVE_MINUTES): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: USAGE_METRICS_NAMESPACE,
      metricName: exposedName(USAGE_METRICS[name]),
      dimensionsMap: { [ENVIRONMENT_LABEL]: this.environment, team_alias: team },
      statistic,
      period,
      label: team,
    });
  }

  /**
   * Share of a team's budget spent in its current budget period, in percent: 100 x (budget - remaining) / budget, from
   * the lowest remaining budget any pod reports (each pod reports what it last saw; the lowest is the newest).
   */
  budgetUsedPercent(team: string, maxBudgetUsd: number): cloudwatch.MathExpression {
    if (!(maxBudgetUsd > 0)) throw new Error(`maxBudgetUsd: ${maxBudgetUsd} is not a budget (allowed: US dollars above 0)`);
    const remaining = idOf('remaining', team);
    return new cloudwatch.MathExpression({
      expression: `100 * (${maxBudgetUsd} - ${remaining}) / ${maxBudgetUsd}`,
      usingMetrics: { [remaining]: this.team('remainingTeamBudget', team, 'Minimum') },
      label: `${team} budget used %`,
      period: FIVE_MINUTES,
    });
  }

  /** Share of a team's requests that failed over 5 minutes, in percent; 0 below MIN_REQUESTS_FOR_TEAM_ERROR_RATE requests. */
  errorPercent(team: string): cloudwatch.MathExpression {
    const [requests, failed] = [idOf('requests', team), idOf('failed', team)];
    return new cloudwatch.MathExpression({
      expression: `IF(${requests} >= ${MIN_REQUESTS_FOR_TEAM_ERROR_RATE}, 100 * FILL(${failed}, 0) / ${requests}, 0)`,
      usingMetrics: { [requests]: this.team('requests', team), [failed]: this.team('failedRequests', team) },
      label: `${team} errors %`,
      period: FIVE_MINUTES,
    });
  }

  /**
   * One line per team and model (or per team and consumer) of a metric, found by a search, so models and guarded
   * copies need no list here.
   */
  search(name: UsageMetricName, by: 'requested_model' | 'model' | 'api_key_alias' | undefined, label = ''): cloudwatch.MathExpression {
    const dims = [ENVIRONMENT_LABEL, 'team_alias', ...(by ? [by] : [])].join(',');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${USAGE_METRICS_NAMESPACE},${dims}} MetricName="${exposedName(USAGE_METRICS[name])}" ${ENVIRONMENT_LABEL}="${this.environment}"', 'Sum', 300)`,
      usingMetrics: {},
      label,
      period: FIVE_MINUTES,
    });
  }
}
