import { Aspects, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { FunctionLogGroups } from '../../constructs/function-log-groups';

describe('FunctionLogGroups', () => {
  test('gives a function without a log group one the stack owns and deletes after it', () => {
    // GIVEN a function Lambda would log to /aws/lambda/<name> on its own
    const stack = new Stack();
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>{}'),
    });
    Aspects.of(stack).add(new FunctionLogGroups({ retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }));

    // WHEN / THEN
    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fn!.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/^FnResourceLogGroup/) } });
    expect(fn!.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^FnResourceLogGroup/)]));
  });

  test('leaves a function that already has a log group alone', () => {
    const stack = new Stack();
    new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>{}'),
      logGroup: new logs.LogGroup(stack, 'Own'),
    });
    Aspects.of(stack).add(new FunctionLogGroups({ retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY }));
    Template.fromStack(stack).resourceCountIs('AWS::Logs::LogGroup', 1);
  });
});
