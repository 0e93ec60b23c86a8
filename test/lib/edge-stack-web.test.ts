import { CfnResource, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { STABLE_TOKEN_URL_OUTPUT, WEB_OUTPUT_KEYS } from '../../bin/smoke-outputs';
import { checkControlTower } from '../../lib/compliance/control-tower';
import { ENVIRONMENTS } from '../../lib/config/environments';
import { loadEnvironment, parseEnvironment } from '../../lib/config/load-config';
import { createStacks } from '../../lib/create-stacks';
import type { EdgeStack } from '../../lib/edge-stack';
import { testApp } from '../support/app';
import { TEST_DOMAIN, edgeStage, withDomain } from '../support/web-domain';

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

const BASE = TEST_DOMAIN.base;

/** The internal network load balancer's listeners' ports, its target groups' ports, and the CIDR ranges it admits. */
function internalLoadBalancer(template: Template) {
  const ports = (type: string) =>
    Object.values(template.findResources(type) as Record<string, Resource>)
      .filter((r) => r.Properties!.Protocol === 'TCP')
      .map((r) => r.Properties!.Port as number)
      .sort();
  const [group] = Object.values(
    template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^Internal gateway load balancer') },
    }) as Record<string, Resource>,
  );
  const ingress = (group!.Properties!.SecurityGroupIngress ?? []) as { CidrIp?: unknown; FromPort: number }[];
  return {
    listeners: ports('AWS::ElasticLoadBalancingV2::Listener'),
    targetGroups: ports('AWS::ElasticLoadBalancingV2::TargetGroup'),
    cidrPorts: ingress.filter((r) => r.CidrIp !== undefined).map((r) => r.FromPort),
    podIngressPorts: Object.entries(template.findResources('AWS::EC2::SecurityGroupIngress') as Record<string, Resource>)
      .filter(([id]) => id.startsWith('LoadBalancerTo'))
      .map(([, r]) => r.Properties!.FromPort as number)
      .sort(),
  };
}

/** The API stage's per-method settings, and the API web ACL's rule names. */
function tokenRelayGuards(template: Template) {
  const [stage] = Object.values(template.findResources('AWS::ApiGateway::Stage') as Record<string, Resource>);
  const settings = stage!.Properties!.MethodSettings as { ResourcePath: string; HttpMethod: string; ThrottlingRateLimit?: number }[];
  const [apiAcl] = Object.values(
    template.findResources('AWS::WAFv2::WebACL', {
      Properties: { VisibilityConfig: { MetricName: Match.stringLikeRegexp('-gateway$') } },
    }) as Record<string, Resource>,
  );
  const rules = apiAcl!.Properties!.Rules as { Name: string; Statement: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { settings, rules };
}

/** With a web domain: the internal load balancer keeps the LiteLLM listener for the VPC link and the admin functions only. */
function expectOnlyTheApiWayIn(stack: EdgeStack, template: Template): void {
  expect(internalLoadBalancer(template)).toEqual({ listeners: [80], targetGroups: [4000], cidrPorts: [], podIngressPorts: [4000] });
  expect(stack.langfuseTargetGroupArn).toBeUndefined();
  expect(stack.langfuseUrl).toBeUndefined();
  expect(Object.keys(template.toJSON().Outputs as object)).not.toContain('LangfuseUrl');
  // The only thing admitted on the listener besides PrivateLink (the VPC link) is the admin functions' group.
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    FromPort: 80,
    GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewaySecurityGroup'), 'GroupId'] },
    SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GatewayClientSecurityGroup'), 'GroupId'] },
  });
}

