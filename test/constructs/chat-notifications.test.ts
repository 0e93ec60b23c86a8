import { configProblems } from '../support/config-problems';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ChatNotifications, type ChatNotificationsProps } from '../../constructs/chat-notifications';
import type { EnvironmentInput } from '../../lib/config/schema';

function build(channels: Pick<ChatNotificationsProps, 'slack' | 'teams'>): Template {
  const stack = new Stack();
  const topic = new sns.Topic(stack, 'Topic');
  new ChatNotifications(stack, 'Chat', { namePrefix: 'genai-dev-alarms', topic, ...channels });
  return Template.fromStack(stack);
}

const TEAMS = {
  teamId: '5f0b8e1c-2d3a-4b5c-8d9e-0f1a2b3c4d5e',
  tenantId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  channelId: '19%3ab1c2d3e4f5%40thread.tacv2',
};

describe('ChatNotifications', () => {
  test('builds nothing without channels', () => {
    const template = build({ slack: [], teams: [] });
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
  });

  test('subscribes Slack and Teams channels to the topic, notify only: no permissions, a deny-all guardrail, no logs', () => {
    const template = build({ slack: [{ workspaceId: 'T0123ABCD', channelId: 'C0123456789' }], teams: [TEAMS] });
    const common = {
      SnsTopicArns: [{ Ref: 'TopicBFC7AF6E' }],
      LoggingLevel: 'NONE',
      UserRoleRequired: false,
      GuardrailPolicies: [{ Ref: 'ChatGuardrail5AE90D53' }],
    };
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ...common,
      ConfigurationName: 'genai-dev-alarms-slack-0',
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123456789',
    });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      ...common,
      ConfigurationName: 'genai-dev-alarms-teams-0',
      TeamId: TEAMS.teamId,
      TeamsTenantId: TEAMS.tenantId,
      TeamsChannelId: TEAMS.channelId,
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [role] = Object.values(template.findResources('AWS::IAM::Role'));
    expect(role!.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role!.Properties.Policies).toBeUndefined();
  });
});

describe('observability.chat config', () => {
  const withChat = (chat: unknown) => ({ name: 'test', ephemeral: true, region: 'us-east-1', observability: { chat } }) as EnvironmentInput;
  const problems = (chat: unknown) => configProblems(withChat(chat));

  test('accepts a Slack and a Teams channel', () => {
    expect(problems({ slack: [{ workspaceId: 'T0123ABCD', channelId: 'C0123456789' }], teams: [TEAMS] })).toEqual([]);
  });

  test.each<[string, unknown, string]>([
    [
      'a Slack channel name instead of its id',
      { slack: [{ workspaceId: 'T0123ABCD', channelId: '#alerts' }] },
      'observability.chat.slack[0].channelId: is not a Slack channel id (e.g. C0123456789)',
    ],
    [
      'a lowercase Slack workspace id',
      { slack: [{ workspaceId: 't0123abcd', channelId: 'C1' }] },
      'observability.chat.slack[0].workspaceId: is not a Slack workspace id (e.g. T0123ABCD)',
    ],
    [
      'a Teams channel id that is not URL-encoded',
      { teams: [{ ...TEAMS, channelId: '19:abc@thread.tacv2' }] },
      'observability.chat.teams[0].channelId: is not a URL-encoded Teams channel id (19%3a...%40thread.tacv2)',
    ],
    [
      'a Teams tenant that is not a UUID',
      { teams: [{ ...TEAMS, tenantId: 'contoso.onmicrosoft.com' }] },
      'observability.chat.teams[0].tenantId: is not a Microsoft Entra tenant id (a lowercase UUID)',
    ],
  ])('rejects %s', (_what, chat, message) => {
    expect(problems(chat)).toEqual([message]);
  });
});
