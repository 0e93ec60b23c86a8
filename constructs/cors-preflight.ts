import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS, originProblem, SAFE_HTTPS_ORIGIN } from '../lib/shared/cors';

/** Status of a preflight answer for a configured origin, and for any other (no CORS header: the browser refuses). */
export const PREFLIGHT_ALLOWED_STATUS = '204';
export const PREFLIGHT_REFUSED_STATUS = '403';

/**
 * VTL reading the request's Origin header. Header names reach the template as the client spelled them: HTTP/2 and
 * many clients send `origin` (CDK's own addCorsPreflight reads both spellings the same way).
 */
const READ_ORIGIN = [
  '#set($origin = $input.params().header.get("Origin"))',
  '#if("$!origin" == "")',
  '  #set($origin = $input.params().header.get("origin"))',
  '#end',
];

function originCondition(origins: readonly string[]): string {
  for (const origin of origins) {
    // Checked by the config already; repeated because each origin is pasted into a template as a VTL string literal.
    if (originProblem(origin) !== undefined || !SAFE_HTTPS_ORIGIN.test(origin)) {
      throw new Error(`origins: "${origin}" is not an exact https origin (https://host or https://host:port)`);
    }
  }
  return origins.map((o) => `"$!origin" == "${o}"`).join(' || ');
}

/**
 * The mapping templates of the MOCK preflight: the request template picks the status (204 only for a configured
 * origin, compared exactly as lib/shared/cors.ts allowedOrigin does), and the 204 answer's template echoes that
 * origin through `$context.responseOverride.header` (apigateway-override-request-response-parameters.html).
 */
export function preflightTemplates(origins: readonly string[]): { request: string; allowedResponse: string } {
  if (origins.length === 0) throw new Error('origins: needs at least one configured origin');
  const condition = originCondition(origins);
  return {
    request: [
      ...READ_ORIGIN,
      `#if(${condition})`,
      `{"statusCode": ${PREFLIGHT_ALLOWED_STATUS}}`,
      '#else',
      `{"statusCode": ${PREFLIGHT_REFUSED_STATUS}}`,
      '#end',
    ].join('\n'),
    allowedResponse: [
      ...READ_ORIGIN,
      `#if(${condition})`,
      '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      '#end',
    ].join('\n'),
  };
}

/**
 * Answers `OPTIONS` on one resource at the edge: a MOCK integration, no authorizer (a browser sends no token with a
 * preflight), nothing reaches LiteLLM. 204 with the CORS headers of lib/shared/cors.ts preflightHeaders for a
 * configured origin; 403 without any CORS header for every other origin or none. Never `*`, never credentials.
 */
export function addCorsPreflight(
  resource: apigateway.IResource,
  origins: readonly string[],
  methods: readonly string[],
): apigateway.Method {
  const templates = preflightTemplates(origins);
  const staticHeaders: Record<string, string> = {
    'Access-Control-Allow-Methods': `'${[...methods, 'OPTIONS'].join(',')}'`,
    'Access-Control-Allow-Headers': `'${CORS_ALLOWED_HEADERS.join(',')}'`,
    'Access-Control-Max-Age': `'${CORS_MAX_AGE_SECONDS}'`,
    Vary: "'Origin'",
  };
  const header = (name: string) => `method.response.header.${name}`;
  return resource.addMethod(
    'OPTIONS',
    new apigateway.MockIntegration({
      passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
      requestTemplates: { 'application/json': templates.request },
      integrationResponses: [
        // The default answer is the refusal: anything the request template did not mark allowed.
        {
          statusCode: PREFLIGHT_REFUSED_STATUS,
          responseParameters: { [header('Vary')]: "'Origin'" },
          responseTemplates: { 'application/json': '' },
        },
        {
          statusCode: PREFLIGHT_ALLOWED_STATUS,
          selectionPattern: PREFLIGHT_ALLOWED_STATUS,
          responseParameters: Object.fromEntries(Object.entries(staticHeaders).map(([k, v]) => [header(k), v])),
          responseTemplates: { 'application/json': templates.allowedResponse },
        },
      ],
    }),
    {
      authorizationType: apigateway.AuthorizationType.NONE,
      methodResponses: [
        {
          statusCode: PREFLIGHT_ALLOWED_STATUS,
          responseParameters: Object.fromEntries(
            [...Object.keys(staticHeaders), 'Access-Control-Allow-Origin'].map((k) => [header(k), true]),
          ),
        },
        { statusCode: PREFLIGHT_REFUSED_STATUS, responseParameters: { [header('Vary')]: true } },
      ],
    },
  );
}
