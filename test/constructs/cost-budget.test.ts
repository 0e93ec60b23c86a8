import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { CostBudget, type CostBudgetProps } from '../../constructs/cost-budget';

function build(overrides: Partial<CostBudgetProps> = {}) {
  const stack = new Stack();
  const props: CostBudgetProps = {
    tagKey: 'genai:environment',
    tagValue: 'test',
    monthlyLimitUsd: 300,
    alertPercents: [50, 100],
    topic: new sns.Topic(stack, 'Topic'),
    ...overrides,
  };
  return { stack, construct: () => new CostBudget(stack, 'Budget', props) };
}

describe('CostBudget', () => {
  test.each<[string, Partial<CostBudgetProps>, string]>([
    [
      'an AWS-reserved tag key',
      { tagKey: 'aws:createdBy' },
      'tagKey: "aws:createdBy" is not a user tag key (letters, digits and _ . : / = + - @, not aws:)',
    ],
    ['a zero limit', { monthlyLimitUsd: 0 }, 'monthlyLimitUsd: 0 must be above 0'],
    ['no alert', { alertPercents: [] }, 'alertPercents: needs at least one percentage (e.g. [80, 100])'],
    [
      'more alerts than Budgets takes',
      { alertPercents: [25, 50, 75, 90, 100] },
      'alertPercents: has 5 (allowed: at most 4; Budgets takes 5 notifications per budget, one is the forecast)',
    ],
    ['a fractional percentage', { alertPercents: [80.5] }, 'alertPercents: 80.5 is not a whole percentage between 1 and 1000'],
    ['a repeated percentage', { alertPercents: [80, 80] }, 'alertPercents: lists a percentage twice'],
    [
      'both a tag and services',
      { services: ['Amazon Bedrock'] },
      'filter: set tagKey and tagValue, or services (exactly one of them: a budget counts one kind of cost)',
    ],
    [
      'neither a tag nor services',
      { tagKey: undefined, tagValue: undefined },
      'filter: set tagKey and tagValue, or services (exactly one of them: a budget counts one kind of cost)',
    ],
    [
      'services without a name',
      { tagKey: undefined, tagValue: undefined, services: ['Amazon Bedrock'] },
      'name: "" is not a budget name (letters, digits and _ . : -, at most 80; required with services)',
    ],
    [
      'an empty service list',
      { tagKey: undefined, tagValue: undefined, services: [], name: 'genai-bedrock-monthly' },
      'services: needs at least one Cost Explorer service name (e.g. "Amazon Bedrock")',
    ],
  ])('rejects %s and builds nothing', (_what, overrides, message) => {
    const { stack, construct } = build(overrides);
    expect(construct).toThrow(message);
    expect(stack.node.tryFindChild('Budget')?.node.children ?? []).toHaveLength(0);
  });

  test("budgets the month's cost of the resources carrying the environment's cost allocation tag", () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 300, Unit: 'USD' },
        CostFilters: { TagKeyValue: ['user:genai:environment$test'] },
      },
    });
  });

  test('budgets named services instead, whatever their tags (Bedrock tokens without an application inference profile)', () => {
    // Source: the Budgets API's Budget.CostFilters, a map of filter name to values (Service, TagKeyValue, ...); the
    // Service key was not re-read for this change: a first deploy shows it (README, "What to verify once").
    const { stack, construct } = build({
      tagKey: undefined,
      tagValue: undefined,
      services: ['Amazon Bedrock'],
      name: 'genai-bedrock-monthly',
    });
    construct();
    const [budget] = Object.values(Template.fromStack(stack).findResources('AWS::Budgets::Budget'));
    expect(budget!.Properties.Budget.CostFilters).toEqual({ Service: ['Amazon Bedrock'] });
    expect(JSON.stringify(budget!.Properties.Budget.BudgetName)).toContain('genai-bedrock-monthly');
  });

  test('notifies the topic at each actual-spend percentage and when the forecast passes the limit', () => {
    const { stack, construct } = build();
    construct();
    const subscribers = [{ SubscriptionType: 'SNS', Address: { Ref: Match.stringLikeRegexp('^Topic') } }];
    Template.fromStack(stack).hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [
        {
          Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 50, ThresholdType: 'PERCENTAGE' },
          Subscribers: subscribers,
        },
        {
          Notification: { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
          Subscribers: subscribers,
        },
        {
          Notification: { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
          Subscribers: subscribers,
        },
      ],
    });
  });

  test("is named after the stack's own id, so the next day's re-created stack never collides with it", () => {
    const { stack, construct } = build();
    construct();
    Template.fromStack(stack).hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: { 'Fn::Join': ['-', ['genai-test-monthly', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] },
      },
    });
  });
});
