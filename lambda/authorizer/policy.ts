import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import { AUTHORIZER_END_USER_CONTEXT, AUTHORIZER_KEY_CONTEXT } from '../../lib/shared/litellm';

const METHOD_ARN = /^arn:(aws[a-z-]*):execute-api:([a-z0-9-]+):(\d{12}):([A-Za-z0-9]+)\/([A-Za-z0-9_-]+)\//;

/**
 * The whole stage (every method and path) of the API the request came through.
 * API Gateway caches the policy per token, so a policy naming only the first route would turn the
 * same client's next call to another route into a 403.
 * Returns undefined when the ARN is not an execute-api method ARN.
 */
export function stageResource(methodArn: string | undefined): string | undefined {
  const m = METHOD_ARN.exec(methodArn ?? '');
  if (!m) return undefined;
  const [, partition, region, account, apiId, stage] = m;
  return `arn:${partition}:execute-api:${region}:${account}:${apiId}/${stage}/*`;
}

export type AuthorizerContext = {
  readonly clientId: string;
  /** The request's end user (lambda/authorizer/end-user.ts); the edge writes it over LiteLLM's end-user headers. */
  readonly endUser: string;
  readonly virtualKey?: string;
};

export function allowResult(resource: string, context: AuthorizerContext): APIGatewayAuthorizerResult {
  return {
    principalId: context.clientId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }],
    },
    context:
      context.virtualKey === undefined
        ? { clientId: context.clientId, [AUTHORIZER_END_USER_CONTEXT]: context.endUser }
        : {
            clientId: context.clientId,
            [AUTHORIZER_END_USER_CONTEXT]: context.endUser,
            [AUTHORIZER_KEY_CONTEXT.bare]: context.virtualKey,
            // The MCP route's form of the same key (lib/shared/litellm.ts).
            [AUTHORIZER_KEY_CONTEXT.bearer]: `Bearer ${context.virtualKey}`,
          },
  };
}

export function denyResult(resource: string, principalId: string): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: resource }],
    },
  };
}
