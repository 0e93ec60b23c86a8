import { DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { awsSmokeDeps, type SmokeClients } from '../../bin/smoke-aws';

type Sent = { command: string; input: unknown };

/** Fake SDK clients: each command (by class name) answered by a function of its input. */
function fakeClients(answers: Record<string, (input: never) => unknown>): { clients: SmokeClients; sent: Sent[] } {
  const sent: Sent[] = [];
  const send = async (command: { constructor: { name: string }; input: unknown }) => {
    sent.push({ command: command.constructor.name, input: command.input });
    const answer = answers[command.constructor.name];
    if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
    return answer(command.input as never);
  };
  const clients = { cloudFormation: { send }, cognito: { send }, secretsManager: { send } } as unknown as SmokeClients;
  return { clients, sent };
}

test('stackOutputs reads DescribeStacks of the named stack in its region', async () => {
  const { clients, sent } = fakeClients({
    DescribeStacksCommand: () => ({ Stacks: [{ Outputs: [{ OutputKey: 'GatewayUrl', OutputValue: 'https://x/api/v1' }] }] }),
  });
  const regions: string[] = [];
  const deps = awsSmokeDeps((region) => (regions.push(region), clients));
  await expect(deps.stackOutputs('eu-west-1', 'genai-dev-edge')).resolves.toEqual({ GatewayUrl: 'https://x/api/v1' });
  expect(sent).toEqual([{ command: DescribeStacksCommand.name, input: { StackName: 'genai-dev-edge' } }]);
  expect(regions).toEqual(['eu-west-1']);
});

test('clientSecret reads the app client of the pool, and fails when it has no secret', async () => {
  let secret: string | undefined = 's3cr3t';
  const { clients, sent } = fakeClients({ DescribeUserPoolClientCommand: () => ({ UserPoolClient: { ClientSecret: secret } }) });
  const deps = awsSmokeDeps(() => clients);
  await expect(deps.clientSecret('us-east-1', 'us-east-1_Pool', 'client1')).resolves.toBe('s3cr3t');
  expect(sent[0]).toEqual({ command: DescribeUserPoolClientCommand.name, input: { UserPoolId: 'us-east-1_Pool', ClientId: 'client1' } });
  secret = undefined;
  await expect(deps.clientSecret('us-east-1', 'us-east-1_Pool', 'client1')).rejects.toThrow('app client client1 has no client secret');
});

test('langfuseKeyParts finds the two init key secrets across pages of stack resources and reads their value field', async () => {
  const pages: Record<string, unknown> = {
    first: {
      StackResourceSummaries: [
        { LogicalResourceId: 'SecretsLangfuseSaltAAAA', ResourceType: 'AWS::SecretsManager::Secret', PhysicalResourceId: 'arn:salt' },
        {
          LogicalResourceId: 'SecretsLangfuseInitPublicKey66EF37DE',
          ResourceType: 'AWS::SecretsManager::Secret',
          PhysicalResourceId: 'arn:pk',
        },
      ],
      NextToken: 'second',
    },
    second: {
      StackResourceSummaries: [
        {
          LogicalResourceId: 'SecretsLangfuseInitSecretKey4F8CC4D8',
          ResourceType: 'AWS::SecretsManager::Secret',
          PhysicalResourceId: 'arn:sk',
        },
      ],
    },
  };
  const values: Record<string, string> = { 'arn:pk': '{"value":"publicpart"}', 'arn:sk': '{"value":"secretpart"}' };
  const { clients, sent } = fakeClients({
    ListStackResourcesCommand: (input: { NextToken?: string }) => pages[input.NextToken ?? 'first'],
    GetSecretValueCommand: (input: { SecretId: string }) => ({ SecretString: values[input.SecretId] }),
  });
  const deps = awsSmokeDeps(() => clients);
  await expect(deps.langfuseKeyParts('us-east-1', 'genai-dev-data')).resolves.toEqual({ publicKey: 'publicpart', secretKey: 'secretpart' });
  expect(sent.map((s) => s.command)).toEqual([
    ListStackResourcesCommand.name,
    ListStackResourcesCommand.name,
    GetSecretValueCommand.name,
    GetSecretValueCommand.name,
  ]);
});

test('langfuseKeyParts names the stack when the secrets are not there', async () => {
  const { clients } = fakeClients({ ListStackResourcesCommand: () => ({ StackResourceSummaries: [] }) });
  await expect(awsSmokeDeps(() => clients).langfuseKeyParts('us-east-1', 'genai-dev-data')).rejects.toThrow(
    'genai-dev-data has no Langfuse init key secrets',
  );
});
