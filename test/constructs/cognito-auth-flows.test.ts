import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { REFRESH_ONLY_AUTH_FLOWS } from '../../constructs/cognito-auth-flows';

describe('REFRESH_ONLY_AUTH_FLOWS', () => {
  test('renders as token refresh alone, where an empty authFlows would leave Cognito its SRP and custom defaults', () => {
    const stack = new Stack(new App(), 'Test');
    const pool = new cognito.UserPool(stack, 'Pool');
    pool.addClient('Refresh', { authFlows: REFRESH_ONLY_AUTH_FLOWS });
    pool.addClient('Unset', { authFlows: {} });
    const clients = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolClient')).map(
      (c) => (c.Properties as { ExplicitAuthFlows?: string[] }).ExplicitAuthFlows,
    );
    expect(clients).toEqual([['ALLOW_REFRESH_TOKEN_AUTH'], undefined]);
  });
});
