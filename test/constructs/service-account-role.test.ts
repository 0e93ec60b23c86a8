import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceAccountRole } from '../../constructs/service-account-role';

function build(namespace: string, serviceAccount: string) {
  const stack = new Stack();
  const oidcProvider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(
    stack,
    'Provider',
    'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC',
  );
  const role = () =>
    new ServiceAccountRole(stack, 'Role', {
      oidcProvider,
      oidcIssuer: 'oidc.eks.us-east-1.amazonaws.com/id/ABC',
      namespace,
      serviceAccount,
      description: 'test',
    });
  return { stack, role };
}

describe('ServiceAccountRole', () => {
  test('trusts exactly one service account, matching sub and aud with StringEquals', () => {
    const { stack, role } = build('litellm', 'litellm');
    role();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::AWSCDKCfnJson', {
      Value: JSON.stringify({
        'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:litellm:litellm',
        'oidc.eks.us-east-1.amazonaws.com/id/ABC:aud': 'sts.amazonaws.com',
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRoleWithWebIdentity',
            Effect: 'Allow',
            Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC' },
            Condition: { StringEquals: { 'Fn::GetAtt': ['RoleTrustConditions4DCA6BFC', 'Value'] } },
          },
        ],
      },
    });
  });

  test.each([
    ['Bad_Namespace', 'sa', 'namespace: "Bad_Namespace" is not a Kubernetes name (lowercase letters, digits, -)'],
    ['ns', '*', 'serviceAccount: "*" is not a Kubernetes name (lowercase letters, digits, -)'],
  ])('rejects namespace %s / service account %s and builds nothing', (namespace, serviceAccount, message) => {
    const { stack, role } = build(namespace, serviceAccount);
    expect(role).toThrow(message);
    expect(stack.node.tryFindChild('Role')?.node.children ?? []).toHaveLength(0);
  });
});
