import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AlarmTopic, type AlarmTopicProps } from '../../constructs/alarm-topic';

function build(overrides: Partial<AlarmTopicProps> = {}) {
  const stack = new Stack();
  const props: AlarmTopicProps = {
    emails: ['oncall@example.com'],
    publishers: ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com'],
    removalPolicy: RemovalPolicy.DESTROY,
    ...overrides,
  };
  return { stack, construct: () => new AlarmTopic(stack, 'Alarms', props) };
}

describe('AlarmTopic', () => {
  test.each<[string, Partial<AlarmTopicProps>, string]>([
    ['a malformed email', { emails: ['oncall'] }, 'emails: "oncall" is not an email address (name@example.com)'],
    ['no publisher', { publishers: [] }, 'publishers: needs at least one service principal (e.g. cloudwatch.amazonaws.com)'],
    [
      'a publisher that is not a service',
      { publishers: ['arn:aws:iam::123456789012:root'] },
      'publishers: "arn:aws:iam::123456789012:root" is not a service principal (<service>.amazonaws.com)',
    ],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Alarms')?.node.children ?? []).toHaveLength(0);
  });

  test('encrypts the topic with its own rotating key that lets CloudWatch and Budgets encrypt what they publish', () => {
    const { stack, construct } = build();
    construct();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsKey'), 'Arn'] } });
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith(
            ['cloudwatch.amazonaws.com', 'budgets.amazonaws.com'].map((service) =>
              Match.objectLike({ Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Effect: 'Allow' }),
            ),
          ),
        },
      },
    });
  });

  test("lets only this account's alarms and budgets publish, over TLS only", () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  test('subscribes each configured address by email', () => {
    const { stack, construct } = build({ emails: ['a@example.com', 'b@example.com'] });
    construct();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'b@example.com' });
  });
});
