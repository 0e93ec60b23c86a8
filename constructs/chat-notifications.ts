import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SlackChannel {
  /** The workspace id AWS shows once the workspace is authorized in the Amazon Q Developer console (T...). */
  readonly workspaceId: string;
  readonly channelId: string;
}

export interface TeamsChannel {
  readonly teamId: string;
  readonly tenantId: string;
  /** URL-encoded, as in the channel link: 19%3a...%40thread.tacv2. */
  readonly channelId: string;
}

export interface ChatNotificationsProps {
  /** Prefix of the configuration names, unique in the account (`genai-<env>-alarms`). */
  readonly namePrefix: string;
  readonly topic: sns.ITopic;
  readonly slack: readonly SlackChannel[];
  readonly teams: readonly TeamsChannel[];
}

/**
 * Alarm and budget notifications in Slack or Microsoft Teams channels, through Amazon Q Developer in chat
 * applications (formerly AWS Chatbot). Notify only: the channel role holds no permission and the guardrail
 * allows nothing, so nobody can run a command against the account from the chat; logging is off so no
 * service-made log group outlives the environment.
 * Unverified here (no account): delivery from our KMS-encrypted topic. SNS decrypts before it delivers, so
 * the key should need only the publishers (CloudWatch, Budgets) it already names; older reports of Chatbot
 * failing on encrypted topics concern the AWS-managed key, which CloudWatch cannot use to publish.
 */
export class ChatNotifications extends Construct {
  readonly role?: iam.Role;

  constructor(scope: Construct, id: string, props: ChatNotificationsProps) {
    super(scope, id);
    if (props.slack.length + props.teams.length === 0) return;
    // CloudFormation's default guardrail is AdministratorAccess: name one that grants nothing.
    const guardrail = new iam.ManagedPolicy(this, 'Guardrail', {
      description: 'Chat channels may not act on the account',
      statements: [new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] })],
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
      description: 'Chat notification channels: delivers messages only, no permissions',
    });
    const common = {
      iamRoleArn: this.role.roleArn,
      guardrailPolicies: [guardrail.managedPolicyArn],
      loggingLevel: 'NONE',
      snsTopicArns: [props.topic.topicArn],
      userRoleRequired: false,
    };
    props.slack.forEach((channel, i) => {
      new chatbot.CfnSlackChannelConfiguration(this, `Slack${i}`, {
        ...common,
        configurationName: `${props.namePrefix}-slack-${i}`,
        slackWorkspaceId: channel.workspaceId,
        slackChannelId: channel.channelId,
      });
    });
    props.teams.forEach((channel, i) => {
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, `Teams${i}`, {
        ...common,
        configurationName: `${props.namePrefix}-teams-${i}`,
        teamId: channel.teamId,
        teamsTenantId: channel.tenantId,
        teamsChannelId: channel.channelId,
      });
    });
  }
}
