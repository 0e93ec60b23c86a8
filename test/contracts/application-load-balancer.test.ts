/**
 * Elastic Load Balancing, Application Load Balancer: the behaviours of the public web entrance we depend on, checked
 * against the edge stack of a dev overlay with a web domain (Cognito workforce pool, and an external OIDC issuer).
 *
 * Sources, read 2026-11-29 (restated in our own words):
 * - ELB user guide, docs.aws.amazon.com/elasticloadbalancing/latest/application/: listener-authenticate-users.html
 *   (older full text: github.com/awsdocs/elb-application-load-balancers-user-guide doc_source/
 *   listener-authenticate-users.md, commit 17c1c554), listener-verify-jwt.html, load-balancer-listeners.html
 *   ("WebSockets"), edit-load-balancer-attributes.html ("Connection idle timeout"), load-balancer-limits.html,
 *   describe-ssl-policies.md.
 * - AWS re:Post knowledge center, elb-configure-authentication-alb (IdP endpoints reached over IPv4, HTTPS egress).
 * - CloudFormation reference, AWS::ElasticLoadBalancingV2::ListenerRule AuthenticateCognitoConfig and
 *   AuthenticateOidcConfig (the fields an authenticate action takes).
 * - EKS user guide, github.com/awsdocs/amazon-eks-user-guide latest/ug/automode/auto-configure-alb.adoc (commit
 *   1eb6aa42), table "TargetGroupBinding"; AmazonEKSLoadBalancingPolicy (github.com/iann0036/iam-dataset
 *   aws/managedpolicies/AmazonEKSLoadBalancingPolicy.json, commit 051e188d).
 * - Network Load Balancer user guide, docs.aws.amazon.com/elasticloadbalancing/latest/network/
 *   edit-target-group-attributes.html "Client IP preservation" (read 2026-12-06): ip target groups over TCP or TLS
 *   have it off by default, and then targets see the load balancer's private address.
 * - Open WebUI, github.com/open-webui/open-webui backend/open_webui/main.py at commit 00059776, and
 *   github.com/open-webui/docs docs/enterprise/deployment/index.md and docs/troubleshooting/multi-replica.mdx at
 *   commit 1eea3847.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { LABELS } from '../../k8s/endpoints';
import { NetworkStack, SUBNETS } from '../../lib/network-stack';
import { OPEN_WEBUI_HEALTH_PATH, OPEN_WEBUI_PORT } from '../../lib/shared/web';
import { LOAD_BALANCER_CALLBACK_PATH } from '../../constructs/workforce-identity';
import { TEST_DOMAIN, edgeStage, withDomain } from '../support/web-domain';
import { allManifests, charts, type Manifest } from '../k8s/support/charts';
import { placeholderAwsValues } from '../../k8s/platform-charts';

type Resource = { Type: string; Properties: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const resources = (template: Template, type: string): Resource[] => Object.values(template.findResources(type)) as Resource[];
const BASE = TEST_DOMAIN.base;
const ENTRA = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000';

const cognito = edgeStage(
  withDomain('dev', { adminCidrs: ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24', '10.1.0.0/16', '10.2.0.0/16'] }),
);
const oidc = edgeStage(
  withDomain('dev', {
    sso: {
      provider: 'oidc',
      issuer: `${ENTRA}/v2.0`,
      clientId: '11111111-1111-1111-1111-111111111111',
      clientSecretName: 'corp/entra/genai-web',
      authorizationEndpoint: `${ENTRA}/oauth2/v2.0/authorize`,
      tokenEndpoint: `${ENTRA}/oauth2/v2.0/token`,
      userInfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo',
      adminClient: { clientId: '22222222-2222-2222-2222-222222222222', clientSecretName: 'corp/entra/genai-admin-gate' },
      langfuseClient: { clientId: '33333333-3333-3333-3333-333333333333', clientSecretName: 'corp/entra/genai-langfuse' },
    },
  }),
);
const edge = Template.fromStack(cognito.edge);
const edgeOidc = Template.fromStack(oidc.edge);

const webBalancerId = (template: Template): string =>
  Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).find(
    ([, r]) => r.Properties.Type === 'application',
  )![0];
const listenersOf = (template: Template): Resource[] =>
  resources(template, 'AWS::ElasticLoadBalancingV2::Listener').filter((l) => l.Properties.LoadBalancerArn.Ref === webBalancerId(template));
const authenticating = (template: Template): Resource[] =>
  resources(template, 'AWS::ElasticLoadBalancingV2::ListenerRule').filter((r) =>
    (r.Properties.Actions as { Type: string }[]).some((a) => a.Type.startsWith('authenticate-')),
  );

describe('Application Load Balancer contract (dev with a web domain)', () => {
  test('authenticate actions work on HTTPS listeners only, so every sign-in rule hangs off the 443 listener', () => {
    // Source: listener-authenticate-users ("Configure user authentication"): authenticate-cognito and
    // authenticate-oidc are supported only with HTTPS listeners.
    for (const template of [edge, edgeOidc]) {
      const https = Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::Listener')).find(
        ([, l]) => l.Properties.Protocol === 'HTTPS',
      )![0];
      const rules = authenticating(template);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) expect(rule.Properties.ListenerArn).toEqual({ Ref: https });
      for (const listener of listenersOf(template).filter((l) => l.Properties.Protocol === 'HTTP'))
        expect(listener.Properties.DefaultActions.map((a: { Type: string }) => a.Type)).toEqual(['redirect']);
    }
  });

  test('the identity provider sends the browser back to https://<host>/oauth2/idpresponse, which the admin client allows for each admin host', () => {
    // Source: listener-authenticate-users ("Prepare to use an OIDC-compliant IdP" / "... Amazon Cognito"): allow
    // https://<DNS or CNAME>/oauth2/idpresponse as redirect (callback) URL. The client also needs a secret and the
    // code grant.
    expect(LOAD_BALANCER_CALLBACK_PATH).toBe('/oauth2/idpresponse');
    const [rule] = authenticating(edge);
    const clientRef = rule!.Properties.Actions[0].AuthenticateCognitoConfig.UserPoolClientId.Ref as string;
    const client = edge.findResources('AWS::Cognito::UserPoolClient')[clientRef]!;
    expect(client.Properties.CallbackURLs).toEqual(
      expect.arrayContaining([`https://litellm.${BASE}/oauth2/idpresponse`, `https://langfuse.${BASE}/oauth2/idpresponse`]),
    );
    expect(client.Properties).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['code'] });
  });

  test('the load balancer calls the IdP token and user info endpoints itself, over HTTPS on IPv4, so its group allows 443 out', () => {
    // Source: listener-authenticate-users: the load balancer must reach the token and user info endpoints; knowledge
    // center elb-configure-authentication-alb: IPv4 only, an outbound 443 rule, else HTTP 500 after sign-in.
    for (const template of [edge, edgeOidc]) {
      const balancer = template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')[webBalancerId(template)]!;
      const groupId = balancer.Properties.SecurityGroups[0]['Fn::GetAtt'][0] as string;
      const group = template.findResources('AWS::EC2::SecurityGroup')[groupId]!;
      expect(group.Properties.SecurityGroupEgress).toContainEqual(
        expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      );
    }
  });

  test('authenticate-oidc holds the client secret in the rule, so ours is only a Secrets Manager dynamic reference', () => {
    // Source: CloudFormation AuthenticateOidcConfig: ClientSecret is a property of the rule (required unless an
    // existing secret is reused). A literal would sit in the template; a {{resolve:secretsmanager:...}} reference is
    // resolved by CloudFormation at deploy time.
    const rules = authenticating(edgeOidc);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const config = rule.Properties.Actions[0].AuthenticateOidcConfig;
      expect(config.ClientSecret).toBe('{{resolve:secretsmanager:corp/entra/genai-admin-gate:SecretString:::}}');
      expect(config.ClientId).toBe('22222222-2222-2222-2222-222222222222');
    }
  });

  test('an authenticate action has no claim condition: the load balancer cannot check groups, so the admin client is gated at the IdP', () => {
    // Source: CloudFormation AuthenticateCognitoConfig / AuthenticateOidcConfig list every field an authenticate
    // action takes (endpoints or pool, client, scope, session cookie and timeout, extra request parameters,
    // on-unauthenticated behaviour): none selects users by claim. listener-verify-jwt checks claims of a bearer
    // JWT a machine client sends, not a browser session. So admin-only sign-in is the identity provider's job: a
    // pre-token-generation gate on the Cognito pool (the workforce identity), an admin-only registration in Entra ID.
    const allowed = {
      'authenticate-cognito': [
        'UserPoolArn',
        'UserPoolClientId',
        'UserPoolDomain',
        'Scope',
        'SessionCookieName',
        'SessionTimeout',
        'AuthenticationRequestExtraParams',
        'OnUnauthenticatedRequest',
      ],
      'authenticate-oidc': [
        'Issuer',
        'AuthorizationEndpoint',
        'TokenEndpoint',
        'UserInfoEndpoint',
        'ClientId',
        'ClientSecret',
        'Scope',
        'SessionCookieName',
        'SessionTimeout',
        'AuthenticationRequestExtraParams',
        'OnUnauthenticatedRequest',
        'UseExistingClientSecret',
      ],
    } as const;
    for (const template of [edge, edgeOidc]) {
      for (const rule of authenticating(template)) {
        const [action] = rule.Properties.Actions as { Type: keyof typeof allowed; [k: string]: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
        const config = action!.AuthenticateCognitoConfig ?? action!.AuthenticateOidcConfig;
        for (const key of Object.keys(config)) expect(allowed[action!.Type]).toContain(key);
      }
    }
    const [pool] = resources(edge, 'AWS::Cognito::UserPool').filter((p) => p.Properties.LambdaConfig !== undefined);
    expect(JSON.stringify(pool!.Properties.LambdaConfig)).toMatch(/PreTokenGeneration/);
  });

  test('a sign-in lasts 7 days unless the action says otherwise; ours lasts a working day and redirects browsers without one', () => {
    // Source: listener-authenticate-users: SessionTimeout defaults to 7 days; OnUnauthenticatedRequest
    // `authenticate` (the default) redirects to the IdP's authorization endpoint, `deny` answers 401.
    for (const template of [edge, edgeOidc]) {
      for (const rule of authenticating(template)) {
        const config = rule.Properties.Actions[0].AuthenticateCognitoConfig ?? rule.Properties.Actions[0].AuthenticateOidcConfig;
        expect(config).toMatchObject({ SessionTimeout: 8 * 3600, OnUnauthenticatedRequest: 'authenticate' });
      }
    }
  });

  test('WebSockets pass through natively; an idle connection closes after the idle timeout (60 s by default), ours 5 minutes', () => {
    // Source: load-balancer-listeners ("WebSockets"): an HTTP/1.1 connection upgrades to WebSocket with no extra
    // setting; edit-load-balancer-attributes ("Connection idle timeout"): default 60 s, applies to idle client and
    // target connections. Open WebUI streams replies over socket.io; a reasoning model may be silent for minutes.
    const balancer = edge.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')[webBalancerId(edge)]!;
    expect(balancer.Properties.LoadBalancerAttributes).toContainEqual({ Key: 'idle_timeout.timeout_seconds', Value: '300' });
    expect(
      listenersOf(edge)
        .map((l) => l.Properties.Protocol)
        .sort(),
    ).toEqual(['HTTP', 'HTTPS']);
  });

  test('a rule takes at most five condition values, host header included, so a long allowlist spreads over rules', () => {
    // Source: load-balancer-limits ("Rules"): condition values per rule 5.
    const rules = resources(edge, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    for (const rule of rules) {
      const values = (
        rule.Properties.Conditions as { HostHeaderConfig?: { Values: string[] }; SourceIpConfig?: { Values: string[] } }[]
      ).reduce((n, c) => n + (c.HostHeaderConfig?.Values.length ?? 0) + (c.SourceIpConfig?.Values.length ?? 0), 0);
      expect(values).toBeLessThanOrEqual(5);
    }
    const sources = rules
      .flatMap((r) => r.Properties.Conditions)
      .flatMap((c: { SourceIpConfig?: { Values: string[] } }) => c.SourceIpConfig?.Values ?? []);
    expect(new Set(sources).size).toBe(5);
  });

  test('a target group belongs to one load balancer at most, so the ALB has target groups of its own', () => {
    // Source: load-balancer-limits ("Target groups"): load balancers per target group 1.
    const groups = Object.keys(edge.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    const arns = cognito.edge.webTargetGroupArns!;
    const own = Object.values(arns).map((arn) => cognito.edge.resolve(arn).Ref as string);
    // With a domain the internal NLB keeps only its LiteLLM group (no internal Langfuse listener).
    expect(cognito.edge.langfuseTargetGroupArn).toBeUndefined();
    const nlb = [cognito.edge.resolve(cognito.edge.litellmTargetGroupArn).Ref as string];
    expect(new Set([...own, ...nlb]).size).toBe(4);
    expect(groups.sort()).toEqual([...own, ...nlb].sort());
  });

  test('Auto Mode binds pods to ALB target groups too (eks.amazonaws.com/v1 TargetGroupBinding, ip targets), and may register them', () => {
    // Source: auto-configure-alb.adoc (commit 1eb6aa42), "TargetGroupBinding": Auto Mode serves the binding as
    // eks.amazonaws.com/v1 with targetType required, for ALB target groups as for NLB ones. AmazonEKSLoadBalancingPolicy
    // allows RegisterTargets on targetgroup/*/* (either load balancer type); up to v4 only where the group's
    // eks:eks-cluster-name tag equals the cluster's name.
    for (const arn of Object.values(cognito.edge.webTargetGroupArns!)) {
      const group = edge.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')[cognito.edge.resolve(arn).Ref as string]!;
      expect(group.Properties).toMatchObject({ TargetType: 'ip', Protocol: 'HTTP' });
      expect(group.Properties.Tags).toContainEqual({ Key: 'eks:eks-cluster-name', Value: 'genai-dev' });
    }
  });

  test("the target group checks Open WebUI's /health, which answers 200 while the server runs without a database call", () => {
    // Source: open-webui main.py (commit 00059776): GET /health returns {"status": true}; /ready and /health/db touch
    // the database. docs/enterprise/deployment/index.md names /health for load balancer health checks;
    // docs/troubleshooting/multi-replica.mdx recommends session affinity for replicas (we set a 1-hour cookie).
    expect(OPEN_WEBUI_HEALTH_PATH).toBe('/health');
    const arn = cognito.edge.webTargetGroupArns!.openWebUi;
    const group = edge.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')[cognito.edge.resolve(arn).Ref as string]!;
    expect(group.Properties).toMatchObject({ Port: OPEN_WEBUI_PORT, HealthCheckPath: '/health', Matcher: { HttpCode: '200' } });
    expect(group.Properties.TargetGroupAttributes).toContainEqual({ Key: 'stickiness.type', Value: 'lb_cookie' });
  });

  test('CloudFormation gives an HTTPS listener ELBSecurityPolicy-2016-08 (TLS 1.0 and up) unless told otherwise; ours is TLS 1.2+', () => {
    // Source: describe-ssl-policies: the default policy is ELBSecurityPolicy-2016-08 for listeners made by the CLI,
    // CloudFormation or CDK; the console's default is ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 (TLS 1.2 and 1.3).
    const [https] = listenersOf(edge).filter((l) => l.Properties.Protocol === 'HTTPS');
    expect(https!.Properties.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
  });
});

