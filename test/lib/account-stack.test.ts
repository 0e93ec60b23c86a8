import { Match, Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT_STACK_NAME, ACCOUNT_STACK_REGION } from '../../lib/account-stack';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { loadAccountSettings, loadEnvironment } from '../../lib/config/load-config';
import { createAccountStage } from '../../lib/create-stacks';
import { snapshotOf, testApp } from '../support/app';

const environments = Object.keys(ENVIRONMENTS).map((name) => loadEnvironment(name));
const settings = loadAccountSettings();

function synth(overrides: Partial<typeof settings> = {}) {
  const stage = createAccountStage(testApp(), { ...settings, ...overrides }, environments);
  return { stage, template: Template.fromStack(stage.stack) };
}

describe('AccountStack', () => {
  const { stage, template } = synth();

  test('matches the snapshot', () => {
    expect(snapshotOf(template)).toMatchSnapshot();
  });

  test('is one stack, genai-account in us-east-1, protected from termination', () => {
    expect(stage.stack.stackName).toBe(ACCOUNT_STACK_NAME);
    expect(stage.stack.region).toBe(ACCOUNT_STACK_REGION);
    expect(stage.stack.terminationProtection).toBe(true);
  });

  test.each(Object.keys(ENVIRONMENTS))('budgets the month of resources tagged genai:environment=%s, with its configured alerts', (name) => {
    const { monthlyBudgetUsd, budgetAlertPercents } = loadEnvironment(name).observability;
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetLimit: { Amount: monthlyBudgetUsd, Unit: 'USD' },
        CostFilters: { TagKeyValue: [`user:genai:environment$${name}`] },
      }),
      NotificationsWithSubscribers: [...budgetAlertPercents.map((p) => ['ACTUAL', p] as const), ['FORECASTED', 100] as const].map(
        ([type, threshold]) => Match.objectLike({ Notification: Match.objectLike({ NotificationType: type, Threshold: threshold }) }),
      ),
    });
  });

  test('budgets Bedrock by service across every environment and team, when configured', () => {
    template.resourceCountIs('AWS::Budgets::Budget', environments.length + (settings.bedrock ? 1 : 0));
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({
        BudgetLimit: { Amount: settings.bedrock!.monthlyBudgetUsd, Unit: 'USD' },
        CostFilters: { Service: ['Amazon Bedrock'] },
      }),
    });
    const without = synth({ bedrock: undefined }).template;
    without.resourceCountIs('AWS::Budgets::Budget', environments.length);
  });

  test("watches every environment's tagged cost for anomalies and sends each one past the threshold to its own topic", () => {
    template.hasResourceProperties('AWS::CE::AnomalyMonitor', {
      MonitorType: 'CUSTOM',
      MonitorSpecification: JSON.stringify({ Tags: { Key: 'genai:environment', Values: Object.keys(ENVIRONMENTS) } }),
    });
    template.hasResourceProperties('AWS::CE::AnomalySubscription', {
      Frequency: 'IMMEDIATE',
      Subscribers: [{ Type: 'SNS', Address: { Ref: Match.stringLikeRegexp('^Topic') } }],
    });
  });

  test('lets Budgets and Cost Anomaly Detection publish to its encrypted topic for this account only, and keeps the key', () => {
    // Source: docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html (read 2026-12-06): costalerts.amazonaws.com
    // publishes, optionally limited with aws:SourceAccount (budgets.amazonaws.com as in constructs/alarm-topic.ts).
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const allows = publishStatements().filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: ['budgets.amazonaws.com', 'costalerts.amazonaws.com'] },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    ]);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('denies a publish from anyone else: no other principal is allowed, and plain HTTP is denied to all', () => {
    const statements = publishStatements();
    expect(statements.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Principal])).toHaveLength(1);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  function publishStatements(): { Effect: string; Principal: unknown; Condition?: unknown }[] {
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    return policy!.Properties.PolicyDocument.Statement;
  }
});
