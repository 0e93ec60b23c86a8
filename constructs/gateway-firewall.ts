import { ArnFormat, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { SAFE_HTTPS_ORIGIN } from '../lib/shared/cors';
import { LITELLM_KEY_HEADER } from '../lib/shared/litellm';

/** A per-IP rate limit on one path only, beside the web ACL's limit on everything. */
export interface PathRateLimit {
  /** Rule and metric name (letters, digits, _ and -). */
  readonly name: string;
  /** Matched anywhere in the URI path once URL-decoded, so it holds under any stage prefix or custom domain. */
  readonly path: string;
  /** Requests to that path per 5 minutes from one IP address before it is blocked (WAF's minimum is 10). */
  readonly limit: number;
}

export interface GatewayFirewallProps {
  /** ARN of what the web ACL protects: an API Gateway stage or an Application Load Balancer (both regional). */
  readonly resourceArn: string;
  /** Requests per 5 minutes from one IP address before it is blocked. */
  readonly rateLimit: number;
  /** The web ACL's CloudWatch metric name (dimension WebACL); unique per environment so metrics never merge. */
  readonly metricName: string;
  /** Log group name; WAF requires the `aws-waf-logs-` prefix. */
  readonly logGroupName: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /**
   * Headers WAF must never write to its logs, beyond REDACTED_HEADERS (always redacted, with the query string).
   * @default - REDACTED_HEADERS only
   */
  readonly redactedHeaders?: readonly string[];
  /**
   * Rate limits of their own for single paths (the token relay's).
   * @default - none
   */
  readonly pathRateLimits?: readonly PathRateLimit[];
  /**
   * Header names (lower case; a trailing `*` for every name with that prefix) no request may carry: one present, in any
   * letter case, and the request is refused.
   * @default - none
   */
  readonly refusedHeaders?: readonly string[];
  /**
   * Browser origins the API serves: a request carrying any other `Origin` header is blocked, so every answer that
   * echoes the request's Origin (the edge's own error answers) can only name one of these.
   * @default - no rule on Origin
   */
  readonly allowedOrigins?: readonly string[];
}

/** The rule refusing requests from browser origins the API does not serve. */
export const FOREIGN_ORIGIN_RULE = 'RefuseForeignOrigin';

/**
 * Headers no web ACL log may hold, whatever it fronts: bearer tokens (and Basic client credentials on the token relay),
 * session cookies, and LiteLLM keys a client sends itself. The query string is redacted too: a client may put a
 * client_secret or a key there.
 */
export const REDACTED_HEADERS = ['authorization', 'cookie', LITELLM_KEY_HEADER] as const;

/**
 * A `..` path segment, between slashes or backslashes, in the URI path after two decoding passes (URL_DECODE, then
 * URL_DECODE_UNI): `..%2F`, `%2e%2e`, `%252e%252e%252f` and `%u002e` forms all end up as `..`. No route of ours has a
 * dot segment, and a client library resolves literal ones before sending.
 */
export const TRAVERSAL_PATTERN = '(^|[/\\\\])\\.\\.([/\\\\]|$)';

/** The decoding passes applied before TRAVERSAL_PATTERN, in order. */
export const TRAVERSAL_DECODING = ['URL_DECODE', 'URL_DECODE_UNI'] as const;

/** A character of a header name as the refusal rule reads it (lower-cased). */
const HEADER_NAME_CHAR = '[a-z0-9_-]';

/**
 * A regex that finds one of `names` as a whole header name, whether WAF hands the rule each lower-cased header name on
 * its own or several joined: bounded by the start or end of the text or by a character no header name holds here. A
 * name ending in `*` stands for every header name with that prefix.
 */
export function headerNamePattern(names: readonly string[]): string {
  const alternatives = names.map((name) => {
    const prefix = name.endsWith('*');
    const literal = (prefix ? name.slice(0, -1) : name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return prefix ? `${literal}${HEADER_NAME_CHAR}*` : literal;
  });
  return `(^|[^a-z0-9_-])(${alternatives.join('|')})([^a-z0-9_-]|$)`;
}

/**
 * Common managed rules in count mode where prompts legitimately trip them: a prompt is often larger
 * than 8 KB and often contains code that looks like cross-site scripting.
 */
export const COUNTED_COMMON_RULES = ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY'] as const;

/**
 * A regional web ACL in front of the gateway's API stage or the web load balancer: encoded path traversal refused,
 * per-IP rate limits (overall, and per path where asked), IP reputation, common and known-bad-input rules; logs with
 * the query string and credential headers redacted.
 */
export class GatewayFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: GatewayFirewallProps) {
    super(scope, id);
    if (!props.logGroupName.startsWith('aws-waf-logs-')) {
      throw new Error(`logGroupName: "${props.logGroupName}" must start with aws-waf-logs- (WAF delivers logs only there)`);
    }
    if (!/^[\w-]{1,128}$/.test(props.metricName)) {
      throw new Error(`metricName: "${props.metricName}" is not a WAF metric name (letters, digits, _ and -, at most 128)`);
    }
    const pathRateLimits = props.pathRateLimits ?? [];
    const refusedHeaders = props.refusedHeaders ?? [];
    for (const name of refusedHeaders) {
      if (!/^[a-z0-9_-]{1,64}\*?$/.test(name)) {
        throw new Error(`refusedHeaders: "${name}" is not a lower-case header name (a-z, 0-9, _ and -; a trailing * for a prefix)`);
      }
    }
    for (const rule of pathRateLimits) {
      if (!/^[\w-]{1,128}$/.test(rule.name))
        throw new Error(`pathRateLimits: "${rule.name}" is not a WAF rule name (letters, digits, _ and -)`);
      if (!Number.isInteger(rule.limit) || rule.limit < 10 || rule.limit > 2_000_000_000) {
        throw new Error(`pathRateLimits: ${rule.name} limit ${rule.limit} is outside WAF's range (10 to 2,000,000,000)`);
      }
      if (!rule.path.startsWith('/')) throw new Error(`pathRateLimits: ${rule.name} path "${rule.path}" must start with /`);
    }
    const origins = props.allowedOrigins ?? [];
    for (const origin of origins) {
      if (!SAFE_HTTPS_ORIGIN.test(origin)) {
        throw new Error(`allowedOrigins: "${origin}" is not an exact https origin (https://host or https://host:port)`);
      }
    }
    // Priorities follow the order below: first match wins, so refusals come before the rate limits and managed groups.
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (name: string, countRules: readonly string[] = []): UnorderedRule => ({
      name,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(countRules.length > 0 ? { ruleActionOverrides: countRules.map((rule) => ({ name: rule, actionToUse: { count: {} } })) } : {}),
        },
      },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.metricName),
      rules: ordered([
        {
          // First: a traversal attempt is refused whatever the rate, before anything else reads the path.
          name: 'RefuseEncodedTraversal',
          action: { block: {} },
          statement: {
            regexMatchStatement: {
              regexString: TRAVERSAL_PATTERN,
              fieldToMatch: { uriPath: {} },
              textTransformations: TRAVERSAL_DECODING.map((type, priority) => ({ priority, type })),
            },
          },
          visibilityConfig: visibility('RefuseEncodedTraversal'),
        },
        ...(refusedHeaders.length > 0 ? [refuseHeaders(refusedHeaders, visibility('RefuseClientHeaders'))] : []),
        ...(origins.length > 0 ? [foreignOriginRule(origins, visibility(FOREIGN_ORIGIN_RULE))] : []),
        {
          name: 'RateLimitPerIp',
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        ...pathRateLimits.map((rule): UnorderedRule => ({
          name: rule.name,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: rule.limit,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  searchString: rule.path,
                  positionalConstraint: 'CONTAINS',
                  fieldToMatch: { uriPath: {} },
                  textTransformations: [{ priority: 0, type: 'URL_DECODE' }],
                },
              },
            },
          },
          visibilityConfig: visibility(rule.name),
        })),
        managed('AWSManagedRulesAmazonIpReputationList'),
        managed('AWSManagedRulesCommonRuleSet', COUNTED_COMMON_RULES),
        managed('AWSManagedRulesKnownBadInputsRuleSet'),
      ]),
    });

    new wafv2.CfnWebACLAssociation(this, 'Association', { resourceArn: props.resourceArn, webAclArn: this.webAcl.attrArn });

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // WAF wants the group's ARN without the trailing `:*` that the log group attribute carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroup.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { queryString: {} },
        ...[...new Set([...REDACTED_HEADERS, ...(props.redactedHeaders ?? []).map((h) => h.toLowerCase())])].map((name) => ({
          singleHeader: { Name: name },
        })),
      ],
    });
  }
}

