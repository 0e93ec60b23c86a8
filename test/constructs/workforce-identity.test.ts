import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { WorkforceIdentity, type WorkforceIdentityProps } from '../../constructs/workforce-identity';
import { webHostnames } from '../../lib/shared/web';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkControlTower } from '../../lib/compliance/control-tower';
import { acknowledgeWorkforce } from '../../lib/nag-acknowledgements';
import { SKIP_BUNDLING, testApp } from '../support/app';
import { ENTRA, ENTRA_SSO } from '../support/web-config';
import { edgeStage, withDomain } from '../support/web-domain';

type Resource = { Properties: Record<string, any>; DependsOn?: string[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

const HOSTS = webHostnames('dev.genai.example.com');
const OIDC = ENTRA_SSO;

function build(overrides: Partial<WorkforceIdentityProps> = {}) {
  const app = new App({ context: SKIP_BUNDLING });
  const stack = new Stack(app, 'Edge', { env: { account: '111111111111', region: 'eu-west-1' } });
  const keyStack = new Stack(app, 'Data', { env: { account: '111111111111', region: 'eu-west-1' } });
  const workforce = new WorkforceIdentity(stack, 'Workforce', {
    environment: 'dev',
    sso: { provider: 'cognito' },
    adminGroup: 'genai-platform-admins',
    domainPrefix: 'genai-dev-sso',
    secretsKey: new kms.Key(keyStack, 'Key'),
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_MONTH,
    ...overrides,
  });
  workforce.addOutputs(stack);
  return { stack, workforce, template: Template.fromStack(stack) };
}

const clientsOf = (template: Template) =>
  Object.values(template.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>).map((r) => r.Properties);

describe('WorkforceIdentity with Cognito and a web domain', () => {
  const { template, workforce, stack } = build({ hostnames: HOSTS });

  test('a pool nobody signs up to alone: admin-created users, e-mail as username, authenticator-app MFA, strong passwords', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireSymbols: true, RequireNumbers: true }) },
      UserPoolTier: 'ESSENTIALS',
      DeletionProtection: 'INACTIVE',
    });
    template.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Delete' });
  });

  test('creates the admin group named in config', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'genai-platform-admins' });
  });

  test("its sign-in domain ends with the stack's own suffix and differs from the machine identity's genai-<env>", () => {
    const domain = Object.values(template.findResources('AWS::Cognito::UserPoolDomain'))[0] as Resource;
    const parts = domain.Properties.Domain['Fn::Join'][1];
    expect(parts[0]).toBe('genai-dev-sso-');
    expect(JSON.stringify(parts[1])).toContain('AWS::StackId');
  });

  test('one confidential code-flow client per web UI, asking for openid email profile', () => {
    const clients = clientsOf(template);
    expect(clients.map((c) => c.ClientName).sort()).toEqual(['admin-gate', 'langfuse', 'open-webui']);
    for (const client of clients) {
      expect(client).toMatchObject({
        GenerateSecret: true,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: ['openid', 'email', 'profile'],
        SupportedIdentityProviders: ['COGNITO'],
      });
    }
  });

  test("each client's callbacks are its UI's: Open WebUI's oidc paths, Langfuse's cognito provider, the load balancer's idpresponse on both admin hosts", () => {
    const byName = Object.fromEntries(clientsOf(template).map((c) => [c.ClientName, c.CallbackURLs]));
    expect(byName['open-webui']).toEqual([
      'https://chat.dev.genai.example.com/oauth/oidc/callback',
      'https://chat.dev.genai.example.com/oauth/oidc/login/callback',
    ]);
    expect(byName['langfuse']).toEqual(['https://langfuse.dev.genai.example.com/api/auth/callback/cognito']);
    expect(byName['admin-gate']).toEqual([
      'https://litellm.dev.genai.example.com/oauth2/idpresponse',
      'https://langfuse.dev.genai.example.com/oauth2/idpresponse',
    ]);
  });

  test('each client secret lands in its named secret, under the data key, kept by a custom resource that returns only the ARN', () => {
    const copies = Object.values(template.findResources('Custom::SsoClientSecret') as Record<string, Resource>).map((r) => r.Properties);
    expect(copies.map((c) => c.SecretName).sort()).toEqual([
      'genai-gateway/dev/sso/adminGate',
      'genai-gateway/dev/sso/langfuse',
      'genai-gateway/dev/sso/openWebUi',
    ]);
    for (const copy of copies) {
      expect(Object.keys(copy).sort()).toEqual([
        'ClientId',
        'DeleteWithStack',
        'Description',
        'KmsKeyId',
        'SecretName',
        'ServiceToken',
        'UserPoolId',
      ]);
      expect(copy.KmsKeyId).toEqual({ 'Fn::ImportValue': expect.stringContaining('Key') });
      expect(copy.DeleteWithStack).toBe('true');
    }
    // CloudFormation does not own them: a secret it deleted would block its name through the recovery window.
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(stack.resolve(workforce.ssoValues.clients.openWebUi!.clientSecretArn)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^WorkforceOpenWebUiClientSecretCopy/), 'SecretArn'],
    });
  });

  test('no client secret appears in the template: no secret value, no GetAtt of ClientSecret', () => {
    const json = JSON.stringify(template.toJSON());
    expect(json).not.toContain('ClientSecret"]');
    expect(json).not.toMatch(/"SecretString"/);
  });

  test('the copy function may read this pool only, and write only the SSO secrets', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[]); // eslint-disable-line @typescript-eslint/no-explicit-any
    const read = statements.find((s) => s.Sid === 'ReadClientSecrets')!;
    expect(read.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^WorkforceUserPool/), 'Arn'] });
    const writes = statements.find((s) => s.Sid === 'WriteClientSecrets')!;
    expect(JSON.stringify(writes.Resource)).toContain(':secret:genai-gateway/dev/sso/openWebUi-??????');
    expect((writes.Resource as unknown[]).length).toBe(3);
  });

  test('a pre-token-generation trigger gates the admin-gate and langfuse clients by id, read from a registry parameter', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: { PreTokenGeneration: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkforceAdminGateFunction'), 'Arn'] } },
    });
    const gate = Object.values(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(
      (f) => f.Properties.Environment?.Variables?.ADMIN_GROUP,
    )!;
    expect(gate.Properties.Timeout).toBe(5);
    const env = gate.Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(['ADMIN_GROUP', 'APP_CLIENT_REGISTRY_PARAMETER', 'NODE_OPTIONS']);
    expect(env.ADMIN_GROUP).toBe('genai-platform-admins');
    // No client name anywhere in the gate's configuration.
    expect(JSON.stringify(env)).not.toMatch(/admin-gate|langfuse|open-webui/);

    const [parameter] = Object.values(template.findResources('AWS::SSM::Parameter') as Record<string, Resource>);
    // The same name, rendered from environment and stack suffix alone: no reference to the parameter or any client.
    expect(parameter!.Properties.Name).toEqual(env.APP_CLIENT_REGISTRY_PARAMETER);
    expect(JSON.stringify(env.APP_CLIENT_REGISTRY_PARAMETER).replace('{"Ref":"AWS::StackId"}', '')).not.toMatch(/"Ref"|Fn::GetAtt/);
    expect(JSON.stringify(parameter!.Properties.Name)).toContain('/genai-gateway/dev/workforce/');
    expect(parameter!.Properties.Type).toBe('String');
    const clientIds = Object.fromEntries(
      Object.entries(template.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>).map(([id, r]) => [
        r.Properties.ClientName,
        JSON.stringify({ Ref: id }),
      ]),
    );
    const value = JSON.stringify(parameter!.Properties.Value);
    const gatedPart = value.slice(value.indexOf('gated'), value.indexOf('open'));
    const openPart = value.slice(value.indexOf('open'));
    expect(gatedPart).toContain(clientIds['admin-gate']);
    expect(gatedPart).toContain(clientIds['langfuse']);
    expect(gatedPart).not.toContain(clientIds['open-webui']);
    expect(openPart).toContain(clientIds['open-webui']);
    expect(openPart).not.toContain(clientIds['admin-gate']);
  });

  test('the gate may read its registry parameter and nothing else: no Cognito action, no wildcard pool', () => {
    const gateRole = Object.entries(template.findResources('AWS::Lambda::Function') as Record<string, Resource>).find(([id]) =>
      id.startsWith('WorkforceAdminGateFunction'),
    )![1].Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(gateRole),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Record<string, any>[]); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([['ReadClientRegistry', 'ssm:GetParameter']]);
    const resource = JSON.stringify(statements[0]!.Resource);
    expect(resource).toContain(':parameter/genai-gateway/dev/workforce/');
    expect(resource).not.toContain('*');
    // Across the whole stack, nobody may describe the clients of every pool.
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>)) {
      for (const s of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        if ([s.Action].flat().some((a) => a.startsWith('cognito-idp:'))) expect(JSON.stringify(s.Resource)).not.toContain('userpool/*');
      }
    }
  });

  test('synthesizes without a dependency cycle between the pool, its trigger and the clients', () => {
    expect(() => (stack.node.root as App).synth({ force: true })).not.toThrow();
  });

  test('hands the charts issuer, discovery URL, cognito:groups and both UI clients', () => {
    const values = stack.resolve(workforce.ssoValues);
    expect(values.groupsClaim).toBe('cognito:groups');
    expect(values.adminGroup).toBe('genai-platform-admins');
    expect(JSON.stringify(values.issuer)).toContain('https://cognito-idp.eu-west-1.amazonaws.com/');
    expect(JSON.stringify(values.discoveryUrl)).toContain('/.well-known/openid-configuration');
    expect(Object.keys(values.clients).sort()).toEqual(['langfuse', 'openWebUi']);
  });

  test('hands the load balancer the admin-gate client, the pool and its domain', () => {
    const auth = workforce.albAuthentication;
    expect(auth.kind).toBe('cognito');
    if (auth.kind === 'cognito') {
      expect(auth.client).toBe(workforce.clients.adminGate);
      expect(auth.scope).toBe('openid email profile');
    }
  });

  test('outputs the pool id and the sign-in URL only', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['WorkforceSignInUrl', 'WorkforceUserPoolId']);
  });
});

