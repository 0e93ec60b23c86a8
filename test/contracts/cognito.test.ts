/**
 * Amazon Cognito user pools and the load balancer's Cognito sign-in, as the workforce identity relies on them,
 * checked against what constructs/workforce-identity.ts synthesizes.
 *
 * Sources (AWS documentation pages, read 2026-11-29; facts restated in our own words):
 * - cognito/latest/developerguide/cognito-user-pools-app-idp-settings.html (callback URLs),
 * - cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html (triggers, errors, 5 s),
 * - cognito/latest/developerguide/user-pool-lambda-pre-authentication.html (not run for an existing session),
 * - cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html, via @types/aws-lambda 8.10.164
 *   trigger/cognito-user-pool-trigger/pre-token-generation.d.ts and Powertools' PreTokenGenerationTriggerSchemaV1,
 * - repost.aws knowledge-center/elb-configure-authentication-alb (the /oauth2/idpresponse callback),
 * - cognito/latest/developerguide/cognito-sign-in-feature-plans.md (Essentials is the default plan).
 * Read 2026-12-06:
 * - cognito/latest/developerguide/cognito-user-pools-lambda-trigger-syntax-shared.html (common parameters: every
 *   trigger event carries callerContext.clientId, the id of the app client the request is for),
 * - cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html (trigger sources, groupsToOverride),
 * - AWSCloudFormation aws-resource-cognito-userpoolclient.html (Ref is the client id; ClientName updates without
 *   replacement, so a rename keeps the id) and the CDK's UserPoolClientReference (userPoolClientId is that Ref).
 */
import { endUserOf } from '../../lambda/authorizer/end-user';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { COGNITO_GROUPS_CLAIM, WorkforceIdentity } from '../../constructs/workforce-identity';
import { REFUSAL } from '../../lambda/admin-gate/decide';
import { createHandler } from '../../lambda/admin-gate/handler';
import { parseClientRegistry } from '../../lambda/admin-gate/client-registry';
import { webHostnames } from '../../lib/shared/web';
import { SKIP_BUNDLING } from '../support/app';
import { accessClaims, userAccessClaims } from '../support/authorizer-tokens';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function synth(withDomain: boolean) {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Edge', { env: { account: '111111111111', region: 'eu-west-1' } });
  const workforce = new WorkforceIdentity(stack, 'Workforce', {
    environment: 'dev',
    sso: { provider: 'cognito' },
    adminGroup: 'genai-platform-admins',
    ...(withDomain ? { hostnames: webHostnames('dev.genai.example.com') } : {}),
    domainPrefix: 'genai-dev-sso',
    secretsKey: new kms.Key(stack, 'Key'),
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_MONTH,
  });
  const template = Template.fromStack(stack);
  const clients = Object.values(template.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>).map(
    (r) => r.Properties,
  );
  const functions = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).map((r) => r.Properties);
  return { stack, workforce, template, clients, functions };
}

const withDomain = synth(true);
const withoutDomain = synth(false);

/** A V1 pre-token-generation event as Cognito sends it for a managed sign-in page (hosted UI) sign-in. */
function hostedSignIn(clientId: string, groups: string[]): PreTokenGenerationTriggerEvent {
  return {
    version: '1',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_example',
    userName: 'a1b2c3',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: { email: 'ada@example.com' }, groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [] } },
    response: { claimsOverrideDetails: {} },
  };
}