/**
 * Refuses a request carrying any of `names`. Header names are inspected lower-cased; a request with more headers than
 * WAF is handed (200, or 8 KB of them) is refused too, since the names past that limit cannot be seen.
 */
function refuseHeaders(names: readonly string[], visibilityConfig: wafv2.CfnWebACL.VisibilityConfigProperty): UnorderedRule {
  return {
    name: 'RefuseClientHeaders',
    action: { block: {} },
    statement: {
      regexMatchStatement: {
        regexString: headerNamePattern(names),
        fieldToMatch: { headers: { matchPattern: { all: {} }, matchScope: 'KEY', oversizeHandling: 'MATCH' } },
        textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
      },
    },
    visibilityConfig,
  };
}

/**
 * Blocks a request whose Origin header is present and is none of `origins` (exact, case as browsers send it). A
 * request without Origin (a server-side client) does not match: WAF treats a missing component as no match, and the
 * size check is its documented way to say "header present" (waf-rule-statement-fields-list.md,
 * waf-rate-based-example-limit-missing-header.md; test/contracts/waf.test.ts).
 */
function foreignOriginRule(origins: readonly string[], visibilityConfig: wafv2.CfnWebACL.VisibilityConfigProperty): UnorderedRule {
  const header = { singleHeader: { Name: 'origin' } };
  const exactly = (origin: string): wafv2.CfnWebACL.StatementProperty => ({
    byteMatchStatement: {
      searchString: origin,
      positionalConstraint: 'EXACTLY',
      fieldToMatch: header,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  });
  const configured = origins.length === 1 ? exactly(origins[0]!) : { orStatement: { statements: origins.map(exactly) } };
  return {
    name: FOREIGN_ORIGIN_RULE,
    action: { block: {} },
    statement: {
      andStatement: {
        statements: [
          {
            sizeConstraintStatement: {
              fieldToMatch: header,
              comparisonOperator: 'GT',
              size: 0,
              textTransformations: [{ priority: 0, type: 'NONE' }],
            },
          },
          { notStatement: { statement: configured } },
        ],
      },
    },
    visibilityConfig,
  };
}

/** A rule before its priority is known. */
type UnorderedRule = Omit<wafv2.CfnWebACL.RuleProperty, 'priority'>;

/** Priorities 0, 1, 2, ... in list order. */
function ordered(rules: readonly UnorderedRule[]): wafv2.CfnWebACL.RuleProperty[] {
  return rules.map((rule, priority) => ({ ...rule, priority }));
}
