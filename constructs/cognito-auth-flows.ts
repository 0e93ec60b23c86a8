import type * as cognito from 'aws-cdk-lib/aws-cognito';

/**
 * Token refresh only: no password, SRP or custom sign-in through Cognito's API. People sign in on the managed pages
 * (with MFA), machines use the client-credentials grant, neither needs more. Every flag is spelled out: an empty
 * authFlows leaves ExplicitAuthFlows unset, and Cognito then allows SRP and custom auth by default; with any flag
 * given, CDK always adds ALLOW_REFRESH_TOKEN_AUTH.
 */
export const REFRESH_ONLY_AUTH_FLOWS: cognito.AuthFlow = {
  user: false,
  userPassword: false,
  adminUserPassword: false,
  userSrp: false,
  custom: false,
};