describe('Application Load Balancer contract: how it reaches the pods (dev with a web domain)', () => {
  const config = withDomain('dev');
  const { stage, edge: stack } = edgeStage(config);
  const template = Template.fromStack(stack);
  const ipv4 = (address: string): number => address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const within = (inner: string, outer: string): boolean => {
    const [innerAddress, innerBits] = inner.split('/');
    const [outerAddress, outerBits] = outer.split('/');
    const size = 2 ** (32 - Number(outerBits));
    const start = Math.floor(ipv4(outerAddress!) / size) * size;
    return Number(innerBits) >= Number(outerBits) && ipv4(innerAddress!) >= start && ipv4(innerAddress!) < start + size;
  };

  test("it forwards requests and health checks from its nodes' private addresses in its own subnets, which the pods' policies admit exactly", () => {
    // Source: AWS re:Post knowledge center elb-find-load-balancer-IP (repost.aws/knowledge-center/elb-find-load-balancer-IP),
    // and the ELB user guide, application-load-balancers.html "Subnets for your load balancer", both read 2026-11-29:
    // the load balancer has a node in each subnet it is given, and Application Load Balancer nodes send what they
    // forward from the private addresses of their network interfaces (only a Network Load Balancer may keep the
    // client's). With ip targets the pods therefore see addresses of our public subnets, never the client's.
    const network = stage.node.findChild('Network') as NetworkStack;
    const cidrsOf = (group: string) => network.vpc.selectSubnets({ subnetGroupName: group }).subnets.map((s) => s.ipv4CidrBlock);
    const publicSubnets = network.vpc.selectSubnets({ subnetGroupName: SUBNETS.public }).subnets;
    const [balancer] = resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter((r) => r.Properties.Type === 'application');
    expect(balancer!.Properties.Subnets).toEqual(publicSubnets.map((s) => stack.resolve(s.subnetId)));
    for (const subnet of publicSubnets)
      expect([subnet.ipv4CidrBlock, within(subnet.ipv4CidrBlock, config.network.cidr)]).toEqual([subnet.ipv4CidrBlock, true]);

    // The charts as the platform stack builds them: the network stack's subnet ranges.
    const subnetCidrs = { public: cidrsOf(SUBNETS.public), workloads: cidrsOf(SUBNETS.workloads), data: cidrsOf(SUBNETS.data) };
    const aws = { ...placeholderAwsValues(config), subnetCidrs };
    const built = charts(config, aws);
    const manifests: Manifest[] = [...allManifests(config, aws), ...(Testing.synth(built.openWebUi!) as Manifest[])];
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const admittedFrom = (namespace: string, labels: Readonly<Record<string, string>>, port: number): string[] =>
      policies
        .filter(
          (p) =>
            p.metadata.namespace === namespace &&
            Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
            Object.keys(p.spec.podSelector.matchLabels ?? {}).length > 0,
        )
        .flatMap((p) =>
          (p.spec.ingress ?? [])
            .filter((rule: Manifest) => rule.ports.some((p: Manifest) => p.protocol === 'TCP' && p.port === port))
            .flatMap((rule: Manifest) => rule.from.flatMap((peer: Manifest) => (peer.ipBlock ? [peer.ipBlock.cidr] : []))),
        );
    const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
    const portOf = (arn: string): number => groups[stack.resolve(arn).Ref as string]!.Properties.Port as number;
    const arns = stack.webTargetGroupArns!;
    for (const [namespace, labels, arn] of [
      ['litellm', LABELS.litellmGateway, arns.litellm],
      ['langfuse', LABELS.langfuseWeb, arns.langfuse],
      ['open-webui', LABELS.openWebUi, arns.openWebUi],
    ] as const) {
      const admitted = admittedFrom(namespace, labels, portOf(arn));
      expect(admitted).toEqual(expect.arrayContaining(subnetCidrs.public));
      // Never the VPC's whole range, and Langfuse and Open WebUI never from the internal load balancer's subnets.
      expect(admitted).not.toContain(config.network.cidr);
      if (namespace !== 'litellm') expect(admitted).toEqual(subnetCidrs.public);
    }
  });
});

describe('Network Load Balancer contract: how the internal load balancer reaches the pods (dev with a web domain)', () => {
  const { edge } = edgeStage(withDomain('dev'));
  const template = Template.fromStack(edge);

  test('its ip target groups over TCP keep client IP preservation off (the default), so pods see its addresses in the workload subnets', () => {
    // Source: NLB user guide edit-target-group-attributes.html "Client IP preservation" (read 2026-12-06): off by
    // default for ip target groups over TCP or TLS, and then the source is the load balancer's private address. API
    // Gateway's VPC link and the tenants reconciler both come through it, so LiteLLM admits the workload subnets only.
    const nlbGroups = resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup').filter((g) => g.Properties.Protocol === 'TCP');
    expect(nlbGroups.length).toBeGreaterThan(0);
    for (const group of nlbGroups) {
      expect(group.Properties.TargetType).toBe('ip');
      const attributes = (group.Properties.TargetGroupAttributes ?? []) as { Key: string; Value: string }[];
      expect(attributes.find((a) => a.Key === 'preserve_client_ip.enabled')?.Value ?? 'false').toBe('false');
    }
    const [nlb] = resources(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').filter((r) => r.Properties.Type === 'network');
    expect(nlb!.Properties.Scheme).toBe('internal');
  });
});
