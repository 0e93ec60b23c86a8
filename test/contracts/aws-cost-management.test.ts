/**
 * AWS Budgets and Cost Anomaly Detection, as the account stack relies on them, checked against its synthesized template.
 *
 * Sources (read 2026-12-06, restated in our own words):
 * - AWS Budgets API reference introduction (as restated by the SDKs' service docs): AWS updates budget status several
 *   times a day from billing data, and budgets can notify an SNS topic. Billing data itself lags usage; so a budget in
 *   a stack that exists only in working hours may never alert, or alert again each morning (the issue's reading).
 * - docs.aws.amazon.com/cost-management/latest/userguide/ad-SNS.html: costalerts.amazonaws.com publishes anomaly
 *   alerts, optionally limited to one account with aws:SourceAccount.
 * - docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html: SNS subscribers receive
 *   IMMEDIATE alerts only (DAILY and WEEKLY are email digests); ThresholdExpression dimensions
 *   ANOMALY_TOTAL_IMPACT_ABSOLUTE / _PERCENTAGE with GREATER_THAN_OR_EQUAL.
 * - API_AnomalyMonitor.html: DIMENSIONAL monitors are AWS managed over a dimension; CUSTOM monitors watch chosen values
 *   (here a cost allocation tag's values) in aggregate.
 * - The Bedrock user guide, cost-mgmt-application-inference-profiles.html: Bedrock token spend carries cost allocation
 *   tags only through application inference profiles; tags are not retroactive and appear up to 24 hours after
 *   activation. So the environment tag alone misses tokens, and the account stack adds a budget by service.
 * Not verified: whether Budgets and Cost Anomaly Detection accept a KMS-encrypted topic with only the key policy
 * statements constructs/alarm-topic.ts writes (documented for CloudWatch; assumed the same for these two).
 */
import { ENVIRONMENTS } from '../../lib/config/environments';
import { loadAccountSettings, loadEnvironment } from '../../lib/config/load-config';
import { createAccountStage } from '../../lib/create-stacks';
import { ENVIRONMENT_TAG } from '../../lib/shared/cost-tags';
import { Template } from 'aws-cdk-lib/assertions';
import { synthEnvironment, testApp } from '../support/app';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const environments = Object.keys(ENVIRONMENTS).map((name) => loadEnvironment(name));
const account = Template.fromStack(createAccountStage(testApp(), loadAccountSettings(), environments).stack);

describe('Cost management contract', () => {
  test('every budget lives in the account stack, none in a stack an environment destroys', () => {
    for (const name of Object.keys(ENVIRONMENTS)) {
      for (const template of Object.values(synthEnvironment(name).templates)) template.resourceCountIs('AWS::Budgets::Budget', 0);
    }
    expect(Object.keys(account.findResources('AWS::Budgets::Budget')).length).toBeGreaterThanOrEqual(environments.length);
  });

  test('budgets filter on the user cost allocation tag as "user:<key>$<value>"', () => {
    const filters = Object.values(account.findResources('AWS::Budgets::Budget')).map((b: Json) => b.Properties.Budget.CostFilters);
    for (const env of environments) expect(filters).toContainEqual({ TagKeyValue: [`user:${ENVIRONMENT_TAG}$${env.name}`] });
  });

  test('the anomaly monitor names the tag by its plain key (Cost Explorer tag expressions take no "user:" prefix)', () => {
    const [monitor] = Object.values(account.findResources('AWS::CE::AnomalyMonitor')) as Json[];
    expect(JSON.parse(monitor.Properties.MonitorSpecification).Tags.Key).toBe(ENVIRONMENT_TAG);
  });

  test('anomaly alerts reach SNS: IMMEDIATE frequency, an absolute-impact threshold expression', () => {
    const [subscription] = Object.values(account.findResources('AWS::CE::AnomalySubscription')) as Json[];
    expect(subscription.Properties.Frequency).toBe('IMMEDIATE');
    expect(JSON.parse(subscription.Properties.ThresholdExpression).Dimensions).toMatchObject({
      Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
      MatchOptions: ['GREATER_THAN_OR_EQUAL'],
    });
  });
});