describe('WorkforceIdentity with Cognito and no web domain', () => {
  const { template, workforce } = build();

  test('only Open WebUI signs in, on localhost (Cognito takes plain http for localhost only), and no trigger or registry is needed', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    const clients = clientsOf(template);
    expect(clients.map((c) => c.ClientName)).toEqual(['open-webui']);
    expect(clients[0]!.CallbackURLs).toEqual([
      'http://localhost:8080/oauth/oidc/callback',
      'http://localhost:8080/oauth/oidc/login/callback',
    ]);
    expect(
      template.findResources('AWS::Cognito::UserPool')[Object.keys(template.findResources('AWS::Cognito::UserPool'))[0]!]!.Properties
        .LambdaConfig,
    ).toBeUndefined();
  });

  test('has no load-balancer sign-in to give', () => {
    expect(() => workforce.albAuthentication).toThrow(
      'albAuthentication: needs hostnames (web.domain); without them there is no admin hostname',
    );
  });
});

describe('WorkforceIdentity in a retained environment', () => {
  test('keeps the pool and protects it from deletion', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.RETAIN });
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }),
    });
  });
});

describe('WorkforceIdentity with an external issuer', () => {
  const { template, workforce, stack } = build({ sso: OIDC, hostnames: HOSTS });

  test('creates nothing in AWS: no pool, no gate, no registry (the IdP restricts the admin registration itself)', () => {
    expect(Object.keys(template.toJSON().Resources ?? {})).toEqual([]);
    expect(workforce.adminGateFunction).toBeUndefined();
    expect(workforce.clientRegistry).toBeUndefined();
  });

  test("the charts get the config's issuer, groups claim, Open WebUI's client and Langfuse's own client, secrets by name", () => {
    expect(stack.resolve(workforce.ssoValues)).toEqual({
      discoveryUrl: `${ENTRA}/v2.0/.well-known/openid-configuration`,
      issuer: `${ENTRA}/v2.0`,
      groupsClaim: 'groups',
      adminGroup: 'genai-platform-admins',
      clients: {
        openWebUi: { clientId: 'genai-web', clientSecretArn: 'corp/genai-web' },
        langfuse: { clientId: 'genai-langfuse', clientSecretArn: 'corp/genai-langfuse' },
      },
    });
  });

  test("refuses hostnames when Langfuse would sign in with Open WebUI's client, or with none", () => {
    const { langfuseClient: _l, ...without } = OIDC;
    const message = "sso.langfuseClient: is missing or is Open WebUI's client (Langfuse needs its own, admin-only registration)";
    expect(() => build({ sso: without, hostnames: HOSTS })).toThrow(message);
    expect(() =>
      build({ sso: { ...OIDC, langfuseClient: { clientId: OIDC.clientId, clientSecretName: 'corp/x' } }, hostnames: HOSTS }),
    ).toThrow(message);
  });

  test('the load balancer signs in with the admin-only registration, its secret a dynamic reference', () => {
    const auth = workforce.albAuthentication;
    expect(auth).toMatchObject({ kind: 'oidc', clientId: 'genai-admin', tokenEndpoint: `${ENTRA}/oauth2/v2.0/token` });
    if (auth.kind === 'oidc') {
      expect(stack.resolve(auth.clientSecret.unsafeUnwrap())).toBe('{{resolve:secretsmanager:corp/genai-admin:SecretString:::}}');
    }
  });

  test('refuses hostnames without the endpoints and the admin registration', () => {
    const { adminClient: _a, tokenEndpoint: _t, ...partial } = OIDC;
    expect(() => build({ sso: partial, hostnames: HOSTS })).toThrow(
      "sso: tokenEndpoint, adminClient required with hostnames (the load balancer's sign-in needs them)",
    );
  });
});

