import { Duration, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { REFRESH_ONLY_AUTH_FLOWS } from './cognito-auth-flows';
import { stackSuffix } from './names';

export interface MachineIdentityProps {
  /** One app client (client-credentials flow) per consumer name. */
  readonly consumers: readonly string[];
  /** Prefix of the hosted token endpoint's domain; a stack-unique suffix is appended. */
  readonly domainPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/** OAuth scope every consumer needs to call the gateway. */
export const INVOKE_SCOPE = 'invoke';
export const RESOURCE_SERVER_ID = 'genai-gateway';

/**
 * A Cognito user pool used only as an OAuth2 authorization server for machine clients: a resource
 * server with the `invoke` scope, and one confidential app client per consumer. Client secrets stay in
 * Cognito (read them with `aws cognito-idp describe-user-pool-client`), never in a template.
 */
export class MachineIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly clients: Readonly<Record<string, cognito.UserPoolClient>>;
  readonly domain: cognito.UserPoolDomain;
  readonly scope: string;

  constructor(scope: Construct, id: string, props: MachineIdentityProps) {
    super(scope, id);
    const names = new Set(props.consumers);
    if (names.size !== props.consumers.length) throw new Error('consumers: lists a consumer twice (allowed: unique names)');
    if (!/^[a-z][a-z0-9-]{1,40}$/.test(props.domainPrefix) || /aws|amazon|cognito/.test(props.domainPrefix)) {
      throw new Error(`domainPrefix: "${props.domainPrefix}" is not usable (lowercase letters, digits, -; no aws, amazon or cognito)`);
    }

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // No people sign in here; these settings only close doors nobody should use.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: { minLength: 16, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.NONE,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection: false,
      removalPolicy: props.removalPolicy,
    });

    const invoke = new cognito.ResourceServerScope({ scopeName: INVOKE_SCOPE, scopeDescription: 'Call the LLM gateway' });
    const resourceServer = this.userPool.addResourceServer('ResourceServer', { identifier: RESOURCE_SERVER_ID, scopes: [invoke] });
    this.scope = `${RESOURCE_SERVER_ID}/${INVOKE_SCOPE}`;

    // Unique per stack instance, so a same-day re-create never waits on the old domain.
    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: `${props.domainPrefix}-${stackSuffix(this)}` } });

    this.clients = Object.fromEntries(
      props.consumers.map((name) => [
        name,
        this.userPool.addClient(`Client-${name}`, {
          userPoolClientName: name,
          generateSecret: true,
          authFlows: REFRESH_ONLY_AUTH_FLOWS,
          oAuth: { flows: { clientCredentials: true }, scopes: [cognito.OAuthScope.resourceServer(resourceServer, invoke)] },
          accessTokenValidity: Duration.hours(1),
          enableTokenRevocation: true,
          preventUserExistenceErrors: true,
        }),
      ]),
    );
  }

  /** The `iss` claim of this pool's tokens. */
  get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /** Where consumers exchange their client id and secret for an access token. */
  get tokenUrl(): string {
    return `${this.domain.baseUrl()}/oauth2/token`;
  }
}
