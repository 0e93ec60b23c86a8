import { Match, Template } from 'aws-cdk-lib/assertions';
import { BATCH_ROUTES, MCP_ROUTES, OPENAI_ROUTES } from '../../constructs/openai-routes';
import { parseEnvironment } from '../../lib/config/load-config';
import { createStacks } from '../../lib/create-stacks';
import { OPEN_WEBUI_END_USER_HEADER } from '../../lib/shared/web';
import { LITELLM_END_USER_HEADERS, LITELLM_KEY_HEADER } from '../../lib/shared/litellm';
import { EKS_CLUSTER_NAME_TAG } from '../../lib/shared/cluster-ownership';
import { snapshotOf, synthEnvironment, testApp } from '../support/app';

describe('EdgeStack', () => {
  describe.each(['dev', 'prod'])('%s', (name) => {
    const environment = synthEnvironment(name);
    const { config, templates } = environment;
    const edge = templates.edge;

    test('matches the snapshot', () => {
      expect(snapshotOf(edge)).toMatchSnapshot();
    });

    test('denies every app client password, SRP and custom sign-in through the API: token refresh is its only explicit flow', () => {
      const clients = Object.values(edge.findResources('AWS::Cognito::UserPoolClient'));
      expect(clients.length).toBeGreaterThan(0);
      for (const client of clients) expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    });

    test('names the API and the web ACL metric per environment, so two environments in one account never share a metric', () => {
      edge.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: `genai-${name}-gateway` });
      edge.hasResourceProperties('AWS::WAFv2::WebACL', { VisibilityConfig: Match.objectLike({ MetricName: `genai-${name}-gateway` }) });
    });

    test('exposes exactly the OpenAI-compatible, MCP and (with batches) files and batches routes and no LiteLLM admin route', () => {
      const resources = Object.values(edge.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart as string);
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method'));
      const routes = [
        ...OPENAI_ROUTES,
        ...(config.mcpServers.length > 0 ? MCP_ROUTES : []),
        ...(config.batches.enabled ? BATCH_ROUTES : []),
      ];
      expect(methods).toHaveLength(routes.reduce((n, r) => n + r.methods.length, 0));
      for (const admin of ['key', 'team', 'user', 'spend', 'ui', 'global', 'model', 'health', 'config'])
        expect(resources).not.toContain(admin);
      for (const method of methods) expect(method.Properties.AuthorizationType).toBe('CUSTOM');
    });

    test('serves the files and batches routes only where batch jobs are on, each writing the caller key over any sent', () => {
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method'));
      const uris = methods.map((m) => JSON.stringify(m.Properties.Integration.Uri));
      for (const route of BATCH_ROUTES) {
        const served = methods.filter((m) => JSON.stringify(m.Properties.Integration.Uri).endsWith(`:80/${route.path}"]]}`));
        expect(served.map((m) => m.Properties.HttpMethod).sort()).toEqual(config.batches.enabled ? [...route.methods].sort() : []);
        for (const method of served) {
          expect(method.Properties.Integration.RequestParameters['integration.request.header.x-litellm-api-key']).toBe(
            'context.authorizer.virtualKey',
          );
        }
      }
      if (!config.batches.enabled) expect(uris.join()).not.toMatch(/v1\/(files|batches)/);
    });

    test('streams every integration over the VPC link with a long timeout', () => {
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method'));
      for (const method of methods) {
        expect(method.Properties.Integration).toMatchObject({
          Type: 'HTTP_PROXY',
          ConnectionType: 'VPC_LINK',
          ResponseTransferMode: 'STREAM',
          TimeoutInMillis: config.edge.integrationTimeoutSeconds * 1000,
        });
      }
    });

    test("writes the virtual key from the authorizer context into the header LiteLLM reads, overwriting the client's", () => {
      edge.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'POST',
        Integration: Match.objectLike({
          Uri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/v1/chat/completions$')])] }),
          RequestParameters: { [`integration.request.header.${LITELLM_KEY_HEADER}`]: 'context.authorizer.virtualKey' },
        }),
      });
    });

    test("overwrites Open WebUI's end-user header and LiteLLM's standard end-user headers with the authorizer's end user on every route, so no client can spend as an employee", () => {
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method')).filter(
        (m) => m.Properties.Integration?.Type === 'HTTP_PROXY',
      );
      expect(methods.length).toBeGreaterThan(0);
      const header = `integration.request.header.${OPEN_WEBUI_END_USER_HEADER.toLowerCase()}`;
      for (const method of methods) {
        // The end user is the client id for a machine client (lambda/authorizer/end-user.ts), as before.
        expect(method.Properties.Integration.RequestParameters?.[header]).toBe(
          config.openWebUi.enabled ? 'context.authorizer.endUser' : undefined,
        );
        for (const standard of LITELLM_END_USER_HEADERS) {
          expect(method.Properties.Integration.RequestParameters?.[`integration.request.header.${standard}`]).toBe(
            'context.authorizer.endUser',
          );
        }
      }
    });

    test('answers no preflight and adds no CORS header without browser apps', () => {
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method'));
      expect(methods.filter((m) => m.Properties.HttpMethod === 'OPTIONS')).toEqual([]);
      expect(JSON.stringify(edge.findResources('AWS::ApiGateway::GatewayResponse'))).not.toContain('Access-Control');
      expect(JSON.stringify(edge.findResources('AWS::WAFv2::WebACL'))).not.toContain('RefuseForeignOrigin');
    });

    test('writes the Bearer form of the key on the MCP routes, for every method, and nowhere else; no MCP route without servers', () => {
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method'));
      const resources = Object.values(edge.findResources('AWS::ApiGateway::Resource')).map((r) => r.Properties.PathPart as string);
      if (config.mcpServers.length === 0) {
        expect(resources).not.toContain('mcp');
        return;
      }
      const header = `integration.request.header.${LITELLM_KEY_HEADER}`;
      const bearer = methods.filter((m) => m.Properties.Integration.RequestParameters?.[header] === 'context.authorizer.virtualKeyBearer');
      expect(bearer).toHaveLength(MCP_ROUTES.reduce((n, r) => n + r.methods.length, 0));
      for (const method of bearer) {
        expect(JSON.stringify(method.Properties.Integration.Uri)).toMatch(/\/mcp(\/\{server\})?"/);
      }
      expect(bearer.map((m) => m.Properties.HttpMethod).sort()).toEqual(['DELETE', 'DELETE', 'GET', 'GET', 'POST', 'POST']);
    });

    test('caches authorizer decisions per Authorization header for the configured TTL', () => {
      edge.hasResourceProperties('AWS::ApiGateway::Authorizer', {
        Type: 'REQUEST',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: config.edge.authorizerCacheTtlSeconds,
      });
    });

    test('throttles the stage and writes JSON access logs without the key, kept for the configured days', () => {
      const [stage] = Object.values(edge.findResources('AWS::ApiGateway::Stage'));
      expect(stage!.Properties.MethodSettings).toEqual([
        expect.objectContaining({
          ThrottlingRateLimit: config.edge.throttle.rateLimit,
          ThrottlingBurstLimit: config.edge.throttle.burstLimit,
          DataTraceEnabled: false,
        }),
      ]);
      const format = stage!.Properties.AccessLogSetting.Format as string;
      expect(JSON.parse(format)).toMatchObject({ client: '$context.authorizer.principalId', status: '$context.status' });
      expect(format).not.toMatch(/virtualKey|Authorization/i);
      edge.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: config.edge.accessLogRetentionDays });
    });

    test('owns the execution log group API Gateway would otherwise create, and creates it before the stage', () => {
      // Source: docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-execution-logging.html (read 2026-12-06):
      // with execution logging on, API Gateway creates and writes API-Gateway-Execution-Logs_{rest-api-id}/{stage_name}.
      const groups = edge.findResources('AWS::Logs::LogGroup');
      const [id, group] = Object.entries(groups).find(([, g]) =>
        JSON.stringify(g.Properties.LogGroupName ?? '').includes('API-Gateway-Execution-Logs_'),
      )!;
      const [apiId] = Object.keys(edge.findResources('AWS::ApiGateway::RestApi'));
      expect(group.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', ['API-Gateway-Execution-Logs_', { Ref: apiId }, '/api']] });
      expect(group.Properties).toMatchObject({ RetentionInDays: config.edge.accessLogRetentionDays, KmsKeyId: expect.anything() });
      expect(group.DeletionPolicy).toBe(config.ephemeral ? 'Delete' : 'Retain');
      const [stage] = Object.values(edge.findResources('AWS::ApiGateway::Stage'));
      expect(stage!.DependsOn).toContain(id);
    });

    test('answers gateway errors in the OpenAI error shape', () => {
      for (const [type, status] of [
        ['UNAUTHORIZED', '401'],
        ['ACCESS_DENIED', '403'],
        ['THROTTLED', '429'],
        ['REQUEST_TOO_LARGE', '413'],
      ]) {
        edge.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          StatusCode: status,
          ResponseTemplates: {
            'application/json': Match.stringLikeRegexp('^\\{"error":\\{"message":\\$context.error.messageString,"type":'),
          },
        });
      }
    });

    test('leaves the fallback gateway responses without a status, so every other error keeps its own', () => {
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
        const [response] = Object.values(edge.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }));
        expect(response!.Properties.StatusCode).toBeUndefined();
        expect(response!.Properties.ResponseTemplates['application/json']).toMatch(/^\{"error":\{"message":/);
      }
    });

    test('protects the stage with WAF: encoded traversal refused, rate limit, reputation, common rules counting large or code-like prompts', () => {
      edge.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        Rules: Match.arrayWith([
          Match.objectLike({
            Name: 'RefuseEncodedTraversal',
            Priority: 0,
            Action: { Block: {} },
            Statement: { RegexMatchStatement: Match.objectLike({ FieldToMatch: { UriPath: {} } }) },
          }),
          Match.objectLike({
            Name: 'RateLimitPerIp',
            Statement: { RateBasedStatement: { Limit: config.edge.wafRateLimit, AggregateKeyType: 'IP' } },
            Action: { Block: {} },
          }),
          Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList' }),
          Match.objectLike({
            Name: 'AWSManagedRulesCommonRuleSet',
            Statement: {
              ManagedRuleGroupStatement: Match.objectLike({
                RuleActionOverrides: [
                  { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
                  { Name: 'CrossSiteScripting_BODY', ActionToUse: { Count: {} } },
                ],
              }),
            },
          }),
          Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
        ]),
      });
      edge.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      edge.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        // The query string too: a client may put client_secret or a key there.
        RedactedFields: [
          { QueryString: {} },
          { SingleHeader: { Name: 'authorization' } },
          { SingleHeader: { Name: 'cookie' } },
          { SingleHeader: { Name: LITELLM_KEY_HEADER } },
        ],
      });
    });

    test('owns an internal network load balancer whose IP target group the pods join', () => {
      edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'network' });
      edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetType: 'ip',
        Port: 4000,
        Protocol: 'TCP',
        HealthCheckPath: '/health/liveliness',
      });
      edge.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 4000,
        ToPort: 4000,
        Description: 'Gateway load balancer to LiteLLM pods',
      });
    });

    test("tags both target groups with the cluster's name, so Auto Mode may register the pods, and nothing else", () => {
      const tagged = (type: string) =>
        Object.values(edge.findResources(type)).filter((r) =>
          ((r.Properties.Tags ?? []) as { Key: string; Value: unknown }[]).some((t) => t.Key === EKS_CLUSTER_NAME_TAG),
        );
      const groups = Object.values(edge.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
      expect(groups).toHaveLength(2);
      for (const group of groups) {
        expect(group.Properties.Tags).toContainEqual({ Key: EKS_CLUSTER_NAME_TAG, Value: environment.stage.cluster.clusterName });
      }
      expect(environment.stage.cluster.clusterName).toBe(`genai-${name}`);
      for (const type of ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::EC2::SecurityGroup'])
        expect(tagged(type)).toEqual([]);
    });

    test('serves the Langfuse UI on an internal listener only, reachable from the VPC', () => {
      edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 3000, Protocol: 'TCP' });
      edge.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetType: 'ip',
        Port: 3000,
        HealthCheckPath: '/api/public/health',
      });
      edge.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        FromPort: 3000,
        ToPort: 3000,
        Description: 'Internal load balancer to the Langfuse UI',
      });
      const [group] = Object.values(
        edge.findResources('AWS::EC2::SecurityGroup', {
          Properties: { GroupDescription: Match.stringLikeRegexp('^Internal gateway load balancer') },
        }),
      );
      const ingress = group!.Properties.SecurityGroupIngress as { CidrIp: unknown; FromPort: number }[];
      expect(ingress.map((r) => r.FromPort).sort()).toEqual([3000, 80]);
      for (const rule of ingress) expect(JSON.stringify(rule.CidrIp)).toMatch(/Vpc[0-9A-F]+CidrBlock/);
    });

    test('issues machine tokens from a Cognito pool with one client-credentials client per consumer', () => {
      const consumers = config.tenants.consumers.map((c) => c.name);
      // The machine identity's pool only: the workforce pool (employees' sign-in) has clients of its own.
      const clients = Object.entries(edge.findResources('AWS::Cognito::UserPoolClient'))
        .filter(([id]) => id.startsWith('Identity'))
        .map(([, c]) => c);
      expect(clients.map((c) => c.Properties.ClientName).sort()).toEqual([...consumers].sort());
      for (const client of clients) {
        expect(client.Properties).toMatchObject({
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: [{ 'Fn::Join': ['', [{ Ref: expect.stringMatching(/^IdentityUserPoolResourceServer/) }, '/invoke']] }],
        });
      }
      edge.hasResourceProperties('AWS::Cognito::UserPool', { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    });

    test("lets the authorizer read only this environment's virtual keys, decrypting them through Secrets Manager only", () => {
      edge.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: [
            {
              Sid: 'ReadVirtualKeys',
              Effect: 'Allow',
              Action: 'secretsmanager:GetSecretValue',
              Resource: { 'Fn::Join': ['', Match.arrayWith([`:secret:genai-gateway/${name}/virtual-keys/*`])] },
            },
            {
              Sid: 'DecryptVirtualKeys',
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: { 'Fn::GetStackOutput': Match.objectLike({ StackName: `genai-${name}-data` }) },
              Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
            },
          ],
        },
      });
    });
  });

  describe('with an external OIDC issuer in passthrough mode', () => {
    const config = parseEnvironment({
      name: 'entra',
      ephemeral: true,
      region: 'us-east-1',
      edge: {
        mode: 'passthrough',
        identity: {
          provider: 'oidc',
          issuers: ['https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0'],
          jwksUri: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys',
          audience: ['api://genai-gateway'],
          clientIdClaim: 'azp,appid',
        },
      },
    });
    const edge = Template.fromStack(createStacks(testApp(), config).edge);

    test('configures the authorizer for the external issuer and creates no user pool', () => {
      edge.resourceCountIs('AWS::Cognito::UserPool', 0);
      edge.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            AUTH_MODE: 'passthrough',
            JWT_ISSUERS: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
            JWT_AUDIENCE: 'api://genai-gateway',
            CLIENT_ID_CLAIM: 'azp,appid',
            JWT_TOKEN_USE: 'none',
          }),
        },
      });
    });

    test("forwards the client's own key and never reads Secrets Manager", () => {
      for (const method of Object.values(edge.findResources('AWS::ApiGateway::Method'))) {
        expect(JSON.stringify(method.Properties.Integration.RequestParameters ?? {})).not.toContain('virtualKey');
      }
      expect(JSON.stringify(edge.findResources('AWS::IAM::Policy'))).not.toContain('secretsmanager');
    });
  });
});