describe('WorkforceIdentity input checks', () => {
  test.each(['Genai-dev', 'genai-aws-dev', 'x'])('refuses the domain prefix %s', (domainPrefix) => {
    expect(() => build({ domainPrefix })).toThrow(
      `domainPrefix: "${domainPrefix}" is not usable (lowercase letters, digits, -; no aws, amazon or cognito)`,
    );
  });
});

describe('WorkforceIdentity in the edge stack with a web domain', () => {
  test.each(['dev', 'prod'])('%s: every cdk-nag finding on it is acknowledged with a reason', (name) => {
    const app = testApp();
    const { edge } = edgeStage(withDomain(name), app);
    acknowledgeWorkforce(edge);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split(/\n(?=\S)/).filter((b) => /\/Edge\/Workforce\//.test(b))).toEqual([]);
  });

  test.each(['dev', 'prod'])('%s: meets the Control Tower proactive controls, with only the reasoned exceptions', (name) => {
    const config = withDomain(name);
    const report = checkControlTower(edgeStage(config).stage, { ephemeral: config.ephemeral });
    expect(report.failures.filter((f) => f.path.includes('/Workforce/'))).toEqual([]);
  });

  test('dev (ephemeral) leaves nothing of it behind on destroy; prod keeps the pool, the logs and the secrets', () => {
    for (const [name, policy] of [
      ['dev', 'Delete'],
      ['prod', 'Retain'],
    ] as const) {
      const template = Template.fromStack(edgeStage(withDomain(name)).edge);
      for (const type of ['AWS::Cognito::UserPool', 'AWS::Logs::LogGroup']) {
        const workforce = Object.entries(template.findResources(type)).filter(([id]) => id.startsWith('Workforce'));
        expect(workforce.length).toBeGreaterThan(0);
        for (const [id, r] of workforce) expect([name, id, (r as { DeletionPolicy?: string }).DeletionPolicy]).toEqual([name, id, policy]);
      }
      for (const copy of Object.values(template.findResources('Custom::SsoClientSecret') as Record<string, Resource>)) {
        expect([name, copy.Properties.DeleteWithStack]).toEqual([name, String(policy === 'Delete')]);
      }
    }
  });
});

describe('WorkforceIdentity with an issuer whose iss ends with a slash', () => {
  test('keeps the issuer exactly (tokens are checked against it) and still finds the discovery document', () => {
    const { workforce, stack } = build({ sso: { ...OIDC, issuer: 'https://corp.eu.auth0.com/' } });
    expect(stack.resolve(workforce.ssoValues)).toMatchObject({
      issuer: 'https://corp.eu.auth0.com/',
      discoveryUrl: 'https://corp.eu.auth0.com/.well-known/openid-configuration',
    });
  });
});

describe('WorkforceIdentity with browser apps', () => {
  const app = { name: 'dashboard', redirectUrls: ['https://dash.example.com/callback'], logoutUrls: ['https://dash.example.com/'] };
  const { template, workforce } = build({ browserApps: [app] });
  const browser = clientsOf(template).filter((c) => c.ClientName === 'browser-dashboard');

  test('one public client per app: no secret, code grant only, openid and the gateway scope, its own URLs', () => {
    expect(browser).toHaveLength(1);
    expect(browser[0]).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: app.redirectUrls,
      LogoutURLs: app.logoutUrls,
      SupportedIdentityProviders: ['COGNITO'],
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(browser[0]!.AllowedOAuthScopes[0]).toBe('openid');
    expect(browser[0]!.AllowedOAuthScopes).toHaveLength(2);
  });

  test('short-lived tokens: 15-minute access and ID tokens, 8-hour refresh', () => {
    expect(browser[0]).toMatchObject({
      AccessTokenValidity: 15,
      IdTokenValidity: 15,
      RefreshTokenValidity: 480,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });

  test('signs in on the managed pages only: no password, SRP or custom auth flow of its own', () => {
    expect(browser[0]!.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
  });

  test('a resource server with the gateway scope, as the machine pool has it', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'genai-gateway',
      Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Call the LLM gateway as the signed-in person' }],
    });
    expect(workforce.gatewayScope).toBe('genai-gateway/invoke');
    expect(Object.keys(workforce.browserClients)).toEqual(['dashboard']);
  });

  test('no secret copy for a public client', () => {
    const copies = Object.values(template.findResources('Custom::SsoClientSecret') as Record<string, Resource>);
    expect(copies.map((c) => c.Properties.SecretName)).not.toContain(expect.stringContaining('dashboard'));
    expect(copies).toHaveLength(1);
  });

  test('without browser apps: no resource server, no public client', () => {
    const plain = build().template;
    plain.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 0);
    expect(clientsOf(plain).filter((c) => c.GenerateSecret === false)).toEqual([]);
  });

  test('refuses browser apps with an external issuer, and an app listed twice, before building anything', () => {
    expect(() => build({ sso: OIDC, browserApps: [app] })).toThrow(
      'browserApps: need the cognito provider (with an external issuer, register each app there and name its clientId)',
    );
    expect(() => build({ browserApps: [app, app] })).toThrow('browserApps: lists an app twice (allowed: unique consumer names)');
  });
});
