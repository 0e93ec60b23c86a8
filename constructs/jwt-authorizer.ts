import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaEntry, nodeFunctionBasics } from './bundled-code';

/** Who issues the tokens the authorizer accepts. */
export type TokenIssuer =
  | {
      readonly kind: 'cognito';
      readonly issuer: string;
      readonly clientIds: readonly string[];
      readonly requiredScope: string;
      /** Browser apps: the workforce pool's issuer and their public client ids there (both or neither). */
      readonly browser?: { readonly issuer: string; readonly clientIds: readonly string[] };
    }
  | {
      readonly kind: 'oidc';
      readonly issuers: readonly string[];
      readonly jwksUri: string;
      readonly audience: readonly string[];
      readonly clientIdClaim: string;
      readonly requiredScope?: string;
      /** Browser apps' client ids at the same issuer, and the claim naming the person in their tokens. */
      readonly browser?: { readonly clientIds: readonly string[]; readonly endUserClaim: string };
    };

export interface JwtAuthorizerProps {
  readonly mode: 'inject' | 'passthrough';
  readonly issuer: TokenIssuer;
  /** Secret name prefix of the per-client virtual keys (`<prefix><clientId>`); needed in inject mode. */
  readonly virtualKeySecretPrefix: string;
  /** How long API Gateway caches a decision per Authorization header. */
  readonly cacheTtl: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The Lambda REQUEST authorizer (lambda/authorizer): verifies the caller's JWT and, in inject mode,
 * returns that client's LiteLLM virtual key in the authorizer context, never to the client.
 */
export class JwtAuthorizer extends Construct {
  readonly authorizer: apigateway.RequestAuthorizer;
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: JwtAuthorizerProps) {
    super(scope, id);
    if (props.mode === 'inject' && !/^[A-Za-z0-9/_+=.@-]+\/$/.test(props.virtualKeySecretPrefix)) {
      throw new Error(
        `virtualKeySecretPrefix: "${props.virtualKeySecretPrefix}" must be a secret name path ending in / (e.g. genai-gateway/dev/virtual-keys/)`,
      );
    }

    this.function = new lambda.Function(this, 'Function', {
      ...nodeFunctionBasics(lambdaEntry('authorizer'), { sourceMap: false }),
      memorySize: 512,
      // The authorizer's own budget is 4 s; the rest is headroom for a cold start.
      timeout: Duration.seconds(6),
      environment: authorizerEnvironment(props),
      logGroup: new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
      loggingFormat: lambda.LoggingFormat.JSON,
    });

    if (props.mode === 'inject') {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ReadVirtualKeys',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [`arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${props.virtualKeySecretPrefix}*`],
        }),
      );
    }

    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: this.function,
      identitySources: [apigateway.IdentitySource.header('Authorization')],
      resultsCacheTtl: props.cacheTtl,
    });
  }
}

/** The authorizer's configuration, in the environment variables lambda/authorizer/config.ts reads. */
export function authorizerEnvironment(
  props: Pick<JwtAuthorizerProps, 'mode' | 'issuer' | 'virtualKeySecretPrefix' | 'cacheTtl'>,
): Record<string, string> {
  const env: Record<string, string> = {
    AUTH_MODE: props.mode,
    KEY_CACHE_TTL_SECONDS: String(Math.max(props.cacheTtl.toSeconds(), 60)),
  };
  if (props.mode === 'inject') env.VIRTUAL_KEY_SECRET_PREFIX = props.virtualKeySecretPrefix;
  const issuer = props.issuer;
  if (issuer.kind === 'cognito') {
    const browser = issuer.browser && issuer.browser.clientIds.length > 0 ? issuer.browser : undefined;
    const clientIds = [...issuer.clientIds, ...(browser?.clientIds ?? [])];
    Object.assign(env, {
      JWT_ISSUERS: browser ? `${issuer.issuer},${browser.issuer}` : issuer.issuer,
      JWT_TOKEN_USE: 'access',
      CLIENT_ID_CLAIM: 'client_id',
      REQUIRED_SCOPE: issuer.requiredScope,
      ...(clientIds.length > 0 ? { JWT_CLIENT_IDS: clientIds.join(',') } : {}),
      ...(browser ? { BROWSER_CLIENT_IDS: browser.clientIds.join(','), END_USER_CLAIM: 'sub' } : {}),
    });
  } else {
    Object.assign(env, {
      JWT_ISSUERS: issuer.issuers.join(','),
      JWKS_URI: issuer.jwksUri,
      JWT_AUDIENCE: issuer.audience.join(','),
      JWT_TOKEN_USE: 'none',
      CLIENT_ID_CLAIM: issuer.clientIdClaim,
      ...(issuer.requiredScope ? { REQUIRED_SCOPE: issuer.requiredScope } : {}),
      ...(issuer.browser && issuer.browser.clientIds.length > 0
        ? { BROWSER_CLIENT_IDS: issuer.browser.clientIds.join(','), END_USER_CLAIM: issuer.browser.endUserClaim }
        : {}),
    });
  }
  return env;
}
