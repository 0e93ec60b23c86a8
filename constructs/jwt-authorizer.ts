import { Aws, Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { lambdaEntry, nodeFunctionBasics } from './bundled-code';

/** Who issues the tokens the authorizer accepts. */
export type TokenIssuer =
  | { readonly kind: 'cognito'; readonly issuer: string; readonly clientIds: readonly string[]; readonly requiredScope: string }
  | {
      readonly kind: 'oidc';
      readonly issuers: readonly string[];
      readonly jwksUri: string;
      readonly audience: readonly string[];
      readonly clientIdClaim: string;
      readonly requiredScope?: string;
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
    Object.assign(env, {
      JWT_ISSUERS: issuer.issuer,
      JWT_TOKEN_USE: 'access',
      CLIENT_ID_CLAIM: 'client_id',
      REQUIRED_SCOPE: issuer.requiredScope,
      ...(issuer.clientIds.length > 0 ? { JWT_CLIENT_IDS: issuer.clientIds.join(',') } : {}),
    });
  } else {
    Object.assign(env, {
      JWT_ISSUERS: issuer.issuers.join(','),
      JWKS_URI: issuer.jwksUri,
      JWT_AUDIENCE: issuer.audience.join(','),
      JWT_TOKEN_USE: 'none',
      CLIENT_ID_CLAIM: issuer.clientIdClaim,
      ...(issuer.requiredScope ? { REQUIRED_SCOPE: issuer.requiredScope } : {}),
    });
  }
  return env;
}
