/**
 * Amazon API Gateway (REST APIs): the behaviours of the edge we depend on, checked against our synthesized
 * Edge stack and the authorizer's own output.
 *
 * Sources, read 2026-11-29 (restated in our own words):
 * - AWS docs, developer guide pages named in each test (docs.aws.amazon.com/apigateway/latest/developerguide/),
 *   read in the stored copies of those pages; older text from github.com/awsdocs/amazon-api-gateway-developer-guide
 *   (doc_source/*.md, commits 12fad5e8 / 13945642, archived 2023) where the current page was not readable whole.
 * - github.com/localstack/localstack, localstack-core/localstack/services/apigateway/next_gen/execute_api/
 *   handlers/integration_request.py at commit bf2fc7a2: LocalStack's emulation, written against and
 *   snapshot-tested on real API Gateway, for header handling the AWS docs do not spell out.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { allowResult, stageResource } from '../../lambda/authorizer/policy';
import { LITELLM_KEY_HEADER } from '../../lib/shared/litellm';
import { ENVIRONMENT_NAMES } from '../k8s/support/charts';
import { STAGE_NAME, TOKEN_PATH } from '../../lib/edge-stack';
import { createStacks } from '../../lib/create-stacks';
import { synthEnvironment, testApp } from '../support/app';
import { withBrowserApps } from '../support/browser-apps';
import { TEST_DOMAIN, edgeStage, withDomain } from '../support/web-domain';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const resources = (template: Template, type: string): Resource[] => Object.values(template.findResources(type)) as Resource[];
const OPENAI_ERROR_BODY = /^\{"error":\{"message":\$context\.error\.messageString,"type":"[a-z_]+","code":"[a-z_]+"/;

describe.each(ENVIRONMENT_NAMES)('API Gateway contract (%s)', (env) => {
  const { config, templates } = synthEnvironment(env);
  const edge = templates.edge;
  const methods = resources(edge, 'AWS::ApiGateway::Method');
  const integrations = methods.map((m) => m.Properties.Integration as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  const gatewayResponse = (type: string): Resource | undefined =>
    resources(edge, 'AWS::ApiGateway::GatewayResponse').find((r) => r.Properties.ResponseType === type);

  test('only proxy integrations can stream a response, and every route streams through an HTTP proxy', () => {
    // Source: developer guide, response-transfer-mode.html ("Stream the integration response for your proxy
    // integrations"): streaming needs responseTransferMode STREAM (the default is BUFFERED) and works only for
    // HTTP_PROXY and AWS_PROXY integrations, private integrations included; REST APIs only.
    expect(integrations.length).toBeGreaterThan(0);
    for (const integration of integrations) expect(integration).toMatchObject({ Type: 'HTTP_PROXY', ResponseTransferMode: 'STREAM' });
  });

  test('a streamed integration may run up to 15 minutes, a buffered one only up to 29 seconds', () => {
    // Source: response-streaming-http.html: with response streaming the integration timeout can be set up to
    // 15 minutes; response-transfer-mode.html: a stream lasts at most 15 minutes. Quotas (awsdocs limits.md):
    // integration timeout 50 ms to 29 s otherwise (regional APIs may ask for more, at a lower throttle quota).
    for (const integration of integrations) {
      expect(integration.TimeoutInMillis).toBe(config.edge.integrationTimeoutSeconds * 1000);
      expect(integration.TimeoutInMillis).toBeLessThanOrEqual(15 * 60 * 1000);
      if (integration.TimeoutInMillis > 29_000) expect(integration.ResponseTransferMode).toBe('STREAM');
    }
  });

  test('a stream on a regional endpoint may sit idle 5 minutes, on an edge-optimized one only 30 seconds', () => {
    // Source: response-transfer-mode.html, considerations: idle timeout 5 minutes for regional and private
    // endpoints, 30 seconds for edge-optimized ones. A model thinking before its first token can be silent
    // for longer than 30 s.
    const [api] = resources(edge, 'AWS::ApiGateway::RestApi');
    expect(api!.Properties.EndpointConfiguration).toEqual({ Types: ['REGIONAL'] });
  });

  test('streaming rules out caching, content encoding and response mapping templates', () => {
    // Source: response-transfer-mode.html, considerations: with STREAM, API Gateway cannot offer features that
    // buffer the whole response: endpoint caching, content encoding, VTL response transformations.
    const [api] = resources(edge, 'AWS::ApiGateway::RestApi');
    expect(api!.Properties.MinimumCompressionSize).toBeUndefined();
    for (const stage of resources(edge, 'AWS::ApiGateway::Stage')) {
      expect(stage.Properties.CacheClusterEnabled).not.toBe(true);
      for (const setting of stage.Properties.MethodSettings ?? []) expect(setting.CachingEnabled).not.toBe(true);
    }
    for (const integration of integrations) {
      expect(integration.IntegrationResponses).toBeUndefined();
      expect(integration.RequestTemplates).toBeUndefined();
    }
  });

  test('a private integration reaches the VPC through a VPC link to a Network Load Balancer', () => {
    // Source: awsdocs set-up-private-integration.md: a REST API private integration uses a VpcLink that targets
    // network load balancers; the integration names the link (connectionType VPC_LINK, connectionId).
    const links = Object.keys(edge.findResources('AWS::ApiGateway::VpcLink'));
    expect(links).toHaveLength(1);
    const [link] = resources(edge, 'AWS::ApiGateway::VpcLink');
    const [lbId] = Object.keys(edge.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer', { Properties: { Type: 'network' } }));
    expect(link!.Properties.TargetArns).toEqual([{ Ref: lbId }]);
    for (const integration of integrations)
      expect(integration).toMatchObject({ ConnectionType: 'VPC_LINK', ConnectionId: { Ref: links[0] } });
  });

  test('a header mapped from the authorizer context replaces the header of that name the client sent', () => {
    // Source: LocalStack integration_request.py (commit bf2fc7a2): for HTTP_PROXY the client's headers are
    // passed on and the integration's header mappings are then written over them by name; LocalStack marks this
    // "undocumented but validated" against AWS. Developer guide rest-api-parameter-mapping.html: integration
    // request parameters can be mapped for proxy integrations too. In inject mode every route maps the key.
    // The MCP routes map the Bearer form of the same key (test/contracts/litellm-mcp.test.ts).
    expect(config.edge.mode).toBe('inject');
    for (const integration of integrations) {
      expect(integration.RequestParameters).toMatchObject({
        [`integration.request.header.${LITELLM_KEY_HEADER}`]: expect.stringMatching(/^context\.authorizer\.virtualKey(Bearer)?$/),
      });
    }
  });

  test('API Gateway refuses to map, or drops, some headers; the key header is none of them', () => {
    // Source: LocalStack integration_request.py (commit bf2fc7a2): mapping content-length, transfer-encoding,
    // x-amzn-trace-id or x-amzn-apigateway-api-id is a configuration error (500); Host and Content-Encoding are
    // not passed through to an HTTP_PROXY backend; Expect, Proxy-Authenticate, TE and Via are dropped.
    // awsdocs api-gateway-known-issues.md: a fixed list of standard headers may be remapped to x-amzn-Remapped-*.
    const refusedOrDropped = [
      'content-length',
      'transfer-encoding',
      'x-amzn-trace-id',
      'x-amzn-apigateway-api-id',
      'host',
      'content-encoding',
    ];
    const remapped = [
      'accept',
      'authorization',
      'connection',
      'content-type',
      'date',
      'expect',
      'proxy-authenticate',
      'te',
      'user-agent',
      'via',
    ];
    const mapped = integrations
      .flatMap((i) => Object.keys(i.RequestParameters ?? {}))
      .filter((k) => k.startsWith('integration.request.header.'));
    expect(mapped.length).toBeGreaterThan(0);
    for (const key of mapped) {
      const header = key.slice('integration.request.header.'.length).toLowerCase();
      expect([...refusedOrDropped, ...remapped]).not.toContain(header);
    }
  });

  test('authorizer context values reach the integration as top-level strings only', () => {
    // Source: awsdocs api-gateway-lambda-authorizer-output.md (commit 13945642): context holds key-value pairs
    // read as $context.authorizer.<key>; values come through stringified, and a JSON object or array is not
    // a valid value.
    const result = allowResult('arn:aws:execute-api:us-east-1:123456789012:abc123/api/*', {
      clientId: 'client-1',
      endUser: 'client-1',
      virtualKey: 'sk-123',
    });
    for (const value of Object.values(result.context ?? {})) expect(typeof value).toBe('string');
    const keys = integrations
      .flatMap((i) => Object.values<string>(i.RequestParameters ?? {}))
      .filter((v) => v.startsWith('context.authorizer.'));
    for (const key of keys) expect(Object.keys(result.context ?? {})).toContain(key.slice('context.authorizer.'.length));
  });

  test('a caching REQUEST authorizer answers 401 itself when its identity header is missing, and caches per header value', () => {
    // Source: developer guide, apigateway-use-lambda-authorizer.html, "Choosing a type of Lambda authorizer":
    // with caching on, API Gateway checks every identity source is present and answers 401 Unauthorized
    // without calling the function when one is missing or empty; the identity sources form the cache key.
    // With caching off (TTL 0) the request goes to the function. The 401 is the UNAUTHORIZED gateway response.
    const [authorizer] = resources(edge, 'AWS::ApiGateway::Authorizer');
    expect(authorizer!.Properties).toMatchObject({ Type: 'REQUEST', IdentitySource: 'method.request.header.Authorization' });
    expect(authorizer!.Properties.AuthorizerResultTtlInSeconds).toBe(config.edge.authorizerCacheTtlSeconds);
    expect(config.edge.authorizerCacheTtlSeconds).toBeGreaterThan(0);
    expect(gatewayResponse('UNAUTHORIZED')!.Properties).toMatchObject({
      StatusCode: '401',
      ResponseTemplates: { 'application/json': expect.stringMatching(OPENAI_ERROR_BODY) },
    });
  });

  test('a cached decision is reused for every route the same token calls, so the policy allows the whole stage', () => {
    // Source: apigateway-use-lambda-authorizer.html, authorization workflow: with caching on, the returned
    // policy is cached and reused instead of calling the function again, so it must apply to all resources and
    // methods of the API.
    const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/api/POST/v1/chat/completions';
    expect(stageResource(methodArn)).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc123/api/*');
  });

  test('a status on the DEFAULT_4XX or DEFAULT_5XX gateway response would replace the status of every uncustomized error', () => {
    // Source: developer guide supported-gateway-response-types.html (same table in awsdocs
    // supported-gateway-response-types.md, commit 12fad5e8): the fallbacks have no status code by default;
    // setting one changes the status of all other 4XX/5XX responses; UNAUTHORIZED is 401, ACCESS_DENIED 403,
    // AUTHORIZER_FAILURE and AUTHORIZER_CONFIGURATION_ERROR 500, THROTTLED 429, INTEGRATION_TIMEOUT 504.
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) expect(gatewayResponse(type)!.Properties.StatusCode).toBeUndefined();
    for (const [type, status] of [
      ['UNAUTHORIZED', '401'],
      ['ACCESS_DENIED', '403'],
      ['AUTHORIZER_FAILURE', '500'],
      ['AUTHORIZER_CONFIGURATION_ERROR', '500'],
      ['THROTTLED', '429'],
      ['INTEGRATION_TIMEOUT', '504'],
    ] as const) {
      expect(gatewayResponse(type)!.Properties.StatusCode).toBe(status);
    }
    for (const response of resources(edge, 'AWS::ApiGateway::GatewayResponse'))
      expect(response.Properties.ResponseTemplates['application/json']).toMatch(OPENAI_ERROR_BODY);
  });

  test('a request body over 10 MB is refused with 413 in the OpenAI error shape', () => {
    // Source: awsdocs limits.md (commit 13945642), REST API quotas: payload size 10 MB, not adjustable; gateway
    // response type REQUEST_TOO_LARGE has status 413 (supported-gateway-response-types.html).
    expect(gatewayResponse('REQUEST_TOO_LARGE')!.Properties).toMatchObject({
      StatusCode: '413',
      ResponseTemplates: { 'application/json': expect.stringContaining('"code":"request_too_large"') },
    });
  });
});

describe('API Gateway custom domain contract (dev with a web domain)', () => {
  // Sources, read 2026-11-29: developer guide apigateway-regional-api-custom-domain-create.html (Regional custom
  // domain: an ACM certificate in the API's own region; point a CNAME or an alias A record at the regional domain
  // name) and rest-api-mappings.html (a mapping strips its base path; the empty mapping "(none)" receives every path
  // no other mapping claims); Control Tower rule ct-apigateway-pr-6.guard in @cdklabs/cdk-validator-cfnguard 0.0.62
  // (SecurityPolicy absent or TLS_1_2, nothing else).
  const { edge: stack } = edgeStage(withDomain('dev'));
  const edge = Template.fromStack(stack);
  const api = `api.${TEST_DOMAIN.base}`;

  test('a regional custom domain takes a certificate from the API region, validated here in the configured zone', () => {
    const [domain] = resources(edge, 'AWS::ApiGateway::DomainName');
    expect(domain!.Properties).toMatchObject({ DomainName: api, EndpointConfiguration: { Types: ['REGIONAL'] } });
    const certificateId = domain!.Properties.RegionalCertificateArn.Ref as string;
    const certificate = edge.findResources('AWS::CertificateManager::Certificate')[certificateId]!;
    expect(certificate.Properties).toMatchObject({
      DomainName: api,
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: api, HostedZoneId: TEST_DOMAIN.hostedZoneId }],
    });
    // Same stack, same region: a certificate in another region could not be attached to a regional domain.
    expect(stack.region).toBe('us-east-1');
  });

  test('the empty mapping hands the whole path to the stage, so https://api.<base>/v1/... reaches the /v1 resources', () => {
    const [mapping] = resources(edge, 'AWS::ApiGateway::BasePathMapping');
    expect(mapping!.Properties.BasePath).toBeUndefined();
    expect(mapping!.Properties.Stage).toEqual(stack.resolve(stack.api.deploymentStage.stageName));
    const top = resources(edge, 'AWS::ApiGateway::Resource').filter((r) =>
      JSON.stringify(r.Properties.ParentId).includes('RootResourceId'),
    );
    // /v1 for the OpenAI routes (and /mcp where MCP servers are declared): both keep their paths under the domain.
    expect(top.map((r) => r.Properties.PathPart)).toContain('v1');
    expect(stack.apiCustomUrl).toBe(`https://${api}/v1`);
  });

  test('Control Tower accepts only the TLS_1_2 security policy on a REST domain (not the newer SecurityPolicy_* ones)', () => {
    for (const domain of resources(edge, 'AWS::ApiGateway::DomainName')) expect(domain.Properties.SecurityPolicy).toBe('TLS_1_2');
  });

  test('the name resolves through an alias A record to the regional domain name', () => {
    const [domainId] = Object.keys(edge.findResources('AWS::ApiGateway::DomainName'));
    const record = resources(edge, 'AWS::Route53::RecordSet').find((r) => r.Properties.Name === `${api}.`);
    expect(record!.Properties).toMatchObject({
      Type: 'A',
      HostedZoneId: TEST_DOMAIN.hostedZoneId,
      AliasTarget: {
        DNSName: { 'Fn::GetAtt': [domainId, 'RegionalDomainName'] },
        HostedZoneId: { 'Fn::GetAtt': [domainId, 'RegionalHostedZoneId'] },
      },
    });
  });

  test('the custom domain maps to the same stage the WAF web ACL, throttling and authorizer guard', () => {
    const [mapping] = resources(edge, 'AWS::ApiGateway::BasePathMapping');
    const association = resources(edge, 'AWS::WAFv2::WebACLAssociation').find((a) =>
      JSON.stringify(a.Properties.ResourceArn).includes('/stages/'),
    );
    expect(JSON.stringify(association!.Properties.ResourceArn)).toContain(JSON.stringify(mapping!.Properties.RestApiId).slice(1, -1));
    expect(JSON.stringify(association!.Properties.ResourceArn)).toContain(JSON.stringify(mapping!.Properties.Stage));
    expect(stack.resolve(stack.api.deploymentStage.stageName)).toEqual({
      Ref: expect.stringMatching(new RegExp(`^ApiDeploymentStage${STAGE_NAME}`)),
    });
  });
});

describe('API Gateway throttling and path parameters (dev with a web domain and Cognito)', () => {
  // Sources, read 2026-12-06: developer guide api-gateway-request-throttling.html (per-API, per-stage limits are
  // applied at the method level; methods inherit the stage's settings unless a method override sets its own; all
  // limits are best-effort targets, and a throttled request gets 429); CloudFormation
  // aws-properties-apigateway-stage-methodsetting.html (ResourcePath with each / encoded as ~1, the whole stage as
  // /* with HttpMethod *); rest-api-parameter-mapping-sources.html (method.request.path.<name> mapped to
  // integration.request.path.<name>). Not found in any page read: whether a percent-encoded path parameter
  // (..%2F, %2e%2e) reaches the integration decoded or as sent. The edge therefore refuses such paths in WAF
  // (test/contracts/waf.test.ts) rather than relying on either; a deployed smoke run probes it (bin/smoke-traversal.ts).
  const config = withDomain('dev');
  const { edge: stack } = edgeStage(config);
  const edge = Template.fromStack(stack);
  const [stage] = resources(edge, 'AWS::ApiGateway::Stage');
  const settings = stage!.Properties.MethodSettings as ({ ResourcePath: string; HttpMethod: string } & Record<string, unknown>)[];

  test('a method setting overrides the stage for that method only: the token relay has one, every other route inherits /*', () => {
    expect(settings.map((s) => `${s.ResourcePath} ${s.HttpMethod}`)).toEqual(['/* *', '/~1oauth2~1token POST']);
    const relay = settings[1]!;
    expect(relay).toMatchObject({
      ThrottlingRateLimit: config.edge.tokenRelay.rateLimit,
      ThrottlingBurstLimit: config.edge.tokenRelay.burstLimit,
    });
  });

  test('an override carries its own logging and metrics: the relay keeps ERROR logging, metrics, and no data trace', () => {
    // Control Tower CT.APIGATEWAY.PR.1 (ct-apigateway-pr-1.guard) also refuses LoggingLevel OFF in any method setting.
    expect(settings[1]).toMatchObject({ LoggingLevel: 'ERROR', MetricsEnabled: true, DataTraceEnabled: false });
    expect(settings[0]).toMatchObject({ LoggingLevel: 'ERROR', MetricsEnabled: true, DataTraceEnabled: false });
  });

  test('the setting names the relay resource the CloudFormation way: a leading /, then each / of the path as ~1', () => {
    const path = String(settings[1]!.ResourcePath);
    expect(path.startsWith('/~1')).toBe(true);
    expect(path.slice(1).replace(/~1/g, '/')).toBe(`/${TOKEN_PATH}`);
  });

  test('path parameters are declared and mapped one to one, so a parameter reaches LiteLLM only through this mapping', () => {
    const withParams = resources(edge, 'AWS::ApiGateway::Method').filter((m) =>
      Object.keys(m.Properties.RequestParameters ?? {}).some((k) => k.startsWith('method.request.path.')),
    );
    expect(withParams.length).toBeGreaterThan(0);
    for (const method of withParams) {
      for (const key of Object.keys(method.Properties.RequestParameters)) {
        const name = key.slice('method.request.path.'.length);
        expect(method.Properties.Integration.RequestParameters[`integration.request.path.${name}`]).toBe(key);
      }
    }
  });
});

/**
 * CORS at the edge for browser apps. Sources (read 2026-12-06, restated):
 * - developerguide how-to-mock-integration.html: a MOCK integration's request mapping template returns
 *   {"statusCode": N}, which picks the integration response whose HTTP status regex matches N; the response without a
 *   regex is the default; a template may branch (#if) on the request to choose N.
 * - developerguide apigateway-override-request-response-parameters.html: an integration response mapping template may
 *   set $context.responseOverride.header.<name>, which becomes that response header.
 * - developerguide set-up-gateway-response-using-the-console.html and api-gateway-swagger-extensions-gateway-
 *   responses.responseParameters.html: a gateway response's headers are literals or method.request.header/path/
 *   querystring values, nothing conditional; so a list of origins can only be echoed (the firewall rule bounds it).
 * - developerguide how-to-cors.html: with a proxy integration the backend's answer carries the CORS headers of the
 *   actual request; API Gateway cannot map an HTTP_PROXY integration's response headers (LiteLLM's own list, see
 *   test/contracts/litellm.test.ts).
 * Not confirmed in the pages read: whether method.request.header.Origin matches a lower-case `origin` (HTTP/2 clients
 * send that); the preflight template reads both spellings, the gateway responses map `Origin`: verify on a deploy.
 */
