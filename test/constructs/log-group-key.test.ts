import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { LogGroupKey } from '../../constructs/log-group-key';

describe('LogGroupKey', () => {
  test("lets the region's CloudWatch Logs use it for this account's log groups only, and rotates", () => {
    // GIVEN / WHEN
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test');
    LogGroupKey.of(stack, { removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(stack);

    // THEN as the CloudWatch Logs user guide's key policy, with the encryption-context condition
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
            Effect: 'Allow',
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Resource: '*',
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:*'],
                  ],
                },
              },
            },
          },
        ]),
      },
    });
  });

  test('is one key per stack however often it is asked for', () => {
    const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test');
    const first = LogGroupKey.of(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const second = LogGroupKey.of(stack, { removalPolicy: RemovalPolicy.DESTROY });
    expect(second).toBe(first);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
  });
});
