import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  FOREIGN_ORIGIN_RULE,
  GatewayFirewall,
  headerNamePattern,
  REDACTED_HEADERS,
  type GatewayFirewallProps,
} from '../../constructs/gateway-firewall';
import { headerRuleMatches, headerStatementMatches, regexRuleMatches, type RegexMatchRule } from '../support/waf-stand-in';

type Rule = { Name: string; Priority: number; Statement: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function build(overrides: Partial<GatewayFirewallProps> = {}) {
  const stack = new Stack(new App(), 'Test');
  new GatewayFirewall(stack, 'Firewall', {
    resourceArn: 'arn:aws:apigateway:eu-west-1::/restapis/abc/stages/api',
    rateLimit: 2000,
    metricName: 'genai-test-gateway',
    logGroupName: 'aws-waf-logs-genai-test-gateway',
    logRetention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    ...overrides,
  });
  const template = Template.fromStack(stack);
  const [acl] = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  return { template, rules: acl!.Properties.Rules as Rule[] };
}

/** The traversal rule as synthesized, for the WAF stand-in. */
function traversalRule(rules: readonly Rule[]): RegexMatchRule {
  return rules.find((r) => r.Name === 'RefuseEncodedTraversal')!.Statement.RegexMatchStatement as RegexMatchRule;
}

describe('GatewayFirewall', () => {
  const { template, rules } = build();

  test('refuses encoded traversal first, then rate-limits, then the managed groups, priorities in that order', () => {
    expect(rules.map((r) => [r.Priority, r.Name])).toEqual([
      [0, 'RefuseEncodedTraversal'],
      [1, 'RateLimitPerIp'],
      [2, 'AWSManagedRulesAmazonIpReputationList'],
      [3, 'AWSManagedRulesCommonRuleSet'],
      [4, 'AWSManagedRulesKnownBadInputsRuleSet'],
    ]);
    expect(rules[0]).toMatchObject({ Action: { Block: {} } });
  });

  test.each([
    ['an encoded slash', '/api/v1/models/..%2F..%2Fkey%2Fgenerate'],
    ['encoded dots', '/api/v1/models/%2e%2e'],
    ['encoded dots and slash, upper case', '/api/v1/models/%2E%2E%2Fkey%2Flist'],
    ['a double-encoded traversal', '/api/v1/responses/%252e%252e%252fkey%252flist'],
    ['a double-encoded slash after literal dots', '/api/v1/responses/..%252Fspend%252Flogs'],
    ['an encoded backslash', '/api/mcp/..%5C..%5Cv1%5Cmcp%5Cserver'],
    ['the %u form', '/api/v1/models/%u002e%u002e%u002fkey'],
    ['a literal dot segment (curl --path-as-is)', '/api/v1/models/../../key/list'],
  ])('denies %s in a path parameter', (_what, path) => {
    expect(regexRuleMatches(traversalRule(rules), path)).toBe(true);
  });

  test.each([
    '/api/v1/chat/completions',
    '/api/v1/models/anthropic.claude-3-5-sonnet-20241022-v2:0',
    '/api/v1/models/us.amazon.nova-pro-v1%3A0',
    '/api/v1/models/claude-sonnet-4',
    '/api/v1/models/a..b',
    '/api/v1/models/v1...2',
    '/api/v1/responses/resp_67ccd2bed1ec8190b14f964abc054267',
    '/api/mcp/deepwiki',
    '/oauth2/token',
    '/_next/static/chunks/app-8f3c.js',
  ])('lets the legitimate path %s through', (path) => {
    expect(regexRuleMatches(traversalRule(rules), path)).toBe(false);
  });

  test('logs redact the query string and the credential headers, always', () => {
    template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [{ QueryString: {} }, ...REDACTED_HEADERS.map((Name) => ({ SingleHeader: { Name } }))],
    });
    expect(REDACTED_HEADERS).toEqual(['authorization', 'cookie', 'x-litellm-api-key']);
  });

  test('adds extra redacted headers once each, lower-cased', () => {
    build({ redactedHeaders: ['X-Api-Key', 'Cookie'] }).template.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: [
        { QueryString: {} },
        ...['authorization', 'cookie', 'x-litellm-api-key', 'x-api-key'].map((Name) => ({ SingleHeader: { Name } })),
      ],
    });
  });

  test('a path rate limit counts only requests to that path, per IP, after URL decoding', () => {
    const { rules: limited } = build({ pathRateLimits: [{ name: 'TokenRelayPerIp', path: '/oauth2/token', limit: 100 }] });
    expect(limited.map((r) => r.Name)).toEqual([
      'RefuseEncodedTraversal',
      'RateLimitPerIp',
      'TokenRelayPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(limited.map((r) => r.Priority)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limited[2]).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          Limit: 100,
          AggregateKeyType: 'IP',
          ScopeDownStatement: {
            ByteMatchStatement: {
              SearchString: '/oauth2/token',
              PositionalConstraint: 'CONTAINS',
              FieldToMatch: { UriPath: {} },
              TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }],
            },
          },
        },
      },
    });
  });

  test.each([
    [
      { name: 'Token Relay', path: '/oauth2/token', limit: 100 },
      'pathRateLimits: "Token Relay" is not a WAF rule name (letters, digits, _ and -)',
    ],
    [
      { name: 'TokenRelay', path: '/oauth2/token', limit: 9 },
      "pathRateLimits: TokenRelay limit 9 is outside WAF's range (10 to 2,000,000,000)",
    ],
    [{ name: 'TokenRelay', path: 'oauth2/token', limit: 100 }, 'pathRateLimits: TokenRelay path "oauth2/token" must start with /'],
  ])('refuses the path rate limit %p before building anything', (rule, message) => {
    expect(() => build({ pathRateLimits: [rule] })).toThrow(message);
  });

  describe('refused headers', () => {
    const refused = ['x-litellm-tags', 'x-litellm-spend-logs-metadata', 'langfuse_*'];
    const { rules: withRefusal } = build({ refusedHeaders: refused });
    const headerRule = withRefusal.find((r) => r.Name === 'RefuseClientHeaders')!;
    const statement = headerRule.Statement.RegexMatchStatement as RegexMatchRule;
    const request = (...extra: [string, string][]): [string, string][] => [
      ['Host', 'api.example.com'],
      ['Authorization', 'Bearer eyJ...'],
      ['Content-Type', 'application/json'],
      ...extra,
    ];

    test('come right after the traversal refusal, blocking, before any rate limit counts the request', () => {
      expect(withRefusal.map((r) => [r.Priority, r.Name]).slice(0, 3)).toEqual([
        [0, 'RefuseEncodedTraversal'],
        [1, 'RefuseClientHeaders'],
        [2, 'RateLimitPerIp'],
      ]);
      expect(headerRule).toMatchObject({
        Action: { Block: {} },
        Statement: {
          RegexMatchStatement: {
            FieldToMatch: { Headers: { MatchPattern: { All: {} }, MatchScope: 'KEY', OversizeHandling: 'MATCH' } },
            TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
          },
        },
      });
      expect(build().rules.map((r) => r.Name)).not.toContain('RefuseClientHeaders');
    });

    test.each([
      ['x-litellm-tags', 'team:finance'],
      ['X-LiteLLM-Tags', 'team:finance,consumer:payroll'],
      ['X-LITELLM-SPEND-LOGS-METADATA', '{"team":"finance"}'],
      ['x-litellm-tags', ''],
      ['langfuse_tags', '["team:finance"]'],
      ['Langfuse_Trace_User_Id', 'ceo@example.com'],
      ['langfuse_existing_trace_id', 'a-trace-of-another-team'],
      ['langfuse_', 'x'],
    ])('denies a request carrying %s: %p', (name, value) => {
      expect(headerRuleMatches(statement, request([name, value]))).toBe(true);
    });

    test('denies a request that hides the header past what WAF is handed (201 headers)', () => {
      const padding = Array.from({ length: 200 }, (_, i): [string, string] => [`x-pad-${i}`, 'a']);
      expect(headerRuleMatches(statement, request(...padding, ['x-litellm-tags', 'team:finance']))).toBe(true);
    });

    test.each([
      [[]],
      [[['x-litellm-tagsx', 'a']]],
      [[['x-my-litellm-tags', 'a']]],
      [[['x-litellm-api-key', 'sk-...']]],
      [[['x-litellm-end-user-id', 'someone']]],
      [[['User-Agent', 'x-litellm-tags']]],
      [[['x-langfuse_tags', 'a']]],
      [[['langfuse-tags', 'a']]],
      [[['my_langfuse_tags', 'a']]],
    ] as [string, string][][][])('lets a request with %j through', (extra) => {
      expect(headerRuleMatches(statement, request(...extra))).toBe(false);
    });

    test('the pattern finds a name also where WAF would join several names into one text', () => {
      const pattern = new RegExp(headerNamePattern(refused));
      expect(pattern.test('host,x-litellm-tags,content-type')).toBe(true);
      expect(pattern.test('host:x-litellm-spend-logs-metadata')).toBe(true);
      expect(pattern.test('host,x-litellm-tags-extra')).toBe(false);
      expect(pattern.test('host,langfuse_session_id,accept')).toBe(true);
      expect(pattern.test('host,x_langfuse_session_id')).toBe(false);
    });

    test('refuses a header name that is not lower case before building anything', () => {
      expect(() => build({ refusedHeaders: ['X-LiteLLM-Tags'] })).toThrow(
        'refusedHeaders: "X-LiteLLM-Tags" is not a lower-case header name (a-z, 0-9, _ and -; a trailing * for a prefix)',
      );
    });
  });

  test('has no Origin rule unless browser origins are given', () => {
    expect(rules.map((r) => r.Name)).not.toContain(FOREIGN_ORIGIN_RULE);
  });

  describe('with browser origins', () => {
    const origins = ['https://dash.example.com', 'https://reports.example.com:8443'];
    const withOrigins = build({ allowedOrigins: origins }).rules;
    const rule = withOrigins.find((r) => r.Name === FOREIGN_ORIGIN_RULE)!;
    const blocks = (headers: Record<string, string>) => headerStatementMatches(rule.Statement, headers);

    test('adds the rule right after the traversal refusal, blocking, before the rate limits and managed groups', () => {
      expect(withOrigins.map((r) => r.Name)).toEqual([rules[0]!.Name, FOREIGN_ORIGIN_RULE, ...rules.slice(1).map((r) => r.Name)]);
      expect(withOrigins.map((r) => r.Priority)).toEqual(withOrigins.map((_r, i) => i));
      expect(rule).toMatchObject({ Action: { Block: {} } });
    });

    test.each([
      ['a foreign origin', { Origin: 'https://evil.example.net' }],
      ['a look-alike of a configured origin', { origin: 'https://dash.example.com.evil.net' }],
      ['a configured host on plain http', { Origin: 'http://dash.example.com' }],
      ['a configured host on another port', { Origin: 'https://reports.example.com' }],
      ['a case variant', { Origin: 'https://DASH.example.com' }],
      ['the opaque origin of a sandboxed frame', { Origin: 'null' }],
    ])('blocks %s', (_name, headers) => {
      expect(blocks(headers)).toBe(true);
    });

    test.each([
      ['each configured origin, exactly', { Origin: 'https://dash.example.com' }],
      ['the second origin in lower-case header spelling (HTTP/2)', { origin: 'https://reports.example.com:8443' }],
      ['a request without Origin (a server-side client)', { authorization: 'Bearer x' }],
    ])('lets through %s', (_name, headers) => {
      expect(blocks(headers)).toBe(false);
    });

    test('a single origin is one exact comparison', () => {
      const single = build({ allowedOrigins: ['https://dash.example.com'] }).rules.find((r) => r.Name === FOREIGN_ORIGIN_RULE)!;
      expect(headerStatementMatches(single.Statement, { Origin: 'https://dash.example.com' })).toBe(false);
      expect(headerStatementMatches(single.Statement, { Origin: 'https://reports.example.com:8443' })).toBe(true);
    });

    test.each(['https://*.example.com', 'https://dash.example.com/', 'http://dash.example.com', 'https://dash.example.com" OR "'])(
      'refuses the origin %s before building anything',
      (origin) => {
        expect(() => build({ allowedOrigins: [origin] })).toThrow(
          `allowedOrigins: "${origin}" is not an exact https origin (https://host or https://host:port)`,
        );
      },
    );
  });
});
