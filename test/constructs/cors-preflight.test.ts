import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { addCorsPreflight, preflightTemplates } from '../../constructs/cors-preflight';
import { CORS_ALLOWED_HEADERS, allowedOrigin } from '../../lib/shared/cors';

const ORIGINS = ['https://dash.example.com', 'https://ops.example.com:8443'];

function build(origins: readonly string[] = ORIGINS) {
  const stack = new Stack(new App(), 'Test');
  const api = new apigateway.RestApi(stack, 'Api', { deploy: false });
  api.root.addMethod('GET');
  addCorsPreflight(api.root.resourceForPath('v1/models'), origins, ['GET']);
  const template = Template.fromStack(stack);
  const [options] = Object.values(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }));
  return options!.Properties;
}

describe('addCorsPreflight', () => {
  const method = build();

  test('answers at the edge without an authorizer: a MOCK integration that never passes a body through', () => {
    expect(method).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK', PassthroughBehavior: 'NEVER' } });
  });

  test('the request template marks only the configured origins allowed, compared exactly, reading either header spelling', () => {
    const template: string = method.Integration.RequestTemplates['application/json'];
    expect(template).toBe(preflightTemplates(ORIGINS).request);
    expect(template).toContain('$input.params().header.get("Origin")');
    expect(template).toContain('$input.params().header.get("origin")');
    expect(template).toContain('#if("$!origin" == "https://dash.example.com" || "$!origin" == "https://ops.example.com:8443")');
    expect(template).toMatch(/\{"statusCode": 204\}\n#else\n\{"statusCode": 403\}/);
  });

  test('the default answer is a 403 with no CORS header; only the 204 answer carries them, the origin echoed by the template', () => {
    const [refused, allowed] = method.Integration.IntegrationResponses;
    expect(refused).toEqual({
      StatusCode: '403',
      ResponseParameters: { 'method.response.header.Vary': "'Origin'" },
      ResponseTemplates: { 'application/json': '' },
    });
    expect(allowed).toEqual({
      StatusCode: '204',
      SelectionPattern: '204',
      ResponseParameters: {
        'method.response.header.Access-Control-Allow-Methods': "'GET,OPTIONS'",
        'method.response.header.Access-Control-Allow-Headers': `'${CORS_ALLOWED_HEADERS.join(',')}'`,
        'method.response.header.Access-Control-Max-Age': "'600'",
        'method.response.header.Vary': "'Origin'",
      },
      ResponseTemplates: { 'application/json': preflightTemplates(ORIGINS).allowedResponse },
    });
    expect(allowed.ResponseTemplates['application/json']).toContain(
      '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
    );
  });

  test('declares the headers its answers may carry', () => {
    expect(method.MethodResponses).toEqual([
      {
        StatusCode: '204',
        ResponseParameters: {
          'method.response.header.Access-Control-Allow-Methods': true,
          'method.response.header.Access-Control-Allow-Headers': true,
          'method.response.header.Access-Control-Max-Age': true,
          'method.response.header.Vary': true,
          'method.response.header.Access-Control-Allow-Origin': true,
        },
      },
      { StatusCode: '403', ResponseParameters: { 'method.response.header.Vary': true } },
    ]);
  });

  test('never answers `*` and never allows credentials', () => {
    const text = JSON.stringify(method);
    expect(text).not.toContain("'*'");
    expect(text).not.toContain('Credentials');
  });

  test.each([
    ['*', 'origins: "*" is not an exact https origin (https://host or https://host:port)'],
    ['https://*.example.com', 'origins: "https://*.example.com" is not an exact https origin (https://host or https://host:port)'],
    // A quote would end the VTL string literal the origin is pasted into.
    [
      'https://a.example.com" || "x" == "x',
      'origins: "https://a.example.com" || "x" == "x" is not an exact https origin (https://host or https://host:port)',
    ],
    ['https://a$b.example.com', 'origins: "https://a$b.example.com" is not an exact https origin (https://host or https://host:port)'],
  ])('refuses the origin %s', (origin, message) => {
    expect(() => preflightTemplates([origin])).toThrow(message);
  });

  test('the template admits exactly the origins lib/shared/cors.ts allowedOrigin admits (the browser stand-in uses that)', () => {
    const template = preflightTemplates(ORIGINS).request;
    // The condition choosing 204 (the earlier #if only falls back to the lower-case header when Origin is empty).
    const condition = template.split('\n').find((line) => line.startsWith('#if(') && line.includes('https://'))!;
    const admitted = [...condition.matchAll(/"\$!origin" == "([^"]*)"/g)].map((m) => m[1]);
    const candidates = [
      ...ORIGINS,
      'https://evil.example.net',
      'https://dash.example.com.evil.net',
      'http://dash.example.com',
      'https://DASH.example.com',
      'null',
      '',
    ];
    for (const origin of candidates) expect(admitted.includes(origin)).toBe(allowedOrigin(origin, ORIGINS) !== undefined);
  });

  test('refuses an empty origin list (a preflight nobody may pass is a missing route, not an answer)', () => {
    expect(() => preflightTemplates([])).toThrow('origins: needs at least one configured origin');
  });
});
