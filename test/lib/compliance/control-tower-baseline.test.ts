import { App, Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ControlTowerBaseline } from '../../../lib/compliance/control-tower-baseline';

function stackWith(build: (stack: Stack) => void, removalPolicy = RemovalPolicy.DESTROY): Template {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Test');
  build(stack);
  Aspects.of(app).add(new ControlTowerBaseline({ removalPolicy }));
  return Template.fromStack(stack);
}

const DENY_GRANTS = {
  Sid: 'DenyGrantsExceptForAwsServices',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

describe('ControlTowerBaseline', () => {
  test("encrypts every log group of a stack with that stack's one log group key", () => {
    // GIVEN two log groups without a key
    // WHEN
    const template = stackWith((stack) => {
      new logs.LogGroup(stack, 'A');
      new logs.CfnLogGroup(stack, 'B');
    });

    // THEN one key serves both
    const keys = Object.keys(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(1);
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keys[0], 'Arn'] });
    }
  });

  test('leaves a log group that names its own key alone, and adds no key for it', () => {
    const template = stackWith((stack) => {
      new logs.CfnLogGroup(stack, 'Own', { kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' });
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('adds the CreateGrant deny statement to every key policy exactly once, its own log group key included', () => {
    const template = stackWith((stack) => {
      new kms.Key(stack, 'DataKey');
      new logs.LogGroup(stack, 'Logs');
    });
    const keys = Object.values(template.findResources('AWS::KMS::Key'));
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const statements = key.Properties.KeyPolicy.Statement as { Sid?: string }[];
      expect(statements.filter((s) => s.Sid === DENY_GRANTS.Sid)).toEqual([DENY_GRANTS]);
    }
  });

  test('gives the log group key the removal policy it is given: DESTROY with a 7-day window, or RETAIN', () => {
    const ephemeral = stackWith((stack) => new logs.LogGroup(stack, 'Logs'), RemovalPolicy.DESTROY);
    ephemeral.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ PendingWindowInDays: 7 }) });

    const kept = stackWith((stack) => new logs.LogGroup(stack, 'Logs'), RemovalPolicy.RETAIN);
    kept.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ PendingWindowInDays: Match.absent() }) });
  });
});
