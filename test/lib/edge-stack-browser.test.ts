import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { browserRoutes, GATEWAY_ROUTES, OPENAI_ROUTES } from '../../constructs/openai-routes';
import { loadEnvironment } from '../../lib/config/load-config';
import type { EnvironmentConfig } from '../../lib/config/schema';
import { createStacks } from '../../lib/create-stacks';
import { CORS_ALLOWED_HEADERS } from '../../lib/shared/cors';
import { LITELLM_END_USER_HEADERS } from '../../lib/shared/litellm';
import { checkControlTower } from '../../lib/compliance/control-tower';
import { testApp } from '../support/app';
import { edgeStage } from '../support/web-domain';
import { BROWSER_ORIGINS as ORIGINS, DASHBOARD, withBrowserApps } from '../support/browser-apps';
import { withWebDomain } from '../support/web-config';

type Resource = { Type: string; Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('EdgeStack with browser apps (Cognito)', () => {
  const config = withBrowserApps(loadEnvironment('dev'));
  const edge = Template.fromStack(createStacks(testApp(), config).edge);
  const resources = (type: string) => Object.entries(edge.findResources(type) as Record<string, Resource>);
  const pools = resources('AWS::Cognito::UserPool');
  const poolOf = (logicalId: string) => logicalId.split('UserPool')[0];
  const clients = resources('AWS::Cognito::UserPoolClient');
  const browserClients = clients.filter(([, c]) => String(c.Properties.ClientName).startsWith('browser-'));
  const methods = resources('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
  const options = methods.filter((m) => m.HttpMethod === 'OPTIONS');

  test('creates one public client per browser app in the workforce pool: code grant only, openid + the gateway scope, no secret', () => {
    expect(pools.map(([id]) => id).sort()).toEqual(
      [expect.stringMatching(/^IdentityUserPool/), expect.stringMatching(/^WorkforceUserPool/)].sort(),
    );
    expect(browserClients.map(([, c]) => c.Properties.ClientName).sort()).toEqual(['browser-dashboard', 'browser-reports']);
    for (const [, client] of browserClients) {
      expect(client.Properties).toMatchObject({
        UserPoolId: { Ref: expect.stringMatching(/^WorkforceUserPool/) },
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        AllowedOAuthFlowsUserPoolClient: true,
        // openid and <resource server identifier>/invoke, the identifier being genai-gateway (next test).
        AllowedOAuthScopes: [
          'openid',
          { 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^WorkforceUserPoolGatewayResourceServer/) }, '/invoke']] },
        ],
        SupportedIdentityProviders: ['COGNITO'],
        AccessTokenValidity: 15,
        IdTokenValidity: 15,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
      expect(client.Properties.AllowedOAuthFlows).not.toContain('implicit');
      expect(client.Properties.AllowedOAuthFlows).not.toContain('client_credentials');
      expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    }
    const dashboard = browserClients.find(([, c]) => c.Properties.ClientName === 'browser-dashboard')![1];
    expect(dashboard.Properties.CallbackURLs).toEqual(DASHBOARD.redirectUrls);
    expect(dashboard.Properties.LogoutURLs).toEqual(DASHBOARD.logoutUrls);
  });

  test("outputs each browser app's public client id and the pool's sign-in URL, never a secret", () => {
    const outputs = edge.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    for (const [id, client] of browserClients) {
      const name = String(client.Properties.ClientName)
        .replace(/^browser-/, '')
        .replace(/-/g, '');
      expect(outputs[`BrowserClientId${name}`]?.Value).toEqual({ Ref: id });
    }
    expect(outputs).toHaveProperty('WorkforceSignInUrl');
  });

  test('gives the workforce pool the same gateway scope as the machine pool, and no browser app a machine client', () => {
    const servers = resources('AWS::Cognito::UserPoolResourceServer').map(([, r]) => r.Properties);
    expect(servers).toHaveLength(2);
    for (const server of servers)
      expect(server).toMatchObject({
        Identifier: 'genai-gateway',
        Scopes: [{ ScopeName: 'invoke', ScopeDescription: expect.any(String) }],
      });
    const machine = clients.filter(([, c]) => poolOf(String(c.Properties.UserPoolId.Ref)) === 'Identity');
    expect(machine.map(([, c]) => c.Properties.ClientName)).toEqual(config.tenants.consumers.filter((c) => !c.browser).map((c) => c.name));
  });

  test('configures the authorizer with both pools, all client ids, and the browser apps as such', () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.AUTH_MODE)!;
    const env = fn.Properties.Environment.Variables;
    const issuers = JSON.stringify(env.JWT_ISSUERS);
    expect(issuers).toContain('IdentityUserPool');
    expect(issuers).toContain('WorkforceUserPool');
    expect(env.REQUIRED_SCOPE).toBe('genai-gateway/invoke');
    expect(env.END_USER_CLAIM).toBe('sub');
    const browserIds = JSON.stringify(env.BROWSER_CLIENT_IDS);
    for (const [id] of browserClients) expect(browserIds).toContain(id);
    expect(browserIds).not.toContain('IdentityUserPool');
    const allowed = JSON.stringify(env.JWT_CLIENT_IDS);
    for (const [id] of clients.filter(([, c]) => !['open-webui'].includes(c.Properties.ClientName))) expect(allowed).toContain(id);
    // Open WebUI's own client in the same pool is never an allowed gateway client.
    const openWebUi = clients.find(([, c]) => c.Properties.ClientName === 'open-webui');
    if (openWebUi) expect(allowed).not.toContain(openWebUi[0]);
  });

  test('admits the browser apps past the admin gate as open clients, never as gated ones', () => {
    // The gate exists with a web domain; it refuses a token for any client it cannot place.
    const gated = Template.fromStack(createStacks(testApp(), withWebDomain(config)).edge);
    const registry = Object.entries(gated.findResources('AWS::SSM::Parameter') as Record<string, Resource>);
    expect(registry).toHaveLength(1);
    const value = JSON.stringify(registry[0]![1].Properties.Value);
    const ids = Object.keys(
      gated.findResources('AWS::Cognito::UserPoolClient', { Properties: { ClientName: Match.stringLikeRegexp('^browser-') } }),
    );
    expect(ids).toHaveLength(2);
    const [gatedPart, openPart] = value.split('open');
    for (const id of ids) {
      expect(openPart).toContain(id);
      expect(gatedPart).not.toContain(id);
    }
  });

  test('answers a preflight on exactly the routes browser apps may use, with no authorizer and nothing forwarded', () => {
    const expected = browserRoutes(OPENAI_ROUTES);
    // The issue's list; routes added later (files, batches) join it by their own `browser` flag.
    expect(expected.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        'v1/chat/completions',
        'v1/embeddings',
        'v1/models',
        'v1/models/{model}',
        'v1/responses',
        'v1/responses/{response_id}',
      ]),
    );
    expect(expected.map((r) => r.path)).not.toEqual(expect.arrayContaining(['v1/completions']));
    expect(expected.map((r) => r.path)).not.toEqual(expect.arrayContaining(['v1/messages']));
    expect(options).toHaveLength(expected.length);
    for (const method of options) {
      expect(method).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK', PassthroughBehavior: 'NEVER' } });
      expect(method.AuthorizerId).toBeUndefined();
    }
  });

  test('no preflight on the routes browser apps may not use (legacy completions, messages, MCP)', () => {
    const apiResources = new Map(resources('AWS::ApiGateway::Resource').map(([id, r]) => [id, r.Properties]));
    const pathOf = (id: string): string => {
      const r = apiResources.get(id)!;
      const parent = r.ParentId?.Ref as string | undefined;
      return parent && apiResources.has(parent) ? `${pathOf(parent)}/${r.PathPart}` : r.PathPart;
    };
    const preflighted = options.map((m) => pathOf(m.ResourceId.Ref)).sort();
    expect(preflighted).toEqual(
      browserRoutes(GATEWAY_ROUTES)
        .map((r) => r.path)
        .sort(),
    );
    for (const route of GATEWAY_ROUTES.filter((r) => !r.browser)) expect(preflighted).not.toContain(route.path);
  });

  test('a preflight allows only the configured origins, exactly, never `*` and never credentials', () => {
    for (const method of options) {
      const integration = method.Integration;
      const request: string = integration.RequestTemplates['application/json'];
      for (const origin of ORIGINS) expect(request).toContain(`"$!origin" == "${origin}"`);
      expect(request.match(/== "https:/g)).toHaveLength(ORIGINS.length);
      const text = JSON.stringify(integration);
      expect(text).not.toContain("'*'");
      expect(text).not.toContain('Access-Control-Allow-Credentials');
      const [refused, allowed] = integration.IntegrationResponses;
      // The default answer is the refusal, without any CORS header.
      expect(refused).toMatchObject({ StatusCode: '403', ResponseParameters: { 'method.response.header.Vary': "'Origin'" } });
      expect(refused.SelectionPattern).toBeUndefined();
      expect(allowed).toMatchObject({
        StatusCode: '204',
        SelectionPattern: '204',
        ResponseParameters: {
          'method.response.header.Access-Control-Allow-Headers': `'${CORS_ALLOWED_HEADERS.join(',')}'`,
          'method.response.header.Access-Control-Max-Age': "'600'",
          'method.response.header.Vary': "'Origin'",
        },
      });
      expect(allowed.ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toBeUndefined();
      expect(allowed.ResponseTemplates['application/json']).toContain(
        '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      );
    }
  });

  test("allows each route's own methods in its preflight", () => {
    const byMethods = options
      .map((m) => m.Integration.IntegrationResponses[1].ResponseParameters['method.response.header.Access-Control-Allow-Methods'])
      .sort();
    expect(byMethods).toEqual(
      browserRoutes(OPENAI_ROUTES)
        .map((r) => `'${[...r.methods, 'OPTIONS'].join(',')}'`)
        .sort(),
    );
    expect(byMethods).toContain("'GET,DELETE,OPTIONS'");
  });

  test("puts CORS headers on the edge's own error answers, echoing an Origin the firewall has already checked", () => {
    const responses = resources('AWS::ApiGateway::GatewayResponse').map(([, r]) => r.Properties);
    expect(responses.length).toBeGreaterThan(10);
    for (const response of responses) {
      expect(response.ResponseParameters['gatewayresponse.header.Vary']).toBe("'Origin'");
      const echo = response.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'];
      expect(echo).toBe(response.ResponseType === 'WAF_FILTERED' ? undefined : 'method.request.header.Origin');
      expect(JSON.stringify(response.ResponseParameters)).not.toContain('Credentials');
    }
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED', 'DEFAULT_5XX', 'AUTHORIZER_FAILURE', 'INTEGRATION_TIMEOUT']) {
      expect(responses.map((r) => r.ResponseType)).toContain(type);
    }
  });

  test('blocks any request whose Origin header is present and not configured, before anything echoes it', () => {
    const [, acl] = resources('AWS::WAFv2::WebACL').find(([id]) => id.startsWith('Firewall'))!;
    const rule = acl.Properties.Rules.find((r: { Name: string }) => r.Name === 'RefuseForeignOrigin');
    expect(rule).toMatchObject({
      Action: { Block: {} },
      Statement: {
        AndStatement: {
          Statements: [
            { SizeConstraintStatement: { FieldToMatch: { SingleHeader: { Name: 'origin' } }, ComparisonOperator: 'GT', Size: 0 } },
            {
              NotStatement: {
                Statement: {
                  OrStatement: {
                    Statements: ORIGINS.map((o) => ({
                      ByteMatchStatement: {
                        SearchString: o,
                        PositionalConstraint: 'EXACTLY',
                        FieldToMatch: { SingleHeader: { Name: 'origin' } },
                        TextTransformations: [{ Priority: 0, Type: 'NONE' }],
                      },
                    })),
                  },
                },
              },
            },
          ],
        },
      },
    });
    const priorities = acl.Properties.Rules.map((r: { Priority: number }) => r.Priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  test("writes the authorizer's end user over LiteLLM's end-user headers on every forwarded route", () => {
    for (const method of methods.filter((m) => m.Integration?.Type === 'HTTP_PROXY')) {
      for (const header of LITELLM_END_USER_HEADERS) {
        expect(method.Integration.RequestParameters[`integration.request.header.${header}`]).toBe('context.authorizer.endUser');
      }
    }
  });
});

describe('EdgeStack with browser apps: compliance', () => {
  test('meets the Control Tower proactive controls, with only the reasoned exceptions, on the preflights and the pools', () => {
    const config = withBrowserApps(loadEnvironment('dev'));
    const { stage } = edgeStage(config);
    const report = checkControlTower(stage, { ephemeral: config.ephemeral });
    // Only the parts browser apps add or change; the data stand-in is not the real thing.
    expect(report.failures.filter((f) => /^Edge\/(Api|Workforce|Identity|Firewall)\//.test(f.path))).toEqual([]);
    expect(report.evaluated).toEqual(expect.arrayContaining(['CT.APIGATEWAY.PR.1', 'CT.APIGATEWAY.PR.2']));
  });

  test('has no cdk-nag finding on the preflights or the workforce pool left unacknowledged', () => {
    const app = testApp();
    createStacks(app, withBrowserApps(loadEnvironment('dev')));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    // Each finding is a block of lines: the rule, then the construct path.
    const blocks = message.split(/\n(?=\S)/).filter((b) => /\/Edge\/(Api\/Default\/v1|Workforce|Identity|Firewall)\//.test(b));
    expect(blocks).toEqual([]);
  });
});

describe('EdgeStack with a browser app at an external OIDC issuer', () => {
  const base = loadEnvironment('dev');
  const config: EnvironmentConfig = withBrowserApps({
    ...base,
    ephemeral: false,
    openWebUi: { ...base.openWebUi, enabled: false },
    edge: {
      ...base.edge,
      identity: {
        provider: 'oidc',
        issuers: ['https://login.example.com/v2.0'],
        jwksUri: 'https://login.example.com/keys',
        audience: ['api://genai-gateway'],
        clientIdClaim: 'azp',
        endUserClaim: 'oid',
      },
    },
  });
  const withIds: EnvironmentConfig = {
    ...config,
    tenants: { ...config.tenants, consumers: config.tenants.consumers.map((c) => ({ ...c, clientId: `${c.name}-id` })) },
  };
  const edge = Template.fromStack(createStacks(testApp(), withIds).edge);

  test('creates no user pool and names the registered SPA ids and the person claim to the authorizer', () => {
    edge.resourceCountIs('AWS::Cognito::UserPool', 0);
    edge.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ BROWSER_CLIENT_IDS: 'dashboard-id,reports-id', END_USER_CLAIM: 'oid', CLIENT_ID_CLAIM: 'azp' }),
      },
    });
  });
});
