import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { createOnEventHandler } from '../../../lambda/sso-client-secret/on-event';
import { startMoto, type LocalMoto } from '../../support/moto';

function event(type: 'Create' | 'Update' | 'Delete', props: Record<string, string>): CloudFormationCustomResourceEvent {
  return {
    RequestType: type,
    ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:provider',
    ResponseURL: 'https://example.com',
    StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/Edge/guid',
    RequestId: 'r',
    LogicalResourceId: 'Copy',
    ResourceType: 'Custom::SsoClientSecret',
    ResourceProperties: { ServiceToken: 'x', ...props },
    ...(type === 'Create' ? {} : { PhysicalResourceId: 'old-client', OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

describe('SSO client secret copy (against moto)', () => {
  let moto: LocalMoto;
  let cognito: CognitoIdentityProviderClient;
  let secretsManager: SecretsManagerClient;
  let poolId: string;
  let clientId: string;
  let secretArn: string;
  const logs: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    const options = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
    cognito = new CognitoIdentityProviderClient(options);
    secretsManager = new SecretsManagerClient(options);
    poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'workforce' }))).UserPool!.Id!;
    clientId = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'open-webui', GenerateSecret: true })))
      .UserPoolClient!.ClientId!;
    secretArn = (
      await secretsManager.send(new CreateSecretCommand({ Name: 'genai-gateway/test/sso/openWebUi', SecretString: 'placeholder' }))
    ).ARN!;
  }, 30_000);

  afterAll(async () => {
    cognito?.destroy();
    secretsManager?.destroy();
    await moto?.stop();
  });

  const handler = () => createOnEventHandler({ cognito, secretsManager, log: (m) => logs.push(m) });

  test('writes the client secret as plain text, returns the client id and no data, and never logs the value', async () => {
    const response = await handler()(event('Create', { UserPoolId: poolId, ClientId: clientId, SecretArn: secretArn }));
    expect(response).toEqual({ PhysicalResourceId: clientId });
    const { UserPoolClient } = await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }));
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
    expect(SecretString).toBe(UserPoolClient!.ClientSecret);
    expect(logs.join('\n')).not.toContain(UserPoolClient!.ClientSecret!);
  });

  test('copies again on update', async () => {
    await expect(handler()(event('Update', { UserPoolId: poolId, ClientId: clientId, SecretArn: secretArn }))).resolves.toEqual({
      PhysicalResourceId: clientId,
    });
  });

  test('does nothing on delete: the secret belongs to the stack', async () => {
    await expect(handler()(event('Delete', {}))).resolves.toEqual({ PhysicalResourceId: 'old-client' });
  });

  test('refuses a client without a secret', async () => {
    const publicClient = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'public' }))).UserPoolClient!
      .ClientId!;
    await expect(handler()(event('Create', { UserPoolId: poolId, ClientId: publicClient, SecretArn: secretArn }))).rejects.toThrow(
      `app client ${publicClient} of ${poolId} has no client secret (create it with generateSecret)`,
    );
  });

  test('refuses missing properties before calling AWS', async () => {
    await expect(handler()(event('Create', { UserPoolId: poolId }))).rejects.toThrow(
      'ResourceProperties: ClientId, SecretArn required (non-empty strings)',
    );
  });
});
