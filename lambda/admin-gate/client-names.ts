import { DescribeUserPoolClientCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/**
 * App client id → name, looked up once per client per cold start (a client's name never changes; a replaced client
 * has a new id). The response also carries the client secret: it is dropped here and never logged.
 */
export function clientNameLookup(cognito: CognitoIdentityProviderClient) {
  const names = new Map<string, string>();
  return async (userPoolId: string, clientId: string): Promise<string> => {
    const known = names.get(`${userPoolId}/${clientId}`);
    if (known !== undefined) return known;
    const { UserPoolClient: client } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
    );
    const name = client?.ClientName;
    if (name === undefined) throw new Error(`app client ${clientId} of ${userPoolId} has no name`);
    names.set(`${userPoolId}/${clientId}`, name);
    return name;
  };
}
