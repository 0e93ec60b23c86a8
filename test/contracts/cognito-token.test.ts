/**
 * The stable token URL (`https://api.<base>/oauth2/token`): API Gateway relays the client-credentials grant to the
 * machine identity's Cognito token endpoint. What Cognito and API Gateway do that the relay depends on, checked
 * against the synthesized edge of dev with a web domain.
 *
 * Sources, read 2026-11-29 (restated in our own words):
 * - Cognito developer guide, token-endpoint.html (docs.aws.amazon.com/cognito/latest/developerguide/), stored
 *   excerpts of the current page, and its older full text in github.com/awsdocs/amazon-cognito-developer-guide
 *   doc_source/token-endpoint.md at commit 0b4d5467 (archived 2023).
 * - API Gateway developer guide: github.com/awsdocs/amazon-api-gateway-developer-guide doc_source/
 *   api-gateway-known-issues.md (commit 12fad5e8), api-gateway-gatewayResponse-definition.md (commit 07d87356);
 *   the Integration type reference (HTTP_PROXY); apigateway-control-access-aws-waf.html; AWS re:Post knowledge center
 *   forward-host-header-api-gateway.
 * - github.com/localstack/localstack localstack-core/localstack/services/apigateway/next_gen/execute_api/handlers/
 *   integration_request.py at commit bf2fc7a2 (emulation checked against real API Gateway) for which headers an
 *   HTTP_PROXY integration passes on.
 */