describe('Amazon Cognito contract', () => {
  test('callback URLs must be https, except http://localhost: every callback we register is one or the other', () => {
    // Source: cognito-user-pools-app-idp-settings.html ("requires HTTPS over HTTP except for http://localhost").
    for (const { clients } of [withDomain, withoutDomain]) {
      for (const url of clients.flatMap((c) => c.CallbackURLs as string[])) expect(url).toMatch(/^(https:\/\/|http:\/\/localhost[:/])/);
    }
  });

  test('the load balancer receives the code at https://<host>/oauth2/idpresponse: the admin-gate client registers exactly that per admin host', () => {
    // Source: repost.aws knowledge-center/elb-configure-authentication-alb ("redirect_mismatch": set the callback URL
    // to https://<domain>/oauth2/idpresponse, for Cognito and any other IdP).
    const gate = withDomain.clients.find((c) => c.ClientName === 'admin-gate')!;
    expect(gate.CallbackURLs).toEqual([
      'https://litellm.dev.genai.example.com/oauth2/idpresponse',
      'https://langfuse.dev.genai.example.com/oauth2/idpresponse',
    ]);
  });

  test("the load balancer's Cognito sign-in needs a client with a secret and the code flow", () => {
    // Source: repost.aws knowledge-center/cognito-user-pool-alb-authentication ("select the Generate a client secret").
    const gate = withDomain.clients.find((c) => c.ClientName === 'admin-gate')!;
    expect(gate).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true });
  });

  test('a trigger must answer within five seconds: the admin gate is given no more', () => {
    // Source: cognito-user-pools-working-with-lambda-triggers.html (Cognito waits 5 s, retries, then fails the request).
    const gate = withDomain.functions.find((f) => f.Environment?.Variables?.APP_CLIENT_REGISTRY_PARAMETER)!;
    expect(gate.Timeout).toBeLessThanOrEqual(5);
  });

  test('pre-token generation, not pre-authentication, gates the admin clients: only it runs for a sign-in that reuses a session', () => {
    // Source: user-pool-lambda-pre-authentication.html (renewal of an existing session does not invoke it, so a
    // non-admin already signed in to Open WebUI would pass); the pre-token-generation trigger runs for every token
    // issued, including TokenGeneration_RefreshTokens (@types/aws-lambda pre-token-generation.d.ts trigger sources).
    const pool = Object.values(withDomain.template.findResources('AWS::Cognito::UserPool') as Record<string, Resource>)[0]!;
    expect(Object.keys(pool.Properties.LambdaConfig)).toEqual(['PreTokenGeneration']);
  });

  test("the V1 event carries the caller's client id and the user's groups; a thrown error means no token", async () => {
    // Source: lambda-trigger-syntax-shared (callerContext.clientId), @types/aws-lambda 8.10.164
    // (callerContext.clientId; request.groupConfiguration.groupsToOverride) and Powertools'
    // PreTokenGenerationTriggerSchemaV1 (the same fields, required); triggers page: a function can prevent a sign-in
    // that would otherwise succeed by returning an error. That Cognito then shows the error and issues no token was not
    // read word for word for this trigger: a deployed smoke test has to confirm it.
    const handler = createHandler({
      rule: { adminGroup: 'genai-platform-admins' },
      clients: () => Promise.resolve({ gated: ['gate'], open: ['chat'] }),
      log: () => undefined,
    });
    await expect(handler(hostedSignIn('gate', ['staff']))).rejects.toThrow(REFUSAL);
    await expect(handler(hostedSignIn('gate', ['genai-platform-admins']))).resolves.toBeDefined();
    await expect(handler(hostedSignIn('chat', ['staff']))).resolves.toBeDefined();
  });

  test("callerContext.clientId is the client's id, which a rename keeps: the registry lists exactly the clients' Refs", () => {
    // Source: lambda-trigger-syntax-shared (clientId is the app client id) and the UserPoolClient resource page (Ref is
    // the client id; ClientName is updated in place). So the gate compares the event's id with the Refs CloudFormation
    // wrote into the registry parameter, and a renamed client is still gated.
    const template = withDomain.template;
    const [parameter] = Object.values(template.findResources('AWS::SSM::Parameter') as Record<string, Resource>);
    const ref = (name: string) => {
      const [id] = Object.entries(template.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>).find(
        ([, r]) => r.Properties.ClientName === name,
      )!;
      return { Ref: id };
    };
    const resolved = JSON.stringify(parameter!.Properties.Value);
    for (const name of ['admin-gate', 'langfuse', 'open-webui']) expect(resolved).toContain(JSON.stringify(ref(name)));
    // The rendered value parses as the gate reads it, once CloudFormation substitutes the ids.
    const parts = (parameter!.Properties.Value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const text = parts.map((p) => (typeof p === 'string' ? p : `id-${(p as { Ref: string }).Ref}`)).join('');
    const registry = parseClientRegistry(text);
    expect([...registry.gated].sort()).toEqual([`id-${ref('admin-gate').Ref}`, `id-${ref('langfuse').Ref}`].sort());
    expect(registry.open).toEqual([`id-${ref('open-webui').Ref}`]);
  });

  test('groups travel in the cognito:groups claim; the charts are told so', () => {
    // Source: user-pool-lambda-pre-token-generation.html (groupsToOverride become the cognito:groups claim).
    expect(withDomain.workforce.ssoValues.groupsClaim).toBe(COGNITO_GROUPS_CLAIM);
    expect(COGNITO_GROUPS_CLAIM).toBe('cognito:groups');
  });

  test('the issuer is https://cognito-idp.<region>.amazonaws.com/<pool id> and its discovery document sits under it', () => {
    // Source: the form the machine identity already uses for its tokens' iss (constructs/machine-identity.ts, whose
    // authorizer tests verify Cognito-shaped tokens); the AWS page on verifying user pool JWTs was not re-read here.
    const values = withDomain.stack.resolve(withDomain.workforce.ssoValues);
    expect(values.issuer['Fn::Join'][1][0]).toBe('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(values.discoveryUrl['Fn::Join'][1].at(-1)).toBe('/.well-known/openid-configuration');
  });

  test('Essentials is a named plan (the default for new pools); the workforce pool asks for it explicitly', () => {
    // Source: cognito-sign-in-feature-plans.md ("The default plan selection for new user pools is Essentials").
    withDomain.template.hasResourceProperties('AWS::Cognito::UserPool', { UserPoolTier: 'ESSENTIALS' });
  });
});