describe('EdgeStack web entrance', () => {
  describe.each(['dev', 'prod'])('%s without web.domain', (name) => {
    const { edge: stack } = edgeStage(loadEnvironment(name));
    const edge = Template.fromStack(stack);

    test('has no public load balancer, certificate, DNS record or API custom domain, and no web outputs', () => {
      for (const type of [
        'AWS::CertificateManager::Certificate',
        'AWS::Route53::RecordSet',
        'AWS::ApiGateway::DomainName',
        'AWS::ApiGateway::BasePathMapping',
      ])
        edge.resourceCountIs(type, 0);
      const balancers = Object.values(edge.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')) as Resource[];
      expect(balancers.map((b) => [b.Properties!.Type, b.Properties!.Scheme])).toEqual([['network', 'internal']]);
      edge.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
      const outputs = Object.keys(edge.toJSON().Outputs as object);
      for (const key of [...Object.values(WEB_OUTPUT_KEYS), 'ApiCustomUrl', STABLE_TOKEN_URL_OUTPUT]) expect(outputs).not.toContain(key);
      expect(stack.webTargetGroupArns).toBeUndefined();
      expect(stack.webUrls).toBeUndefined();
      expect(stack.apiCustomUrl).toBeUndefined();
    });

    test('keeps the internal Langfuse listener and opens the internal load balancer to the VPC (the only way in without a domain)', () => {
      expect(internalLoadBalancer(edge)).toEqual({
        listeners: [3000, 80],
        targetGroups: [3000, 4000],
        cidrPorts: [80, 3000],
        podIngressPorts: [3000, 4000],
      });
      expect(stack.langfuseTargetGroupArn).toBeDefined();
      expect(Object.keys(edge.toJSON().Outputs as object)).toContain('LangfuseUrl');
    });

    test('has no token relay: clients use the Cognito TokenUrl', () => {
      edge.resourcePropertiesCountIs('AWS::ApiGateway::Resource', { PathPart: 'oauth2' }, 0);
      const { settings, rules } = tokenRelayGuards(edge);
      expect(settings.map((m) => `${m.ResourcePath} ${m.HttpMethod}`)).toEqual(['/* *']);
      expect(rules.map((r) => r.Name)).not.toContain('TokenRelayPerIp');
      expect(stack.tokenMethod).toBeUndefined();
      expect(stack.stableTokenUrl).toBeUndefined();
      expect(Object.keys(edge.toJSON().Outputs as object)).toContain('TokenUrl');
    });
  });

  describe.each(['dev', 'prod'])('%s with web.domain', (name) => {
    const config = withDomain(name, { adminCidrs: ['203.0.113.0/24'] });
    const { edge: stack } = edgeStage(config);
    const edge = Template.fromStack(stack);
    const resources = Object.values(edge.toJSON().Resources as Record<string, Resource>);
    const webBalancer = resources.find(
      (r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && r.Properties!.Type === 'application',
    )!;

    test('adds an internet-facing ALB with its own WAF web ACL, named per environment, next to the API stage ACL', () => {
      expect(webBalancer.Properties!.Scheme).toBe('internet-facing');
      edge.resourceCountIs('AWS::WAFv2::WebACLAssociation', 2);
      edge.hasResourceProperties('AWS::WAFv2::WebACL', {
        VisibilityConfig: { CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: `genai-${name}-web` },
        Rules: Match.arrayWith([
          Match.objectLike({
            Name: 'RateLimitPerIp',
            Statement: { RateBasedStatement: { Limit: config.web.wafRateLimit, AggregateKeyType: 'IP' } },
          }),
        ]),
      });
      const associations = resources.filter((r) => r.Type === 'AWS::WAFv2::WebACLAssociation');
      expect(associations.map((a) => JSON.stringify(a.Properties!.ResourceArn))).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\{"Ref":"WebLoadBalancer[0-9A-F]{8}"\}$/)]),
      );
      edge.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
        RedactedFields: [
          { QueryString: {} },
          { SingleHeader: { Name: 'authorization' } },
          { SingleHeader: { Name: 'cookie' } },
          { SingleHeader: { Name: 'x-litellm-api-key' } },
        ],
      });
      edge.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: `aws-waf-logs-genai-${name}-web` });
    });

    test('signs admins in with the workforce admin-gate client and admits them only from the allowlist', () => {
      const rules = resources.filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule');
      const admin = rules.filter((r) => r.Properties!.Actions[0].Type === 'authenticate-cognito');
      expect(admin).toHaveLength(2);
      for (const rule of admin) {
        expect(rule.Properties!.Conditions).toContainEqual({ Field: 'source-ip', SourceIpConfig: { Values: ['203.0.113.0/24'] } });
        expect(rule.Properties!.Actions[0].AuthenticateCognitoConfig.UserPoolClientId).toEqual(
          stack.resolve(stack.workforce!.clients.adminGate!.userPoolClientId),
        );
      }
    });

    test('denies any other way to Langfuse and LiteLLM: the internal load balancer serves only the LiteLLM listener, to the VPC link and the admin functions', () => {
      expectOnlyTheApiWayIn(stack, edge);
    });

    test('protects the ALB from deletion only outside ephemeral environments', () => {
      expect(webBalancer.Properties!.LoadBalancerAttributes).toContainEqual({
        Key: 'deletion_protection.enabled',
        Value: String(!config.ephemeral),
      });
    });

    test('maps api.<base> to the stage and outputs the stable URLs the smoke test reads', () => {
      edge.hasResourceProperties('AWS::ApiGateway::DomainName', { DomainName: `api.${BASE}`, SecurityPolicy: 'TLS_1_2' });
      const outputs = edge.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs[WEB_OUTPUT_KEYS.chat]!.Value).toBe(`https://chat.${BASE}`);
      expect(outputs[WEB_OUTPUT_KEYS.litellm]!.Value).toBe(`https://litellm.${BASE}`);
      expect(outputs[WEB_OUTPUT_KEYS.langfuse]!.Value).toBe(`https://langfuse.${BASE}`);
      expect(JSON.stringify(outputs[WEB_OUTPUT_KEYS.signInUrl]!.Value)).toContain('.auth.us-east-1.amazoncognito.com');
      expect(outputs.ApiCustomUrl!.Value).toBe(`https://api.${BASE}/v1`);
      expect(stack.webUrls).toEqual({
        chat: `https://chat.${BASE}`,
        litellm: `https://litellm.${BASE}`,
        langfuse: `https://langfuse.${BASE}`,
      });
      expect(stack.apiCustomUrl).toBe(`https://api.${BASE}/v1`);
      expect(Object.keys(stack.webTargetGroupArns!).sort()).toEqual(['langfuse', 'litellm', 'openWebUi']);
    });

    test("relays POST /oauth2/token on api.<base> to the machine identity's token endpoint, with no authorizer, VPC link or mapping", () => {
      const method = stack.resolve((stack.tokenMethod!.node.defaultChild as CfnResource)._toCloudFormation()) as {
        Resources: Record<string, Resource>;
      };
      const [props] = Object.values(method.Resources).map((r) => r.Properties!);
      expect(props).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'NONE' });
      expect(props!.AuthorizerId).toBeUndefined();
      expect(props!.Integration).toEqual({
        Type: 'HTTP_PROXY',
        IntegrationHttpMethod: 'POST',
        Uri: stack.resolve(stack.identity!.tokenUrl),
      });
      // oauth2/token under the root, which the domain's empty mapping serves at https://api.<base>/.
      const oauth2 = Object.entries(edge.findResources('AWS::ApiGateway::Resource', { Properties: { PathPart: 'oauth2' } }));
      expect(oauth2).toHaveLength(1);
      expect(JSON.stringify(oauth2[0]![1].Properties.ParentId)).toContain('RootResourceId');
      edge.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'token', ParentId: { Ref: oauth2[0]![0] } });
      expect(stack.stableTokenUrl).toBe(`https://api.${BASE}/oauth2/token`);
      const outputs = edge.toJSON().Outputs as Record<string, { Value: unknown }>;
      expect(outputs[STABLE_TOKEN_URL_OUTPUT]!.Value).toBe(`https://api.${BASE}/oauth2/token`);
      // Cognito's own URL stays an output: the relay's target, and the way in for anyone not using the domain.
      expect(outputs.TokenUrl!.Value).toEqual(stack.resolve(stack.identity!.tokenUrl));
    });

    test('throttles the token relay on its own: a method setting of its own, logging and metrics as the stage', () => {
      const { settings } = tokenRelayGuards(edge);
      expect(settings).toEqual([
        expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: config.edge.throttle.rateLimit }),
        {
          ResourcePath: '/~1oauth2~1token',
          HttpMethod: 'POST',
          ThrottlingRateLimit: config.edge.tokenRelay.rateLimit,
          ThrottlingBurstLimit: config.edge.tokenRelay.burstLimit,
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
        },
      ]);
      expect(config.edge.tokenRelay.rateLimit).toBeLessThan(config.edge.throttle.rateLimit);
    });

    test('denies a flood on the token relay from a few addresses: a per-IP WAF limit counting only /oauth2/token', () => {
      const { rules } = tokenRelayGuards(edge);
      const rule = rules.find((r) => r.Name === 'TokenRelayPerIp')!;
      expect(rule.Statement.RateBasedStatement).toMatchObject({
        Limit: config.edge.tokenRelay.wafRateLimit,
        AggregateKeyType: 'IP',
        ScopeDownStatement: { ByteMatchStatement: { SearchString: '/oauth2/token', PositionalConstraint: 'CONTAINS' } },
      });
      expect(config.edge.tokenRelay.wafRateLimit).toBeLessThan(config.edge.wafRateLimit);
    });

    test('refuses encoded traversal on both web ACLs, the API and the web entrance', () => {
      const acls = Object.values(edge.findResources('AWS::WAFv2::WebACL') as Record<string, Resource>);
      expect(acls).toHaveLength(2);
      for (const acl of acls) expect((acl.Properties!.Rules as { Name: string }[])[0]!.Name).toBe('RefuseEncodedTraversal');
    });

    test('leaves every other method behind the JWT authorizer', () => {
      const methods = Object.values(edge.findResources('AWS::ApiGateway::Method')) as Resource[];
      const open = methods.filter((m) => m.Properties!.AuthorizationType !== 'CUSTOM');
      expect(open.map((m) => [m.Properties!.HttpMethod, m.Properties!.AuthorizationType])).toEqual([['POST', 'NONE']]);
      expect(methods.length).toBeGreaterThan(open.length);
    });

    test('writes the ALB access logs to the log bucket it is given, under web/', () => {
      expect(webBalancer.Properties!.LoadBalancerAttributes).toEqual(
        expect.arrayContaining([
          { Key: 'access_logs.s3.enabled', Value: 'true' },
          { Key: 'access_logs.s3.prefix', Value: 'web' },
        ]),
      );
    });
  });

  describe('with web.domain and an external OIDC issuer', () => {
    const input = ENVIRONMENTS.prod!;
    const config = parseEnvironment({
      ...input,
      edge: {
        ...input.edge,
        identity: {
          provider: 'oidc',
          issuers: ['https://login.example.com/tenant/v2.0'],
          jwksUri: 'https://login.example.com/tenant/discovery/v2.0/keys',
          audience: ['api://genai-gateway'],
        },
      },
      tenants: { ...input.tenants!, consumers: input.tenants!.consumers!.map((c, i) => ({ ...c, clientId: `client-${i}` })) },
      web: { ...input.web, domain: TEST_DOMAIN },
    });
    const { edge: stack } = edgeStage(config);
    const edge = Template.fromStack(stack);

    test('denies any other way to Langfuse and LiteLLM with an external issuer too', () => {
      expectOnlyTheApiWayIn(stack, edge);
    });

    test('has no token relay to throttle or rate-limit', () => {
      const { settings, rules } = tokenRelayGuards(edge);
      expect(settings.map((m) => `${m.ResourcePath} ${m.HttpMethod}`)).toEqual(['/* *']);
      expect(rules.map((r) => r.Name)).not.toContain('TokenRelayPerIp');
    });

    test("adds no token relay: the issuer's own token URL is already stable", () => {
      expect(stack.apiCustomUrl).toBe(`https://api.${BASE}/v1`);
      edge.resourcePropertiesCountIs('AWS::ApiGateway::Resource', { PathPart: 'oauth2' }, 0);
      expect(stack.tokenMethod).toBeUndefined();
      expect(Object.keys(edge.toJSON().Outputs as object)).not.toContain(STABLE_TOKEN_URL_OUTPUT);
      for (const method of Object.values(edge.findResources('AWS::ApiGateway::Method')) as Resource[])
        expect(method.Properties!.AuthorizationType).toBe('CUSTOM');
    });
  });

  describe('the whole dev stage with web.domain', () => {
    const stage = createStacks(testApp(), withDomain('dev'));

    test('the ALB logs to the data stack log bucket, whose policy lets ELB write under web/', () => {
      const edge = Template.fromStack(stage.edge);
      const [balancer] = Object.values(
        edge.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer', { Properties: { Type: 'application' } }),
      );
      expect(balancer!.Properties.LoadBalancerAttributes).toContainEqual({ Key: 'access_logs.s3.enabled', Value: 'true' });
      const policies = Object.values(Template.fromStack(stage.data).findResources('AWS::S3::BucketPolicy'));
      expect(JSON.stringify(policies)).toMatch(/\/web\/AWSLogs\//);
    });

    test('the admin functions (reconciler, rotation) join the group the internal load balancer admits; the charts get no internal Langfuse target group', () => {
      const platform = Template.fromStack(stage.platform);
      const vpcFunctions = Object.values(platform.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
        (f) => f.Properties!.VpcConfig,
      );
      expect(vpcFunctions.length).toBeGreaterThanOrEqual(1);
      const clientGroup = stage.platform.resolve(stage.edge.gateway.clientSecurityGroup.securityGroupId);
      for (const fn of vpcFunctions) expect(fn.Properties!.VpcConfig.SecurityGroupIds).toContainEqual(clientGroup);
      expect(stage.edge.langfuseTargetGroupArn).toBeUndefined();
      // No output of the edge's internal UI target group (GatewayUi...) reaches the charts.
      expect(JSON.stringify(platform.toJSON()).match(/GatewayUi[0-9A-F]{8}/g)).toBeNull();
    });
  });

  describe('dev with web.domain, checked like a deploy', () => {
    const config = withDomain('dev');
    /** The parts of the edge this feature adds. */
    const ours = /^Edge\/(Web|WebFirewall|ApiDomain|Zone|Api\/Default\/oauth2)\//;

    test('deletes everything the web entrance adds at destroy, and names none of it', () => {
      const { edge: stack } = edgeStage(config);
      const template = Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
      const ids = [stack.web!, stack.apiDomain!, stack.node.findChild('WebFirewall')]
        .flatMap((c) => c.node.findAll())
        .filter((c): c is CfnResource => CfnResource.isCfnResource(c))
        .map((c) => stack.getLogicalId(c));
      const added = ids.map((id) => template.Resources[id]!);
      expect(added.length).toBeGreaterThan(20);
      for (const r of added) {
        expect({ type: r.Type, deletion: r.DeletionPolicy ?? 'Delete', replace: r.UpdateReplacePolicy ?? 'Delete' }).toEqual({
          type: r.Type,
          deletion: 'Delete',
          replace: 'Delete',
        });
        // A record's name is free again once the stack deletes it; nothing else is named.
        if (r.Type !== 'AWS::Route53::RecordSet')
          expect({ type: r.Type, name: r.Properties?.Name }).toEqual({ type: r.Type, name: undefined });
        if (r.Type === 'AWS::Logs::LogGroup') expect(r.Properties!.LogGroupName).toBe('aws-waf-logs-genai-dev-web');
        if (r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer')
          expect(r.Properties!.LoadBalancerAttributes).toContainEqual({ Key: 'deletion_protection.enabled', Value: 'false' });
      }
    });

    test('meets the Control Tower proactive controls, with only the reasoned exceptions', () => {
      const { stage } = edgeStage(config);
      const report = checkControlTower(stage, { ephemeral: config.ephemeral });
      // Only the web entrance is checked here: the data stand-in is not the real thing, the rest of the edge has its own checks.
      expect(report.failures.filter((f) => ours.test(f.path))).toEqual([]);
    });

    test('has no cdk-nag finding on the web entrance, the API domain or the token relay left unacknowledged', () => {
      const app = testApp();
      edgeStage(config, app);
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      let message = '';
      try {
        app.synth();
      } catch (e) {
        message = (e as Error).message;
      }
      // Each finding is a block of lines: the rule, then the construct path.
      const blocks = message.split(/\n(?=\S)/).filter((b) => /\/Edge\/(Web|WebFirewall|ApiDomain|Zone|Api\/Default\/oauth2)\//.test(b));
      expect(blocks).toEqual([]);
    });
  });
});
