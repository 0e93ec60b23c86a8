import { SecretValue, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { WebAuthentication } from '../../constructs/web-authentication';
import { testApp } from '../support/app';
import { WebLoadBalancer, type WebLoadBalancerProps } from '../../constructs/web-load-balancer';
import { webHostnames } from '../../lib/shared/web';

type Resource = { Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const HOSTS = webHostnames('dev.genai.example.com');

/** A workforce pool with a domain and a code-flow client, as the workforce identity makes them. */
function cognitoSignIn(stack: Stack): WebAuthentication {
  const userPool = new cognito.UserPool(stack, 'Workforce');
  const domain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: 'genai-test-workforce' } });
  const client = userPool.addClient('AdminGate', {
    generateSecret: true,
    oAuth: { flows: { authorizationCodeGrant: true }, callbackUrls: [`https://${HOSTS.litellm}/oauth2/idpresponse`] },
  });
  return { kind: 'cognito', userPool, client, domain, scope: 'openid email' };
}

function oidcSignIn(clientSecret: SecretValue = SecretValue.secretsManager('genai-gateway/test/sso/adminGate')): WebAuthentication {
  const issuer = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0';
  return {
    kind: 'oidc',
    issuer,
    authorizationEndpoint: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token',
    userInfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo',
    clientId: 'genai-admin-gate',
    clientSecret,
    scope: 'openid email profile',
  };
}

function build(
  overrides: Partial<WebLoadBalancerProps> = {},
  signIn: (stack: Stack) => WebAuthentication = cognitoSignIn,
): { stack: Stack; template: Template; web: WebLoadBalancer } {
  const stack = new Stack(testApp(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    zoneName: 'example.com',
  });
  const web = new WebLoadBalancer(stack, 'Web', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PUBLIC },
    zone,
    hostnames: HOSTS,
    openWebUi: { port: 8080, healthCheckPath: '/health' },
    litellm: { port: 4000, healthCheckPath: '/health/liveliness' },
    langfuse: { port: 3000, healthCheckPath: '/api/public/health' },
    authentication: signIn(stack),
    clusterSecurityGroupId: 'sg-0123456789abcdef0',
    clusterName: 'genai-test',
    deletionProtection: false,
    ...overrides,
  });
  return { stack, template: Template.fromStack(stack), web };
}

const rules = (template: Template): Resource[] =>
  Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')) as Resource[];
/** Rules that pass a request on to pods: the blocked LiteLLM /metrics rule answers 404 itself and is not one. */
const forwarding = (template: Template): Resource[] =>
  rules(template).filter((r) => r.Properties.Actions.some((a: { Type: string }) => a.Type === 'forward'));
const hostOf = (rule: Resource): string =>
  rule.Properties.Conditions.find((c: { Field: string }) => c.Field === 'host-header').HostHeaderConfig.Values[0];
const targetGroupId = (template: Template, port: number): string =>
  Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).find(([, r]) => r.Properties.Port === port)![0];