/**
 * Browser apps' public clients. Sources (read 2026-12-06, restated):
 * - cognito/latest/developerguide/using-pkce-in-authorization-code.html: PKCE is the code grant's extension for public
 *   clients; Cognito returns tokens for a code only when the code_verifier hashes to the code_challenge the authorize
 *   request carried. The page describes no app-client setting that makes a code_challenge mandatory: the app sends it.
 * - cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html: access token lifetimes from 5
 *   minutes to 1 day per app client; the managed login pages keep a 1-hour session cookie whatever the token lifetime;
 *   the payload carries sub, cognito:groups, iss, version, client_id, origin_jti, event_id, token_use "access", scope,
 *   auth_time, exp, iat, jti and username, and no aud.
 * - AWSCloudFormation aws-resource-cognito-userpoolclient.html: AllowedOAuthFlows code / implicit / client_credentials;
 *   ExplicitAuthFlows left out means ALLOW_USER_SRP_AUTH, ALLOW_CUSTOM_AUTH and ALLOW_REFRESH_TOKEN_AUTH.
 */
describe('Amazon Cognito contract: browser apps’ public clients', () => {
  const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Edge', { env: { account: '111111111111', region: 'eu-west-1' } });
  new WorkforceIdentity(stack, 'Workforce', {
    environment: 'dev',
    sso: { provider: 'cognito' },
    adminGroup: 'genai-platform-admins',
    domainPrefix: 'genai-dev-sso',
    secretsKey: new kms.Key(stack, 'Key'),
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_MONTH,
    browserApps: [{ name: 'dashboard', redirectUrls: ['https://dash.example.com/cb'], logoutUrls: [] }],
  });
  const client = Object.values(Template.fromStack(stack).findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>)
    .map((r) => r.Properties)
    .find((c) => c.ClientName === 'browser-dashboard')!;

  test('a public client has no secret, and a secret-less client may use only the code grant (PKCE) here, never implicit', () => {
    expect(client.GenerateSecret).toBe(false);
    expect(client.AllowedOAuthFlows).toEqual(['code']);
  });

  test('access tokens live between 5 minutes and 1 day; ours live 15 minutes (the managed-login cookie still lasts an hour)', () => {
    expect(client.AccessTokenValidity).toBeGreaterThanOrEqual(5);
    expect(client.AccessTokenValidity).toBeLessThanOrEqual(15);
    expect(client.TokenValidityUnits.AccessToken).toBe('minutes');
  });

  test('left out, ExplicitAuthFlows would allow SRP and custom sign-in through the API: ours allow refresh only', () => {
    expect(client.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test('a user access token names the app in client_id and the person in sub and username, and has no aud', () => {
    // The claims the authorizer relies on (lambda/authorizer/end-user.ts), on the documented sample's shape.
    const claims = userAccessClaims();
    for (const claim of ['sub', 'username', 'client_id', 'token_use', 'scope', 'iss', 'exp']) expect(claims).toHaveProperty(claim);
    expect(claims).not.toHaveProperty('aud');
    expect(claims.token_use).toBe('access');
    expect(String(claims.scope).split(' ')).toEqual(['openid', 'genai-gateway/invoke']);
  });

  test('a client-credentials token has no username; its sub is not relied on', () => {
    // Source: markomirosavljev/fastapi-cognito issue #30 (2025-02-14, read 2026-12-06): a token of the client
    // credentials grant carries no `username`; the AWS pages read show only a user's token. The authorizer refuses a
    // Cognito token with `username` on a machine client's id; that `sub` equals the client id is not confirmed, so
    // nothing depends on it (a machine call is spent as its client id whatever `sub` says).
    const claims = accessClaims();
    expect(claims).not.toHaveProperty('username');
    expect(endUserOf({ browserClientIds: [], endUserClaim: 'sub' }, String(claims.client_id), { ...claims, sub: 'x' }, true)).toBe(
      claims.client_id,
    );
  });
});
