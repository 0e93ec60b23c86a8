/** The AWS calls of the smoke run, as SmokeDeps functions. Clients are made per region, or passed in by tests. */
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LANGFUSE_KEY_LOGICAL_IDS, type LangfuseKeys } from './smoke-langfuse';
import { outputsFromStack } from './smoke-outputs';
import type { SmokeDeps } from './smoke-run';

/** The slice of each SDK client used here, so tests pass fakes. */
export interface SmokeClients {
  readonly cloudFormation: { send(command: DescribeStacksCommand | ListStackResourcesCommand): Promise<unknown> };
  readonly cognito: { send(command: DescribeUserPoolClientCommand): Promise<unknown> };
  readonly secretsManager: { send(command: GetSecretValueCommand): Promise<unknown> };
}

function sdkClients(region: string): SmokeClients {
  return {
    cloudFormation: new CloudFormationClient({ region }),
    cognito: new CognitoIdentityProviderClient({ region }),
    secretsManager: new SecretsManagerClient({ region }),
  };
}

type AwsDeps = Pick<SmokeDeps, 'stackOutputs' | 'clientSecret' | 'secretString' | 'langfuseKeyParts'>;

/** The AWS-backed SmokeDeps. */
export function awsSmokeDeps(clientsFor: (region: string) => SmokeClients = sdkClients): AwsDeps {
  const cache = new Map<string, SmokeClients>();
  const clients = (region: string) => {
    const existing = cache.get(region);
    if (existing) return existing;
    const made = clientsFor(region);
    cache.set(region, made);
    return made;
  };

  const secretString = async (region: string, secretId: string): Promise<string> => {
    const out = (await clients(region).secretsManager.send(new GetSecretValueCommand({ SecretId: secretId }))) as { SecretString?: string };
    if (out.SecretString === undefined) throw new Error(`${secretId} holds no string value`);
    return out.SecretString;
  };

  return {
    async stackOutputs(region, stackName) {
      const out = (await clients(region).cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))) as {
        Stacks?: { Outputs?: { OutputKey?: string; OutputValue?: string }[] }[];
      };
      const stack = out.Stacks?.[0];
      if (!stack) throw new Error(`stack ${stackName} not found`);
      return outputsFromStack(stack.Outputs ?? []);
    },

    async clientSecret(region, userPoolId, clientId) {
      const out = (await clients(region).cognito.send(
        new DescribeUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      )) as {
        UserPoolClient?: { ClientSecret?: string };
      };
      const secret = out.UserPoolClient?.ClientSecret;
      if (!secret) throw new Error(`app client ${clientId} has no client secret`);
      return secret;
    },

    secretString,

    async langfuseKeyParts(region, dataStackName): Promise<LangfuseKeys> {
      const arns: Partial<Record<keyof LangfuseKeys, string>> = {};
      let nextToken: string | undefined;
      do {
        const page = (await clients(region).cloudFormation.send(
          new ListStackResourcesCommand({ StackName: dataStackName, NextToken: nextToken }),
        )) as {
          StackResourceSummaries?: { LogicalResourceId?: string; PhysicalResourceId?: string; ResourceType?: string }[];
          NextToken?: string;
        };
        for (const r of page.StackResourceSummaries ?? []) {
          if (r.ResourceType !== 'AWS::SecretsManager::Secret' || !r.PhysicalResourceId) continue;
          for (const [part, prefix] of Object.entries(LANGFUSE_KEY_LOGICAL_IDS) as [keyof LangfuseKeys, string][]) {
            if (r.LogicalResourceId?.startsWith(prefix)) arns[part] = r.PhysicalResourceId;
          }
        }
        nextToken = page.NextToken;
      } while (nextToken);
      if (!arns.publicKey || !arns.secretKey) throw new Error(`${dataStackName} has no Langfuse init key secrets`);
      const value = async (arn: string) => {
        const parsed = JSON.parse(await secretString(region, arn)) as { value?: unknown };
        if (typeof parsed.value !== 'string') throw new Error(`${arn} has no "value" field`);
        return parsed.value;
      };
      return { publicKey: await value(arns.publicKey), secretKey: await value(arns.secretKey) };
    },
  };
}
