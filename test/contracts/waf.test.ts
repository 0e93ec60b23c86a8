/**
 * AWS WAF (v2, regional web ACLs on the API stage and the web load balancer): the behaviours our rules rely on,
 * checked against the web ACLs the edge synthesizes. Facts restated in our own words.
 *
 * Sources (AWS documentation pages, read 2026-12-06):
 * - AWSCloudFormation aws-properties-wafv2-loggingconfiguration-fieldtomatch.html and the WAFV2 API
 *   LoggingConfiguration.RedactedFields (only UriPath, QueryString, SingleHeader and Method can be redacted; a
 *   SingleHeader name is not case sensitive; redaction does not touch sampled requests),
 * - waf/latest/APIReference/API_TextTransformation.html and developerguide waf-rule-statement-transformation.html
 *   (transformations run in priority order, lowest first, before inspection; priorities must differ; URL_DECODE and
 *   URL_DECODE_UNI, the latter also decoding Microsoft's %u form),
 * - developerguide waf-rule-statement-type-rate-based-high-level-settings.html (limit per evaluation window, default
 *   300 s, lowest limit 10; a scope-down statement narrows what is counted and limited),
 * - developerguide waf-rule-scope-down-statements.html (a rate-based rule counts only requests matching its scope-down).
 * - waf/latest/APIReference/API_Headers.html and API_HeaderOrder.html, developerguide waf-oversize-request-components.html
 *   (the Headers field inspects all headers, narrowed by MatchPattern, their keys, values or both by MatchScope; WAF is
 *   handed at most 200 headers and 8 KB of them, and OversizeHandling MATCH treats a request past that as matching;
 *   CONTINUE inspects only what was handed over, NO_MATCH never matches).
 * - waf-rule-statement-transformation.html: LOWERCASE turns upper-case letters (A-Z) to lower case.
 * Not confirmed in the pages read: whether one transformation type may repeat in a statement (we use two different
 * decoders instead), and the exact URI WAF sees behind an API Gateway custom domain (with or without the stage name;
 * our patterns match anywhere in the path, so either form is covered); whether a KEY-scoped Headers match hands the
 * regex each header name on its own or several joined (our pattern matches a whole name either way).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { TOKEN_PATH } from '../../lib/edge-stack';
import { CLIENT_ATTRIBUTION_HEADERS } from '../../lib/shared/litellm';
import { edgeStage, withDomain } from '../support/web-domain';
import {
  headerRuleMatches,
  headerStatementMatches,
  regexRuleMatches,
  urlDecode,
  urlDecodeUni,
  type RegexMatchRule,
} from '../support/waf-stand-in';
import { BROWSER_ORIGINS, withBrowserApps } from '../support/browser-apps';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const config = withDomain('dev');
const template = Template.fromStack(edgeStage(config).edge);
const acls = Object.values(template.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>);
const logging = Object.values(template.findResources('AWS::WAFv2::LoggingConfiguration') as Record<string, Resource>);
const apiAcl = acls.find((a) => a.Properties.VisibilityConfig.MetricName === 'genai-dev-gateway')!;
const rule = (acl: Resource, name: string) =>
  (acl.Properties.Rules as { Name: string; Statement: Record<string, any> }[]).find((r) => r.Name === name)!; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('AWS WAF contract', () => {
  test('only UriPath, QueryString, SingleHeader and Method can be redacted: both ACLs redact the query string and the credential headers', () => {
    expect(logging).toHaveLength(2);
    for (const config of logging) {
      const fields = config.Properties.RedactedFields as Record<string, unknown>[];
      for (const field of fields) expect(['UriPath', 'QueryString', 'SingleHeader', 'Method']).toContain(Object.keys(field)[0]);
      expect(fields).toContainEqual({ QueryString: {} });
      for (const name of ['authorization', 'cookie', 'x-litellm-api-key']) expect(fields).toContainEqual({ SingleHeader: { Name: name } });
    }
  });

  test('transformations run lowest priority first, priorities distinct: URL_DECODE, then URL_DECODE_UNI, then the regex', () => {
    for (const acl of acls) {
      const statement = rule(acl, 'RefuseEncodedTraversal').Statement.RegexMatchStatement as RegexMatchRule;
      expect(statement.TextTransformations).toEqual([
        { Priority: 0, Type: 'URL_DECODE' },
        { Priority: 1, Type: 'URL_DECODE_UNI' },
      ]);
      expect(new Set(statement.TextTransformations.map((t) => t.Priority)).size).toBe(statement.TextTransformations.length);
    }
  });

  test('two decoding passes undo a double encoding; one pass alone would not', () => {
    expect(urlDecode('%252e%252e%252f')).toBe('%2e%2e%2f');
    expect(urlDecodeUni(urlDecode('%252e%252e%252f'))).toBe('../');
    expect(urlDecodeUni('%u002e%u002e')).toBe('..');
    const statement = rule(apiAcl, 'RefuseEncodedTraversal').Statement.RegexMatchStatement as RegexMatchRule;
    const onePass = { ...statement, TextTransformations: [{ Priority: 0, Type: 'URL_DECODE' }] };
    expect(regexRuleMatches(onePass, '/api/v1/models/%252e%252e%252fkey')).toBe(false);
    expect(regexRuleMatches(statement, '/api/v1/models/%252e%252e%252fkey')).toBe(true);
  });

  test('the lowest rate limit is 10 per window: every limit we set is at least that, on the default 5-minute window', () => {
    for (const acl of acls) {
      for (const r of acl.Properties.Rules as { Statement: { RateBasedStatement?: { Limit: number; EvaluationWindowSec?: number } } }[]) {
        const rate = r.Statement.RateBasedStatement;
        if (!rate) continue;
        expect(rate.Limit).toBeGreaterThanOrEqual(10);
        expect(rate.EvaluationWindowSec ?? 300).toBe(300);
      }
    }
  });

  test('a scope-down statement limits what a rate rule counts: the token rule counts only the relay path, per IP', () => {
    const token = rule(apiAcl, 'TokenRelayPerIp').Statement.RateBasedStatement;
    expect(token).toMatchObject({ AggregateKeyType: 'IP', Limit: config.edge.tokenRelay.wafRateLimit });
    expect(token.ScopeDownStatement.ByteMatchStatement).toMatchObject({ SearchString: `/${TOKEN_PATH}`, FieldToMatch: { UriPath: {} } });
    // The API-wide limit has no scope-down: it still counts token requests too.
    expect(rule(apiAcl, 'RateLimitPerIp').Statement.RateBasedStatement.ScopeDownStatement).toBeUndefined();
  });

  test('the API refuses the client attribution headers in any letter case, also hidden past the 8 KB WAF is handed', () => {
    const statement = rule(apiAcl, 'RefuseClientHeaders').Statement.RegexMatchStatement as RegexMatchRule;
    // A prefix (`langfuse_*`) is tried with a real key after it.
    for (const name of CLIENT_ATTRIBUTION_HEADERS.map((n) => n.replace(/\*$/, 'trace_user_id'))) {
      expect(
        headerRuleMatches(statement, [
          ['Authorization', 'Bearer t'],
          [name.toUpperCase(), 'team:other'],
        ]),
      ).toBe(true);
    }
    // A 9 KB header before the forged one: past the limit, OversizeHandling MATCH refuses the request.
    expect(
      headerRuleMatches(statement, [
        ['x-padding', 'a'.repeat(9 * 1024)],
        ['x-litellm-tags', 'team:other'],
      ]),
    ).toBe(true);
    expect(
      headerRuleMatches(statement, [
        ['Authorization', 'Bearer t'],
        ['Content-Type', 'application/json'],
      ]),
    ).toBe(false);
    // The web entrance serves browsers and Open WebUI: it has no such rule.
    const webAcl = acls.find((a) => a !== apiAcl)!;
    expect((webAcl.Properties.Rules as { Name: string }[]).map((r) => r.Name)).not.toContain('RefuseClientHeaders');
  });
});

/**
 * The Origin rule. Sources (read 2026-12-06, restated): developerguide waf-rule-statement-fields-list.md (unless noted,
 * a request without the inspected component does not match the statement), waf-rate-based-example-limit-missing-
 * header.md (a size constraint above 0 on a single header is how to say "present with a value"), and the
 * AWSCloudFormation SingleHeader page (the header name is not case sensitive).
 */
