import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlarmTopic } from '../constructs/alarm-topic';
import { ChatNotifications } from '../constructs/chat-notifications';
import { PlatformAlarms } from '../constructs/platform-alarms';
import { PlatformDashboard } from '../constructs/platform-dashboard';
import { PlatformMetrics, type PlatformMetricsProps } from '../constructs/platform-metrics';
import { TeamUsageAlarms, type TeamUsage } from '../constructs/team-usage-alarms';
import { UsageMetrics } from '../constructs/usage-metrics';
import type { ObservabilityConfig } from './config/schema';

/** The cost allocation tag PlatformStage puts on every resource of an environment. */
export { ENVIRONMENT_TAG } from './shared/cost-tags';

export interface ObservabilityStackProps extends StackProps {
  readonly environment: string;
  readonly ephemeral: boolean;
  readonly observability: ObservabilityConfig;
  /** Where each part of the environment reports to CloudWatch (the stack adds its own region and the environment). */
  readonly observed: Omit<PlatformMetricsProps, 'region' | 'environment'>;
  /** The teams of the environment: one budget and one error-rate alarm each, and their usage on the dashboard. */
  readonly teams: readonly TeamUsage[];
}

/**
 * What the platform team watches: one dashboard and the alarms it is paged by (to an encrypted SNS topic). It reads
 * the other stacks' names and ids only, so it deploys last and goes first on destroy; nothing in it keeps data. The
 * environment's cost budget lives in the account stack (lib/account-stack.ts), which outlives the nightly destroy.
 */
export class ObservabilityStack extends Stack {
  readonly topic: AlarmTopic;
  readonly alarms: PlatformAlarms;
  readonly dashboard: PlatformDashboard;
  readonly teamAlarms: TeamUsageAlarms;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { observability } = props;

    this.topic = new AlarmTopic(this, 'AlarmTopic', {
      emails: observability.alarmEmails,
      publishers: ['cloudwatch.amazonaws.com'],
      // The key encrypts notifications in flight only: nothing to keep once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      keyPendingWindowDays: props.ephemeral ? 7 : 30,
    });

    new ChatNotifications(this, 'Chat', {
      namePrefix: `genai-${props.environment}-alarms`,
      topic: this.topic.topic,
      slack: observability.chat.slack,
      teams: observability.chat.teams,
    });

    const metrics = new PlatformMetrics({ ...props.observed, region: this.region, environment: props.environment });

    this.alarms = new PlatformAlarms(this, 'Alarms', {
      metrics,
      thresholds: observability.alarms,
      topic: this.topic.topic,
      mute: observability.mute,
    });

    const usage = new UsageMetrics(props.environment);
    this.teamAlarms = new TeamUsageAlarms(this, 'TeamAlarms', {
      metrics: usage,
      teams: props.teams,
      budgetPercent: observability.alarms.teamBudgetPercent,
      errorPercent: observability.alarms.teamErrorPercent,
      topic: this.topic.topic,
      mute: observability.mute,
    });

    this.dashboard = new PlatformDashboard(this, 'Dashboard', {
      metrics,
      alarms: [this.alarms.gatewayDown, ...Object.values(this.alarms.alarms), ...this.teamAlarms.all],
      environment: props.environment,
      usage: { metrics: usage, teams: props.teams, budgetPercent: observability.alarms.teamBudgetPercent },
    });

    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${Aws.REGION}.console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${this.dashboard.dashboard.dashboardName}`,
      description: 'CloudWatch dashboard of this environment',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.topic.topic.topicArn,
      description: 'SNS topic of alarms (subscribe to it; budget alerts go to the account stack topic)',
    });
  }
}
