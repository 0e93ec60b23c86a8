import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
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
    ...(type === 'Create' ? {} : { PhysicalResourceId: props.SecretName ?? 'old', OldResourceProperties: {} }),
  } as CloudFormationCustomResourceEvent;
}

describe('SSO client secret copy (against moto)', () => {
  let moto: LocalMoto;
  let cognito: CognitoIdentityProviderClient;
  let secretsManager: SecretsManagerClient;
  let poolId: string;
  let clientId: string;
  let keyId: string;
  const logs: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    const options = { endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials };
    cognito = new CognitoIdentityProviderClient(options);
    secretsManager = new SecretsManagerClient(options);
    // moto records the key id without checking it against KMS.
    keyId = 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000';
    poolId = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'workforce' }))).UserPool!.Id!;
    clientId = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'open-webui', GenerateSecret: true })))
      .UserPoolClient!.ClientId!;
  }, 30_000);

  afterAll(async () => {
    cognito?.destroy();
    secretsManager?.destroy();
    await moto?.stop();
  });

  const handler = () => createOnEventHandler({ cognito, secretsManager, log: (m) => logs.push(m) });
  const props = (name: string, extra: Record<string, string> = {}) => ({
    UserPoolId: poolId,
    ClientId: clientId,
    SecretName: name,
    KmsKeyId: keyId,
    Description: 'client secret',
    DeleteWithStack: 'true',
    ...extra,
  });
  const clientSecret = async () =>
    (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!.ClientSecret!;
  const valueOf = async (name: string) => (await secretsManager.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;

  test('creates the named secret with the client secret as plain text, returns its ARN only, and never logs the value', async () => {
    const response = await handler()(event('Create', props('genai-gateway/test/sso/openWebUi')));
    expect(response).toEqual({
      PhysicalResourceId: 'genai-gateway/test/sso/openWebUi',
      Data: { SecretArn: expect.stringContaining(':secret:genai-gateway/test/sso/openWebUi-') },
    });
    expect(await valueOf('genai-gateway/test/sso/openWebUi')).toBe(await clientSecret());
    expect(JSON.stringify(response)).not.toContain(await clientSecret());
    expect(logs.join('\n')).not.toContain(await clientSecret());
  });

  test('overwrites an existing secret of that name on update', async () => {
    await secretsManager.send(new CreateSecretCommand({ Name: 'genai-gateway/test/sso/langfuse', SecretString: 'stale' }));
    await handler()(event('Update', props('genai-gateway/test/sso/langfuse')));
    expect(await valueOf('genai-gateway/test/sso/langfuse')).toBe(await clientSecret());
  });

  test("restores and overwrites yesterday's secret still in its recovery window, so the name is never blocked", async () => {
    await secretsManager.send(new CreateSecretCommand({ Name: 'genai-gateway/test/sso/adminGate', SecretString: 'yesterday' }));
    await secretsManager.send(new DeleteSecretCommand({ SecretId: 'genai-gateway/test/sso/adminGate', RecoveryWindowInDays: 7 }));
    await handler()(event('Create', props('genai-gateway/test/sso/adminGate')));
    expect(await valueOf('genai-gateway/test/sso/adminGate')).toBe(await clientSecret());
  });

  test('deletes the secret without recovery window with an ephemeral stack, so tomorrow can create it again', async () => {
    await handler()(event('Create', props('genai-gateway/test/sso/gone')));
    await handler()(event('Delete', props('genai-gateway/test/sso/gone')));
    await expect(secretsManager.send(new DescribeSecretCommand({ SecretId: 'genai-gateway/test/sso/gone' }))).rejects.toThrow();
    await expect(handler()(event('Create', props('genai-gateway/test/sso/gone')))).resolves.toBeDefined();
  });

  test('keeps the secret with a retained stack, and a delete of a missing secret is no error', async () => {
    await handler()(event('Create', props('genai-gateway/test/sso/kept')));
    await handler()(event('Delete', props('genai-gateway/test/sso/kept', { DeleteWithStack: 'false' })));
    expect(await valueOf('genai-gateway/test/sso/kept')).toBe(await clientSecret());
    await expect(handler()(event('Delete', props('genai-gateway/test/sso/never-made')))).resolves.toBeDefined();
  });

  test('refuses a client without a secret', async () => {
    const publicClient = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'public' }))).UserPoolClient!
      .ClientId!;
    await expect(handler()(event('Create', props('genai-gateway/test/sso/public', { ClientId: publicClient })))).rejects.toThrow(
      `app client ${publicClient} of ${poolId} has no client secret (create it with generateSecret)`,
    );
  });

  test('refuses missing properties before calling AWS', async () => {
    await expect(handler()(event('Create', { UserPoolId: poolId }))).rejects.toThrow(
      'ResourceProperties: ClientId, SecretName, KmsKeyId, Description, DeleteWithStack required (non-empty strings)',
    );
  });
});
