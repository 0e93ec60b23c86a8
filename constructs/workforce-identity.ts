import { CfnOutput, CustomResource, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { REFRESH_ONLY_AUTH_FLOWS } from './cognito-auth-flows';
import type { SsoAwsValues } from '../k8s/platform-props';
import { GATE_ENV } from '../lambda/admin-gate/environment';
import type { WebSso } from '../lib/config/web-schema';
import { OPEN_WEBUI_PORT, ssoClientSecretName, type SsoClient, type WebHostnames } from '../lib/shared/web';
import { lambdaEntry, nodeFunctionBasics } from './bundled-code';
import { INVOKE_SCOPE, RESOURCE_SERVER_ID } from './machine-identity';
import { stackSuffix } from './names';
import { secretArnForName } from './secret-read-statements';
import type { WebAuthentication } from './web-authentication';

/**
 * Where Open WebUI receives the authorization code for its `oidc` provider. Its backend (open-webui/open-webui
 * backend/open_webui/main.py, read 2026-11-29) serves both paths, `/oauth/{provider}/login/callback` and the
 * "legacy" `/oauth/{provider}/callback`, and the docs (open-webui/docs, 2026-08-20) name the second as the default
 * OPENID_REDIRECT_URI; both are registered so either setting of the chart works.
 */
export const OPEN_WEBUI_CALLBACK_PATHS = ['/oauth/oidc/callback', '/oauth/oidc/login/callback'] as const;

/** NextAuth's callback per Langfuse provider id (langfuse v3.194.1: `cognito` provider, and `custom` for AUTH_CUSTOM_*). */
export const LANGFUSE_CALLBACK_PATHS = { cognito: '/api/auth/callback/cognito', oidc: '/api/auth/callback/custom' } as const;

/** The load balancer's fixed redirect path for its authenticate-cognito and authenticate-oidc actions. */
export const LOAD_BALANCER_CALLBACK_PATH = '/oauth2/idpresponse';

/** Scopes every web client asks for. */
export const SSO_SCOPES = 'openid email profile';

/** Where Cognito puts a user's groups in ID and access tokens. */
export const COGNITO_GROUPS_CLAIM = 'cognito:groups';

/** App client names in the workforce pool, for people reading the console; the admin gate goes by client id. */
export const COGNITO_CLIENT_NAMES: Readonly<Record<SsoClient, string>> = {
  openWebUi: 'open-webui',
  langfuse: 'langfuse',
  adminGate: 'admin-gate',
};

/** Clients only the admin group may get tokens for: the admin hostnames' sign-in, and Langfuse (an admin UI). */
export const GATED_CLIENTS: readonly SsoClient[] = ['adminGate', 'langfuse'];

export interface WorkforceIdentityProps {
  /** Environment name: secret names and the sign-in domain carry it. */
  readonly environment: string;
  readonly sso: WebSso;
  /** Group whose members are admins (Open WebUI admins; the only ones the admin hostnames and Langfuse admit). */
  readonly adminGroup: string;
  /**
   * Public hostnames (`web.domain`). Without them only Open WebUI signs in, on http://localhost (port-forward):
   * Cognito takes plain-http callbacks for localhost only, so Langfuse on the internal load balancer keeps its own login.
   */
  readonly hostnames?: WebHostnames;
  /** Prefix of the Cognito sign-in domain; a stack-unique suffix is appended. Only used for `cognito`. */
  readonly domainPrefix: string;
  /** Key the copied client secrets are encrypted with (the data stack's). */
  readonly secretsKey: kms.IKey;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  /**
   * Single-page apps whose people sign in here (Cognito only): one public app client each, authorization code with
   * PKCE, granted the gateway scope.
   * @default - none
   */
  readonly browserApps?: readonly BrowserAppClient[];
}

/** A browser consumer's sign-in settings (lib/config/browser-app-schema.ts), validated there. */
export interface BrowserAppClient {
  /** Consumer name: the app client's name, for people reading the console. */
  readonly name: string;
  readonly redirectUrls: readonly string[];
  readonly logoutUrls: readonly string[];
}

/**
 * A browser app's tokens: short enough that a token taken from a browser is soon useless (Cognito's minimum for
 * access and ID tokens is 5 minutes, for refresh tokens 60 minutes); the app renews through its refresh token.
 */
export const BROWSER_TOKEN_VALIDITY = {
  accessToken: Duration.minutes(15),
  idToken: Duration.minutes(15),
  refreshToken: Duration.hours(8),
} as const;

interface ClientSecretRef {
  readonly clientId: string;
  /**
   * ARN (Cognito) or name (external issuer, an existing secret): the in-cluster sync passes it to Secrets Manager as
   * the SecretId, which takes either (model API keys are synced by name already).
   */
  readonly clientSecretArn: string;
}

/**
 * Single sign-on for employees. With `cognito`: a user pool for the workforce (administrators create the users; no
 * self sign-up), the admin group, one confidential client per web UI, each client secret copied into Secrets
 * Manager at deploy time, and a pre-token-generation trigger that refuses tokens for the admin clients to anyone
 * outside the admin group. With `oidc`: nothing is created; the external issuer and its registrations are used.
 */
export class WorkforceIdentity extends Construct {
  /** Absent for an external issuer. */
  readonly userPool?: cognito.UserPool;
  readonly domain?: cognito.UserPoolDomain;
  readonly clients: Partial<Record<SsoClient, cognito.UserPoolClient>> = {};
  /**
   * ARNs of the secrets holding each client's secret (plain text) under ssoClientSecretName. The copy function owns
   * them, not CloudFormation: see lambda/sso-client-secret/on-event.ts for why.
   */
  readonly clientSecretArns: Partial<Record<SsoClient, string>> = {};
  /** Copies client secrets into Secrets Manager (Cognito only). */
  secretCopyFunction?: lambda.Function;
  /** Each browser app's public client, by consumer name (Cognito only). */
  readonly browserClients: Readonly<Record<string, cognito.UserPoolClient>> = {};
  /** The gateway scope (`genai-gateway/invoke`) browser apps ask for; only with browser apps on Cognito. */
  gatewayScope?: string;
  /** The pre-token-generation admin gate (Cognito with admin clients only). */
  adminGateFunction?: lambda.Function;
  /** The SSM parameter listing the pool's gated and open client ids, which the admin gate reads (with the gate only). */
  clientRegistry?: ssm.StringParameter;
  private readonly props: WorkforceIdentityProps;
  private readonly refs: Partial<Record<SsoClient, ClientSecretRef>>;

  constructor(scope: Construct, id: string, props: WorkforceIdentityProps) {
    super(scope, id);
    const { sso, hostnames } = props;
    if (!/^[a-z][a-z0-9-]{1,40}$/.test(props.domainPrefix) || /aws|amazon|cognito/.test(props.domainPrefix)) {
      throw new Error(`domainPrefix: "${props.domainPrefix}" is not usable (lowercase letters, digits, -; no aws, amazon or cognito)`);
    }
    const browserApps = props.browserApps ?? [];
    if (browserApps.length > 0 && sso.provider !== 'cognito') {
      throw new Error('browserApps: need the cognito provider (with an external issuer, register each app there and name its clientId)');
    }
    if (new Set(browserApps.map((a) => a.name)).size !== browserApps.length) {
      throw new Error('browserApps: lists an app twice (allowed: unique consumer names)');
    }
    if (sso.provider === 'oidc' && hostnames) {
      const missing = (['authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint', 'adminClient'] as const).filter((f) => !sso[f]);
      if (missing.length > 0)
        throw new Error(`sso: ${missing.join(', ')} required with hostnames (the load balancer's sign-in needs them)`);
    }
    this.props = props;

    if (sso.provider === 'oidc') {
      // Open WebUI has the registration every employee may use; Langfuse its own, admin-only one (never Open WebUI's).
      const langfuse = sso.langfuseClient;
      if (hostnames && (!langfuse || langfuse.clientId === sso.clientId)) {
        throw new Error("sso.langfuseClient: is missing or is Open WebUI's client (Langfuse needs its own, admin-only registration)");
      }
      this.refs = {
        openWebUi: { clientId: sso.clientId, clientSecretArn: sso.clientSecretName },
        ...(hostnames && langfuse ? { langfuse: { clientId: langfuse.clientId, clientSecretArn: langfuse.clientSecretName } } : {}),
      };
      return;
    }

    const deletionProtection = props.removalPolicy === RemovalPolicy.RETAIN;
    const userPool = new cognito.UserPool(this, 'UserPool', {
      // Administrators create employees (AdminCreateUser, invitation by e-mail); nobody signs up alone.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Authenticator apps only: SMS costs per message and is open to SIM swaps; e-mail MFA needs SES.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Essentials: no charge under its monthly free tier of active users, which a workforce stays within; Plus
      // (threat protection) is billed for every active user with no free tier, and MFA already stops stolen passwords.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      deletionProtection,
      removalPolicy: props.removalPolicy,
    });
    this.userPool = userPool;
    userPool.addGroup('AdminGroup', {
      groupName: props.adminGroup,
      description: 'Platform administrators: Open WebUI admins, admin hostnames, Langfuse',
    });

    // Unique per stack instance, so a same-day re-create never waits on the old domain; `-sso` keeps it apart
    // from the machine identity's `genai-<env>-<suffix>`.
    this.domain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: `${props.domainPrefix}-${stackSuffix(this)}` } });

    const callbacks: Partial<Record<SsoClient, string[]>> = {
      openWebUi: hostnames
        ? OPEN_WEBUI_CALLBACK_PATHS.map((p) => `https://${hostnames.chat}${p}`)
        : OPEN_WEBUI_CALLBACK_PATHS.map((p) => `http://localhost:${OPEN_WEBUI_PORT}${p}`),
      ...(hostnames
        ? {
            langfuse: [`https://${hostnames.langfuse}${LANGFUSE_CALLBACK_PATHS.cognito}`],
            adminGate: [hostnames.litellm, hostnames.langfuse].map((h) => `https://${h}${LOAD_BALANCER_CALLBACK_PATH}`),
          }
        : {}),
    };

    const copy = this.secretCopyProvider(userPool, Object.keys(callbacks) as SsoClient[], props);
    const refs: Partial<Record<SsoClient, ClientSecretRef>> = {};
    for (const [client, callbackUrls] of Object.entries(callbacks) as [SsoClient, string[]][]) {
      const pascal = client.charAt(0).toUpperCase() + client.slice(1);
      const appClient = userPool.addClient(`${pascal}Client`, {
        userPoolClientName: COGNITO_CLIENT_NAMES[client],
        generateSecret: true,
        authFlows: REFRESH_ONLY_AUTH_FLOWS,
        oAuth: {
          flows: { authorizationCodeGrant: true },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
          callbackUrls,
        },
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
        idTokenValidity: Duration.hours(1),
        accessTokenValidity: Duration.hours(1),
        refreshTokenValidity: Duration.hours(12),
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      });
      const copied = new CustomResource(this, `${pascal}ClientSecretCopy`, {
        serviceToken: copy.serviceToken,
        resourceType: 'Custom::SsoClientSecret',
        properties: {
          UserPoolId: userPool.userPoolId,
          ClientId: appClient.userPoolClientId,
          SecretName: ssoClientSecretName(props.environment, client),
          KmsKeyId: props.secretsKey.keyArn,
          Description: `Client secret of the ${COGNITO_CLIENT_NAMES[client]} app client (plain text), copied from Cognito at deploy time`,
          DeleteWithStack: String(props.removalPolicy !== RemovalPolicy.RETAIN),
        },
      });
      this.clients[client] = appClient;
      this.clientSecretArns[client] = copied.getAttString('SecretArn');
      refs[client] = { clientId: appClient.userPoolClientId, clientSecretArn: this.clientSecretArns[client] };
    }
    this.refs = refs;
    if (browserApps.length > 0) this.addBrowserClients(userPool, browserApps);

    const gated = GATED_CLIENTS.filter((c) => this.clients[c] !== undefined);
    if (gated.length > 0) this.addAdminGate(userPool, gated, props);
  }

  /** The `iss` claim of the tokens, exactly as the issuer writes it (some, like Auth0, end it with a slash). */
  get issuer(): string {
    if (this.props.sso.provider === 'oidc') return this.props.sso.issuer;
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool!.userPoolId}`;
  }

  /** Claim carrying the user's groups. */
  get groupsClaim(): string {
    return this.props.sso.provider === 'oidc' ? this.props.sso.groupsClaim : COGNITO_GROUPS_CLAIM;
  }

  /** What the charts need: issuer, groups claim, admin group, and each UI's client id and secret. */
  get ssoValues(): SsoAwsValues {
    return {
      discoveryUrl: `${this.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      issuer: this.issuer,
      groupsClaim: this.groupsClaim,
      adminGroup: this.props.adminGroup,
      clients: {
        ...(this.refs.openWebUi ? { openWebUi: this.refs.openWebUi } : {}),
        ...(this.refs.langfuse ? { langfuse: this.refs.langfuse } : {}),
      },
    };
  }

  /**
   * How the public load balancer signs people in on the admin hostnames (only with hostnames). Cognito: the
   * admin-gate client, which the pre-token-generation trigger refuses to anyone outside the admin group. External
   * issuer: the admin registration, which the IdP itself must restrict to the admin group (Entra ID: "assignment
   * required" with only that group assigned); nothing here can check it, which is why the config requires it.
   */
  get albAuthentication(): WebAuthentication {
    const { sso, hostnames } = this.props;
    if (!hostnames) throw new Error('albAuthentication: needs hostnames (web.domain); without them there is no admin hostname');
    if (sso.provider === 'oidc') {
      return {
        kind: 'oidc',
        issuer: this.issuer,
        authorizationEndpoint: sso.authorizationEndpoint!,
        tokenEndpoint: sso.tokenEndpoint!,
        userInfoEndpoint: sso.userInfoEndpoint!,
        clientId: sso.adminClient!.clientId,
        // A dynamic reference, resolved by CloudFormation at deploy time; the template holds only the secret's name.
        clientSecret: SecretValue.secretsManager(sso.adminClient!.clientSecretName),
        scope: SSO_SCOPES,
      };
    }
    return { kind: 'cognito', userPool: this.userPool!, client: this.clients.adminGate!, domain: this.domain!, scope: SSO_SCOPES };
  }

  /** The managed sign-in page's base URL (Cognito only). */
  get signInUrl(): string | undefined {
    return this.domain?.baseUrl();
  }

  /** Stack outputs: ids and URLs only, never a secret. */
  addOutputs(scope: Construct): void {
    if (!this.userPool) return;
    new CfnOutput(scope, 'WorkforceUserPoolId', {
      value: this.userPool.userPoolId,
      description: 'Cognito user pool of the employees (web sign-in)',
    });
    new CfnOutput(scope, 'WorkforceSignInUrl', { value: this.signInUrl!, description: 'Sign-in domain of the employees’ user pool' });
  }

  /**
   * One public app client per browser app: no secret (a browser cannot keep one), the authorization code grant only
   * (no implicit grant, so a token never travels in a URL), `openid` plus the gateway scope from a resource server of
   * the same identifier and scope as the machine pool's, so the authorizer requires one scope string for both
   * pools. Cognito checks a PKCE code_verifier whenever the authorization request carried a code_challenge
   * (developer guide, using-pkce-in-authorization-code.html); no setting read makes it refuse a request without one,
   * so the app must send it (README) and the redirect URLs are pinned to the app's own origins.
   */
  private addBrowserClients(userPool: cognito.UserPool, apps: readonly BrowserAppClient[]): void {
    const invoke = new cognito.ResourceServerScope({
      scopeName: INVOKE_SCOPE,
      scopeDescription: 'Call the LLM gateway as the signed-in person',
    });
    const server = userPool.addResourceServer('GatewayResourceServer', { identifier: RESOURCE_SERVER_ID, scopes: [invoke] });
    this.gatewayScope = `${RESOURCE_SERVER_ID}/${INVOKE_SCOPE}`;
    const clients: Record<string, cognito.UserPoolClient> = {};
    for (const app of apps) {
      clients[app.name] = userPool.addClient(`BrowserClient-${app.name}`, {
        userPoolClientName: `browser-${app.name}`,
        generateSecret: false,
        authFlows: REFRESH_ONLY_AUTH_FLOWS,
        oAuth: {
          flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
          scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.resourceServer(server, invoke)],
          callbackUrls: [...app.redirectUrls],
          logoutUrls: [...app.logoutUrls],
        },
        supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
        accessTokenValidity: BROWSER_TOKEN_VALIDITY.accessToken,
        idTokenValidity: BROWSER_TOKEN_VALIDITY.idToken,
        refreshTokenValidity: BROWSER_TOKEN_VALIDITY.refreshToken,
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      });
    }
    Object.assign(this.browserClients, clients);
  }

  /**
   * The Lambda that copies each client secret from Cognito into its secret. Our own small function instead of
   * UserPoolClient.userPoolClientSecret: that one reads the secret through an AwsCustomResource whose response
   * becomes a resource attribute CloudFormation keeps, and a Secret built from it would carry the value as a
   * property; here the value goes from DescribeUserPoolClient to Secrets Manager inside the function and nowhere else.
   */
  private secretCopyProvider(userPool: cognito.UserPool, clients: readonly SsoClient[], props: WorkforceIdentityProps) {
    const fn = new lambda.Function(this, 'SecretCopyFunction', {
      ...nodeFunctionBasics(lambdaEntry('sso-client-secret')),
      timeout: Duration.seconds(30),
      memorySize: 256,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      logGroup: new logs.LogGroup(this, 'SecretCopyLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    this.secretCopyFunction = fn;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadClientSecrets',
        actions: ['cognito-idp:DescribeUserPoolClient'],
        resources: [userPool.userPoolArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteClientSecrets',
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:DescribeSecret',
          'secretsmanager:UpdateSecret',
          'secretsmanager:RestoreSecret',
          'secretsmanager:DeleteSecret',
        ],
        resources: clients.map((c) => secretArnForName(ssoClientSecretName(props.environment, c))),
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptClientSecrets',
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [props.secretsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    const provider = new cr.Provider(this, 'SecretCopyProvider', {
      onEventHandler: fn,
      logGroup: new logs.LogGroup(this, 'SecretCopyProviderLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    return { serviceToken: provider.serviceToken };
  }

  /**
   * The admin gate: a pre-token-generation trigger (it runs for every token Cognito issues, including on an existing
   * sign-in session and on refresh, which a pre-authentication trigger does not). Its event carries the caller's
   * client id and the user's groups; it throws, so no token is issued, when a gated client is asked for by someone
   * outside the admin group, and for any client it cannot place.
   *
   * It recognises clients by id, read from an SSM parameter that CloudFormation writes once the clients exist. The
   * ids cannot go into the function's environment, nor its permission name the pool: the pool names the function
   * (LambdaConfig), so either would make a cycle (pool → trigger → client ids or pool ARN → pool). The parameter's
   * name is fixed at synth time (environment and stack suffix, no resource reference), so the function and its
   * permission refer to it by name while the parameter itself depends on the clients. The function needs no Cognito
   * permission at all: it never reads a client, let alone a client secret.
   */
  private addAdminGate(userPool: cognito.UserPool, gated: readonly SsoClient[], props: WorkforceIdentityProps): void {
    const stack = Stack.of(this);
    const parameterName = clientRegistryParameterName(props.environment, stackSuffix(this));
    const ids = (clients: readonly SsoClient[]) => clients.map((c) => this.clients[c]!.userPoolClientId);
    const open = (Object.keys(this.clients) as SsoClient[]).filter((c) => !gated.includes(c));
    // Browser apps are open to every employee: their calls are spent and budgeted per person.
    const browserIds = Object.values(this.browserClients).map((c) => c.userPoolClientId);
    this.clientRegistry = new ssm.StringParameter(this, 'ClientRegistry', {
      parameterName,
      // The name carries the stack suffix (a token), so CDK cannot see that it starts with a slash.
      simpleName: false,
      description: `App client ids of the ${props.environment} workforce pool the admin gate admits (gated: admin group only)`,
      stringValue: stack.toJsonString({ gated: ids(gated), open: [...ids(open), ...browserIds] }),
      tier: ssm.ParameterTier.STANDARD,
    });

    const fn = new lambda.Function(this, 'AdminGateFunction', {
      ...nodeFunctionBasics(lambdaEntry('admin-gate')),
      // Cognito waits five seconds for a trigger.
      timeout: Duration.seconds(5),
      memorySize: 256,
      environment: {
        [GATE_ENV.adminGroup]: props.adminGroup,
        [GATE_ENV.clientRegistryParameter]: parameterName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      logGroup: new logs.LogGroup(this, 'AdminGateLogs', { retention: props.logRetention, removalPolicy: props.removalPolicy }),
    });
    this.adminGateFunction = fn;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadClientRegistry',
        actions: ['ssm:GetParameter'],
        // By name, not the parameter's ARN attribute: that reference would be the cycle described above.
        resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') })],
      }),
    );
    userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION, fn);
  }
}

/** Where the admin gate finds the pool's client ids: per environment and stack instance, so no two stacks share one. */
export function clientRegistryParameterName(environment: string, suffix: string): string {
  return `/genai-gateway/${environment}/workforce/${suffix}/app-clients`;
}