import type { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CAUSES, diagnose } from '../../bin/smoke-diagnosis';
import { TOKEN_PATH } from '../../lib/edge-stack';
import { LITELLM_KEY_HEADER } from '../../lib/shared/litellm';
import { edgeStage, withDomain } from '../support/web-domain';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('Cognito token endpoint behind the API relay (dev with a web domain)', () => {
  const { edge: stack } = edgeStage(withDomain('dev'));
  const edge = Template.fromStack(stack);
  const relayId = stack.getLogicalId(stack.tokenMethod!.node.defaultChild as CfnResource);
  const relay = (edge.toJSON().Resources as Record<string, Resource>)[relayId]!.Properties;
  const integration = relay.Integration as Record<string, unknown>;

  test('the token endpoint takes a form-encoded POST; the relay forwards exactly POST, body untouched', () => {
    // Source: token-endpoint.md (0b4d5467) and token-endpoint.html: /oauth2/token accepts only HTTPS POST, Content-Type
    // application/x-www-form-urlencoded, body grant_type=client_credentials and an optional scope (custom scopes of
    // the client; without one, all of them). HTTP_PROXY (Integration type reference): API Gateway passes the request
    // on as it came and sets up no mapping; a request template or content handling would rewrite the form body.
    expect(relay.HttpMethod).toBe('POST');
    expect(integration).toMatchObject({ Type: 'HTTP_PROXY', IntegrationHttpMethod: 'POST' });
    for (const rewrite of ['RequestTemplates', 'ContentHandling', 'PassthroughBehavior']) expect(integration[rewrite]).toBeUndefined();
    expect(TOKEN_PATH).toBe('oauth2/token');
  });

  test("API Gateway sets Host from the integration's URL, so the relay calls the pool domain's own https name", () => {
    // Source: re:Post forward-host-header-api-gateway: API Gateway overwrites the Host of the original request with
    // the integration endpoint's; known-issues (12fad5e8): Host is not forwarded to HTTP endpoints; LocalStack
    // integration_request.py (bf2fc7a2) drops the caller's Host and Content-Encoding for HTTP_PROXY. The token
    // endpoint lives on the pool's domain (<prefix>.auth.<region>.amazoncognito.com), so the relay calls that name
    // itself, over https, and maps no Host of its own. That Cognito tells pools apart by that host is inferred (the
    // URL names nothing else), not stated in the pages read.
    const uri = JSON.stringify(integration.Uri);
    const domainId = stack.getLogicalId(stack.identity!.domain.node.defaultChild as CfnResource);
    expect(uri).toContain(`{"Ref":"${domainId}"}`);
    expect(uri).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",/);
    expect(uri).toMatch(/\.amazoncognito\.com\/oauth2\/token"\]\]\}$/);
    expect(integration.Uri).toEqual(stack.resolve(stack.identity!.tokenUrl));
  });

  test("the client's credentials reach Cognito: HTTP_PROXY passes the caller's headers and body, and the relay maps none", () => {
    // Source: token-endpoint.md (0b4d5467): a client with a secret authenticates with HTTP Basic
    // base64(client_id:client_secret); community examples (and the stored vendor copies of the current page's
    // example) also send client_id and client_secret in the form body: not confirmed on the AWS page itself.
    // LocalStack integration_request.py (bf2fc7a2): HTTP_PROXY copies the caller's headers (Authorization included)
    // and body, then drops only Host, Content-Encoding, Expect, Proxy-Authenticate, TE and Via. Known-issues (12fad5e8)
    // says Authorization "may be remapped"; the current table (SigV4 or IAM authorization only) was not readable whole:
    // unverified. Credentials in the body pass either way. No authorizer: the caller has no token yet.
    expect(integration.RequestParameters).toBeUndefined();
    expect(relay.RequestParameters).toBeUndefined();
    expect(integration.ConnectionType).toBeUndefined(); // INTERNET: Cognito's public endpoint, no VPC link.
    expect(relay).toMatchObject({ AuthorizationType: 'NONE' });
    expect(relay.AuthorizerId).toBeUndefined();
  });

  test("gateway responses replace only API Gateway's own errors, so Cognito's 400 invalid_client reaches the caller as sent", () => {
    // Source: api-gateway-gatewayResponse-definition.md (07d87356): gateway responses are the responses API Gateway
    // generates itself (request never reached, or refused before, the integration), told apart from integration
    // responses; HTTP_PROXY returns the endpoint's response to the client as it came. token-endpoint.md: a refused
    // grant is a 400 with JSON {"error": "invalid_request" | "invalid_client" | "invalid_grant" | ...}.
    expect(integration.IntegrationResponses).toBeUndefined();
    expect(relay.MethodResponses).toBeUndefined();
    // npm run smoke diagnoses Cognito's own error body, which only an unchanged answer carries.
    expect(diagnose({ step: 'token', status: 400, body: { error: 'invalid_client' } })).toBe(CAUSES.invalidClient);
  });

  test('the web ACL and the throttling sit on the stage, so they guard the relay like every route', () => {
    // Source: apigateway-control-access-aws-waf.html: a regional web ACL is associated with a REST API stage (rate-based
    // rules count requests per client IP over 5 minutes); the stage's method settings with resource path /* and method
    // * are every method's defaults. Abuse: a guessing caller meets Cognito's refusal, the per-IP rate limit and the
    // stage throttle; WAF logs redact the query string and the Authorization header. The relay's own method throttle
    // and per-IP WAF limit are in api-gateway.test.ts and waf.test.ts.
    const [stage] = Object.values(edge.findResources('AWS::ApiGateway::Stage')) as Resource[];
    expect(stage!.Properties.MethodSettings).toContainEqual(
      expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: expect.any(Number) }),
    );
    const associations = Object.values(edge.findResources('AWS::WAFv2::WebACLAssociation')) as Resource[];
    expect(associations.some((a) => JSON.stringify(a.Properties.ResourceArn).includes('/stages/'))).toBe(true);
    edge.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { QueryString: {} },
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'cookie' } },
        { SingleHeader: { Name: LITELLM_KEY_HEADER } },
      ],
    });
  });

  test("the access log and the execution log never hold the caller's headers or body, where the client secret travels", () => {
    // Source: API Gateway access logging takes $context variables only (developer guide, $context variables for
    // access logging); data tracing is what writes full requests to the execution log, and it stays off.
    const [stage] = Object.values(edge.findResources('AWS::ApiGateway::Stage')) as Resource[];
    const format = JSON.parse(stage!.Properties.AccessLogSetting.Format as string) as Record<string, string>;
    for (const variable of Object.values(format)) {
      expect(variable).toMatch(/^\$context\.[A-Za-z.]+$/);
      expect(variable).not.toMatch(/header|body|input|requestOverride|authorization/i);
    }
    for (const setting of stage!.Properties.MethodSettings as Record<string, unknown>[]) expect(setting.DataTraceEnabled).toBe(false);
  });
});