describe('AWS WAF contract: the foreign-origin rule (dev with two browser apps)', () => {
  const withApps = Template.fromStack(edgeStage(withBrowserApps(config)).edge);
  const api = Object.values(withApps.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>).find(
    (a) => a.Properties.VisibilityConfig.MetricName === 'genai-dev-gateway',
  )!;
  const origin = rule(api, 'RefuseForeignOrigin');

  test('a request without Origin (a server-side client) is not blocked: the missing header matches nothing', () => {
    expect(headerStatementMatches(origin.Statement, { Authorization: 'Bearer x' })).toBe(false);
  });

  test('header names are compared without case: `Origin` and HTTP/2’s `origin` are the same header', () => {
    expect(origin.Statement.AndStatement.Statements[0].SizeConstraintStatement.FieldToMatch.SingleHeader.Name).toBe('origin');
    expect(headerStatementMatches(origin.Statement, { ORIGIN: 'https://evil.example.net' })).toBe(true);
    expect(headerStatementMatches(origin.Statement, { Origin: BROWSER_ORIGINS[1]! })).toBe(false);
  });

  test('only the API’s web ACL refuses foreign origins; the web load balancer’s has no such rule', () => {
    const web = acls.find((a) => a.Properties.VisibilityConfig.MetricName === 'genai-dev-web')!;
    expect(JSON.stringify(web.Properties.Rules)).not.toContain('RefuseForeignOrigin');
  });
});
