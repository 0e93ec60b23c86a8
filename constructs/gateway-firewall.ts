import { ArnFormat, Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

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
  /** Headers WAF must never write to its logs. */
  readonly redactedHeaders: readonly string[];
}

/**
 * Common managed rules in count mode where prompts legitimately trip them: a prompt is often larger
 * than 8 KB and often contains code that looks like cross-site scripting.
 */
export const COUNTED_COMMON_RULES = ['SizeRestrictions_BODY', 'CrossSiteScripting_BODY'] as const;

/**
 * A regional web ACL in front of the gateway's API stage or the web load balancer: per-IP rate limit, IP reputation,
 * common and known-bad-input rules.
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
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const managed = (name: string, priority: number, countRules: readonly string[] = []): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
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
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        managed('AWSManagedRulesAmazonIpReputationList', 1),
        managed('AWSManagedRulesCommonRuleSet', 2, COUNTED_COMMON_RULES),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
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
      redactedFields: props.redactedHeaders.map((name) => ({ singleHeader: { Name: name } })),
    });
  }
}