describe('WebLoadBalancer', () => {
  describe('with a Cognito workforce pool and no allowlist', () => {
    const { template } = build();

    test('faces the internet from the public subnets, protected from deletion only when asked, dropping invalid headers', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Type: 'application',
        Scheme: 'internet-facing',
        Subnets: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^VpcPublicSubnet') }]),
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'deletion_protection.enabled', Value: 'false' },
          { Key: 'idle_timeout.timeout_seconds', Value: '300' },
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        ]),
      });
    });

    test('serves HTTPS with a TLS 1.2+ policy and the certificate, answers unknown hosts 404, and redirects HTTP to HTTPS', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
        Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('^WebCertificate') } }],
        DefaultActions: [
          { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } },
        ],
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
      });
    });

    test('certifies the three names, validated by DNS in the configured zone', () => {
      template.hasResourceProperties('AWS::CertificateManager::Certificate', {
        DomainName: HOSTS.chat,
        SubjectAlternativeNames: [HOSTS.litellm, HOSTS.langfuse],
        ValidationMethod: 'DNS',
        DomainValidationOptions: [
          { DomainName: HOSTS.chat, HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
          { DomainName: HOSTS.litellm, HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
          { DomainName: HOSTS.langfuse, HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
        ],
      });
    });

    test("denies LiteLLM's /metrics (per-team spend) through the web entrance, before any rule that would sign in and forward", () => {
      const litellm = rules(template).filter((r) => hostOf(r) === HOSTS.litellm);
      const blocked = litellm.filter((r) => !r.Properties.Actions.some((a: { Type: string }) => a.Type === 'forward'));
      expect(blocked).toHaveLength(1);
      expect(blocked[0]!.Properties.Conditions).toContainEqual({ Field: 'path-pattern', PathPatternConfig: { Values: ['/metrics*'] } });
      expect(blocked[0]!.Properties.Actions).toEqual([
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } },
      ]);
      const forwards = litellm.filter((r) => r !== blocked[0]).map((r) => r.Properties.Priority as number);
      expect(forwards.length).toBeGreaterThan(0);
      for (const priority of forwards) expect(blocked[0]!.Properties.Priority).toBeLessThan(priority);
    });

    test('forwards chat to Open WebUI without a sign-in at the load balancer', () => {
      const chat = rules(template).filter((r) => hostOf(r) === HOSTS.chat);
      expect(chat).toHaveLength(1);
      expect(chat[0]!.Properties.Conditions).toHaveLength(1);
      expect(chat[0]!.Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: targetGroupId(template, 8080) } }]);
    });

    test('signs admins in through Cognito before LiteLLM and Langfuse, redirecting browsers without a session', () => {
      for (const [host, port] of [
        [HOSTS.litellm, 4000],
        [HOSTS.langfuse, 3000],
      ] as const) {
        const [rule, ...others] = forwarding(template).filter((r) => hostOf(r) === host);
        expect(others).toEqual([]);
        expect(rule!.Properties.Conditions).toHaveLength(1);
        expect(rule!.Properties.Actions).toEqual([
          {
            Type: 'authenticate-cognito',
            Order: 1,
            AuthenticateCognitoConfig: {
              UserPoolArn: { 'Fn::GetAtt': [expect.stringMatching(/^Workforce[0-9A-F]{8}$/), 'Arn'] },
              UserPoolClientId: { Ref: expect.stringMatching(/^WorkforceAdminGate/) },
              UserPoolDomain: { Ref: expect.stringMatching(/^WorkforceDomain/) },
              Scope: 'openid email',
              OnUnauthenticatedRequest: 'authenticate',
              SessionTimeout: 28800,
            },
          },
          { Type: 'forward', Order: 2, TargetGroupArn: { Ref: targetGroupId(template, port) } },
        ]);
      }
    });

    test('lets the load balancer call the identity provider over HTTPS and reach the pods on their three ports only', () => {
      const [group] = Object.values(
        template.findResources('AWS::EC2::SecurityGroup', {
          Properties: { GroupDescription: Match.stringLikeRegexp('^Web load balancer') },
        }),
      );
      expect(
        group!.Properties.SecurityGroupIngress.map((r: { FromPort: number; CidrIp: string }) => [r.FromPort, r.CidrIp]).sort(),
      ).toEqual([
        [443, '0.0.0.0/0'],
        [80, '0.0.0.0/0'],
      ]);
      const egress = group!.Properties.SecurityGroupEgress.map((r: { FromPort: number; CidrIp: unknown }) => [r.FromPort, r.CidrIp]);
      expect(egress).toContainEqual([443, '0.0.0.0/0']);
      expect(egress.map(([port]: [number]) => port).sort()).toEqual([3000, 4000, 443, 8080]);
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')) as Resource[];
      expect(ingress.map((r) => [r.Properties.GroupId, r.Properties.FromPort, r.Properties.ToPort]).sort()).toEqual([
        ['sg-0123456789abcdef0', 3000, 3000],
        ['sg-0123456789abcdef0', 4000, 4000],
        ['sg-0123456789abcdef0', 8080, 8080],
      ]);
    });

    test("has an IP target group per UI on its port and health route, each tagged with the cluster's name", () => {
      for (const [port, path] of [
        [8080, '/health'],
        [4000, '/health/liveliness'],
        [3000, '/api/public/health'],
      ] as const) {
        template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
          Port: port,
          Protocol: 'HTTP',
          TargetType: 'ip',
          HealthCheckPath: path,
          Matcher: { HttpCode: '200' },
          Tags: [{ Key: 'eks:eks-cluster-name', Value: 'genai-test' }],
        });
      }
      const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
      expect(lb!.Properties.Tags).toBeUndefined();
    });

    test('pins an Open WebUI session to one pod with a load balancer cookie, and only Open WebUI', () => {
      const groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as Resource[];
      const sticky = groups.filter((g) =>
        (g.Properties.TargetGroupAttributes as { Key: string; Value: string }[]).some(
          (a) => a.Key === 'stickiness.enabled' && a.Value === 'true',
        ),
      );
      expect(sticky.map((g) => g.Properties.Port)).toEqual([8080]);
      expect(sticky[0]!.Properties.TargetGroupAttributes).toEqual(
        expect.arrayContaining([
          { Key: 'stickiness.type', Value: 'lb_cookie' },
          { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
        ]),
      );
    });

    test('publishes an alias A record for each name in the zone, and no AAAA', () => {
      const records = Object.values(template.findResources('AWS::Route53::RecordSet')) as Resource[];
      expect(records.map((r) => [r.Properties.Name, r.Properties.Type, r.Properties.HostedZoneId]).sort()).toEqual(
        [HOSTS.chat, HOSTS.langfuse, HOSTS.litellm].map((name) => [`${name}.`, 'A', 'Z0123456789ABCDEFGHIJ']),
      );
      for (const record of records) expect(record.Properties.AliasTarget.DNSName).toBeDefined();
    });

    test('writes no access logs without a bucket', () => {
      const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
      expect(JSON.stringify(lb!.Properties.LoadBalancerAttributes)).not.toContain('access_logs');
    });
  });

  describe('with an admin allowlist', () => {
    const cidrs = ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24', '10.10.0.0/16', '10.20.0.0/16'];
    const { template } = build({ adminCidrs: cidrs });

    test('admits the admin hostnames only from the listed ranges, four per rule, and leaves chat open', () => {
      for (const host of [HOSTS.litellm, HOSTS.langfuse]) {
        const hostRules = forwarding(template).filter((r) => hostOf(r) === host);
        const sources = hostRules.map(
          (r) => r.Properties.Conditions.find((c: { Field: string }) => c.Field === 'source-ip').SourceIpConfig.Values as string[],
        );
        expect(sources).toEqual([cidrs.slice(0, 4), cidrs.slice(4)]);
        for (const rule of hostRules) expect(rule.Properties.Actions[0].Type).toBe('authenticate-cognito');
      }
      const [chat] = rules(template).filter((r) => hostOf(r) === HOSTS.chat);
      expect(chat!.Properties.Conditions).toHaveLength(1);
      const priorities = rules(template).map((r) => r.Properties.Priority as number);
      expect(new Set(priorities).size).toBe(priorities.length);
    });
  });

  describe('with an external OIDC provider', () => {
    test('signs admins in with authenticate-oidc, the client secret only as a Secrets Manager reference', () => {
      const { template } = build({}, () => oidcSignIn());
      const [rule] = forwarding(template).filter((r) => hostOf(r) === HOSTS.litellm);
      expect(rule!.Properties.Actions[0]).toEqual({
        Type: 'authenticate-oidc',
        Order: 1,
        AuthenticateOidcConfig: {
          Issuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
          AuthorizationEndpoint: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/authorize',
          TokenEndpoint: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token',
          UserInfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo',
          ClientId: 'genai-admin-gate',
          ClientSecret: '{{resolve:secretsmanager:genai-gateway/test/sso/adminGate:SecretString:::}}',
          Scope: 'openid email profile',
          OnUnauthenticatedRequest: 'authenticate',
          SessionTimeout: 28800,
        },
      });
    });

    test('rejects a literal client secret before building anything', () => {
      expect(() => build({}, () => oidcSignIn(SecretValue.unsafePlainText('s3cr3t')))).toThrow(
        'authentication.clientSecret: is not a Secrets Manager reference (use SecretValue.secretsManager, never a literal)',
      );
    });
  });

  test('writes access logs to the given bucket under its prefix', () => {
    const stack = new Stack(testApp(), 'Logs', { env: { account: '111111111111', region: 'us-east-1' } });
    const bucket = new s3.Bucket(stack, 'AccessLogs', { encryption: s3.BucketEncryption.S3_MANAGED });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      zoneName: 'example.com',
    });
    new WebLoadBalancer(stack, 'Web', {
      vpc,
      subnets: { subnetType: ec2.SubnetType.PUBLIC },
      zone,
      hostnames: HOSTS,
      openWebUi: { port: 8080, healthCheckPath: '/health' },
      litellm: { port: 4000, healthCheckPath: '/health/liveliness' },
      langfuse: { port: 3000, healthCheckPath: '/api/public/health' },
      authentication: cognitoSignIn(stack),
      clusterSecurityGroupId: 'sg-0123456789abcdef0',
      clusterName: 'genai-test',
      deletionProtection: true,
      accessLogs: { bucket, prefix: 'web' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: Match.stringLikeRegexp('^AccessLogs') } },
        { Key: 'access_logs.s3.prefix', Value: 'web' },
      ]),
    });
  });

  test('rejects a hostname outside the zone before building anything', () => {
    expect(() => build({ hostnames: { ...HOSTS, chat: 'chat.example.org' } })).toThrow(
      'hostnames: "chat.example.org" is not in zone example.com (the certificate is validated and the alias written there)',
    );
  });

  test('exposes the https URL of each UI', () => {
    expect(WebLoadBalancer.urls(HOSTS)).toEqual({
      chat: 'https://chat.dev.genai.example.com',
      litellm: 'https://litellm.dev.genai.example.com',
      langfuse: 'https://langfuse.dev.genai.example.com',
    });
  });
});