describe('API Gateway contract: CORS for browser apps (dev with two apps)', () => {
  const edge = Template.fromStack(createStacks(testApp(), withBrowserApps(synthEnvironment('dev').config)).edge);
  const methods = resources(edge, 'AWS::ApiGateway::Method').map((m) => m.Properties);
  const options = methods.filter((m) => m.HttpMethod === 'OPTIONS');

  test('the preflight is a MOCK whose request template picks 204 only for a configured origin; 403 is the default answer', () => {
    expect(options.length).toBeGreaterThan(0);
    for (const m of options) {
      const [refused, allowed] = m.Integration.IntegrationResponses;
      expect(refused.SelectionPattern).toBeUndefined();
      expect(allowed.SelectionPattern).toBe(allowed.StatusCode);
      expect(m.Integration.RequestTemplates['application/json']).toMatch(
        /^#set\(\$origin[\s\S]*#if\([\s\S]*\{"statusCode": 204\}\n#else\n\{"statusCode": 403\}\n#end$/,
      );
    }
  });

  test('the allowed answer sets Access-Control-Allow-Origin through responseOverride, declared on the method response', () => {
    for (const m of options) {
      expect(m.Integration.IntegrationResponses[1].ResponseTemplates['application/json']).toContain(
        '$context.responseOverride.header.Access-Control-Allow-Origin',
      );
      expect(m.MethodResponses[0].ResponseParameters['method.response.header.Access-Control-Allow-Origin']).toBe(true);
    }
  });

  test('gateway responses echo the request Origin (a literal list is impossible) and never a wildcard', () => {
    for (const r of resources(edge, 'AWS::ApiGateway::GatewayResponse')) {
      const value = r.Properties.ResponseParameters?.['gatewayresponse.header.Access-Control-Allow-Origin'];
      if (value !== undefined) expect(value).toBe('method.request.header.Origin');
      expect(JSON.stringify(r.Properties)).not.toContain("'*'");
    }
  });

  test('the forwarded routes stay HTTP_PROXY, streaming: their answers (and CORS headers) are LiteLLM’s, unmapped', () => {
    for (const m of methods.filter((x) => x.HttpMethod !== 'OPTIONS')) {
      expect(m.Integration).toMatchObject({ Type: 'HTTP_PROXY', ResponseTransferMode: 'STREAM' });
      expect(m.Integration.IntegrationResponses).toBeUndefined();
    }
  });
});
