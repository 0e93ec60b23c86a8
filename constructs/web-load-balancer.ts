import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2Actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { WebHostnames } from '../lib/shared/web';
import { targetGroupOwnerTag } from './gateway-load-balancer';
import type { WebAuthentication } from './web-authentication';

/** One upstream behind the load balancer: the pods' port and their health route. */
export interface WebUpstream {
  readonly port: number;
  readonly healthCheckPath: string;
}

export interface WebLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  /** Public subnets: the load balancer faces the internet. */
  readonly subnets: ec2.SubnetSelection;
  /** The public hosted zone the names live in; the certificate is validated there and the aliases written there. */
  readonly zone: route53.IHostedZone;
  /** chat., litellm. and langfuse. under the environment's base name (api. is the API domain's). */
  readonly hostnames: Pick<WebHostnames, 'chat' | 'litellm' | 'langfuse'>;
  readonly openWebUi: WebUpstream;
  readonly litellm: WebUpstream;
  readonly langfuse: WebUpstream;
  /** How the admin hostnames sign a person in before forwarding (the workforce identity provider). */
  readonly authentication: WebAuthentication;
  /**
   * Source ranges allowed on the admin hostnames; requests from elsewhere get the 404 of an unknown host.
   * @default - any source, after sign-in
   */
  readonly adminCidrs?: readonly string[];
  /** Security group the cluster's pods carry; the load balancer may reach them on the three ports only. */
  readonly clusterSecurityGroupId: string;
  /** EKS Auto Mode cluster whose pods register in the target groups (TargetGroupBinding). */
  readonly clusterName: string;
  readonly deletionProtection: boolean;
  /**
   * Where the load balancer writes its access logs (an SSE-S3 bucket: ELB cannot write with a KMS key).
   * @default - no access logs
   */
  readonly accessLogs?: { readonly bucket: s3.IBucket; readonly prefix: string };
}

/**
 * ALB rules take at most five condition values, host header included (ELB quotas, "Condition values per rule"),
 * so an allowlist longer than four ranges is spread over several rules.
 */
const SOURCE_RANGES_PER_RULE = 4;

/**
 * How long an admin's sign-in at the load balancer lasts before the identity provider is asked again (the ALB's default
 * is 7 days). A working day: someone removed from the admin group keeps the admin hostnames at most this long.
 */
export const ADMIN_SESSION_TIMEOUT = Duration.hours(8);

/**
 * Idle time before the load balancer closes a connection (default 60 s). A reasoning model can think for minutes before
 * its first token; 5 minutes is also what API Gateway allows an idle stream, so both entrances behave alike.
 */
export const WEB_IDLE_TIMEOUT = Duration.minutes(5);

/** Evaluated before the LiteLLM UI's rules (100 and up). */
const LITELLM_METRICS_BLOCK_PRIORITY = 99;

/**
 * The employees' one HTTPS entrance: an internet-facing Application Load Balancer that CDK owns (so the nightly destroy
 * removes it), with an ACM certificate for chat., litellm. and langfuse.<base>. Open WebUI is open to every employee (it
 * signs people in itself); the two admin UIs are first signed in at the load balancer by the workforce identity
 * provider, optionally only from allowlisted ranges. Any other host gets a 404. Pods join the three IP target groups
 * through TargetGroupBindings.
 */
export class WebLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  readonly certificate: acm.Certificate;
  readonly httpsListener: elbv2.ApplicationListener;
  readonly targetGroups: {
    readonly openWebUi: elbv2.ApplicationTargetGroup;
    readonly litellm: elbv2.ApplicationTargetGroup;
    readonly langfuse: elbv2.ApplicationTargetGroup;
  };

  constructor(scope: Construct, id: string, props: WebLoadBalancerProps) {
    super(scope, id);
    const adminCidrs = props.adminCidrs ?? [];
    checkHostnames(props.hostnames, props.zone);
    checkAuthentication(this, props.authentication);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Web load balancer: HTTPS (and HTTP, redirected) from the internet',
      allowAllOutbound: false,
    });
    const upstreams = [
      ['OpenWebUi', props.openWebUi, 'Open WebUI pods'],
      ['LiteLLM', props.litellm, 'LiteLLM UI pods'],
      ['Langfuse', props.langfuse, 'Langfuse web pods'],
    ] as const;
    for (const [name, upstream, what] of upstreams) {
      this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(upstream.port), what);
      // Pods carry the cluster security group; Auto Mode opens no port on it for a TargetGroupBinding of ours.
      new ec2.CfnSecurityGroupIngress(this, `To${name}`, {
        groupId: props.clusterSecurityGroupId,
        sourceSecurityGroupId: this.securityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: upstream.port,
        toPort: upstream.port,
        description: `Web load balancer to the ${what}`,
      });
    }

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: true,
      securityGroup: this.securityGroup,
      deletionProtection: props.deletionProtection,
      idleTimeout: WEB_IDLE_TIMEOUT,
      // Malformed header names never reach the pods (Control Tower CT.ELASTICLOADBALANCING.PR.4).
      dropInvalidHeaderFields: true,
      http2Enabled: true,
    });
    if (props.accessLogs) this.loadBalancer.logAccessLogs(props.accessLogs.bucket, props.accessLogs.prefix);

    const names = [props.hostnames.chat, props.hostnames.litellm, props.hostnames.langfuse];
    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.hostnames.chat,
      subjectAlternativeNames: names.slice(1),
      validation: acm.CertificateValidation.fromDns(props.zone),
    });

    this.targetGroups = {
      openWebUi: this.targetGroup('OpenWebUiTargets', props, props.openWebUi, {
        // Open WebUI's multi-replica guide asks for cookie affinity: Redis shares the state, affinity saves the
        // socket.io session handoffs (and keeps a long-polling fallback on one pod).
        stickiness: Duration.hours(1),
        // A reply still streaming from a pod that is being replaced gets time to finish.
        deregistrationDelay: Duration.seconds(120),
      }),
      litellm: this.targetGroup('LiteLLMTargets', props, props.litellm, { deregistrationDelay: Duration.seconds(30) }),
      langfuse: this.targetGroup('LangfuseTargets', props, props.langfuse, { deregistrationDelay: Duration.seconds(30) }),
    };

    this.loadBalancer.addListener('Http', {
      port: 80,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    this.httpsListener = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [this.certificate],
      // TLS 1.3 and 1.2, forward-secret AES-GCM ciphers, post-quantum key exchange: the console's default policy. Left
      // unset, CloudFormation would apply ELBSecurityPolicy-2016-08, which still accepts TLS 1.0.
      sslPolicy: elbv2.SslPolicy.TLS13_12_RES_PQ,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });

    new elbv2.ApplicationListenerRule(this, 'Chat', {
      listener: this.httpsListener,
      priority: 10,
      conditions: [elbv2.ListenerCondition.hostHeaders([props.hostnames.chat])],
      action: elbv2.ListenerAction.forward([this.targetGroups.openWebUi]),
    });
    // LiteLLM serves its Prometheus metrics (per-team spend) on the UI's own port, without authentication: not through
    // the web entrance, signed in or not. Only the usage agent inside the cluster reads them.
    new elbv2.ApplicationListenerRule(this, 'LiteLLMMetricsBlocked', {
      listener: this.httpsListener,
      priority: LITELLM_METRICS_BLOCK_PRIORITY,
      conditions: [elbv2.ListenerCondition.hostHeaders([props.hostnames.litellm]), elbv2.ListenerCondition.pathPatterns(['/metrics*'])],
      action: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
    });
    const admins = [
      ['LiteLLM', props.hostnames.litellm, this.targetGroups.litellm, 100],
      ['Langfuse', props.hostnames.langfuse, this.targetGroups.langfuse, 200],
    ] as const;
    const ranges = adminCidrs.length > 0 ? chunks(adminCidrs, SOURCE_RANGES_PER_RULE) : [undefined];
    for (const [name, host, targetGroup, firstPriority] of admins) {
      ranges.forEach((sources, i) => {
        new elbv2.ApplicationListenerRule(this, ranges.length > 1 ? `${name}${i + 1}` : name, {
          listener: this.httpsListener,
          priority: firstPriority + i,
          conditions: [elbv2.ListenerCondition.hostHeaders([host]), ...(sources ? [elbv2.ListenerCondition.sourceIps([...sources])] : [])],
          action: signIn(props.authentication, elbv2.ListenerAction.forward([targetGroup])),
        });
      });
    }

    for (const [name, host] of [
      ['Chat', props.hostnames.chat],
      ['LiteLLM', props.hostnames.litellm],
      ['Langfuse', props.hostnames.langfuse],
    ] as const) {
      // IPv4 only: the VPC and so the load balancer are not dual-stack, so there is no AAAA to publish.
      new route53.ARecord(this, `${name}Alias`, {
        zone: props.zone,
        recordName: `${host}.`,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
  }

  /** `https://<host>` of each UI. */
  static urls(hostnames: Pick<WebHostnames, 'chat' | 'litellm' | 'langfuse'>): { chat: string; litellm: string; langfuse: string } {
    return { chat: `https://${hostnames.chat}`, litellm: `https://${hostnames.litellm}`, langfuse: `https://${hostnames.langfuse}` };
  }

  private targetGroup(
    id: string,
    props: WebLoadBalancerProps,
    upstream: WebUpstream,
    options: { readonly stickiness?: Duration; readonly deregistrationDelay: Duration },
  ): elbv2.ApplicationTargetGroup {
    // Its own target group: a target group belongs to one load balancer at most (ELB quotas), so the internal NLB's
    // LiteLLM and Langfuse groups cannot be shared.
    const group = new elbv2.ApplicationTargetGroup(this, id, {
      vpc: props.vpc,
      port: upstream.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: options.deregistrationDelay,
      ...(options.stickiness ? { stickinessCookieDuration: options.stickiness } : {}),
      healthCheck: {
        path: upstream.healthCheckPath,
        port: 'traffic-port',
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    targetGroupOwnerTag(group, props.clusterName);
    return group;
  }
}

/** The sign-in action in front of an admin UI; unauthenticated browsers are sent to the identity provider. */
function signIn(auth: WebAuthentication, next: elbv2.ListenerAction): elbv2.ListenerAction {
  // Both actions also open HTTPS egress on the load balancer's group: it calls the IdP's token and user info endpoints.
  if (auth.kind === 'cognito') {
    return new elbv2Actions.AuthenticateCognitoAction({
      userPool: auth.userPool,
      userPoolClient: auth.client,
      userPoolDomain: auth.domain,
      scope: auth.scope,
      onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
      sessionTimeout: ADMIN_SESSION_TIMEOUT,
      next,
    });
  }
  return elbv2.ListenerAction.authenticateOidc({
    issuer: auth.issuer,
    authorizationEndpoint: auth.authorizationEndpoint,
    tokenEndpoint: auth.tokenEndpoint,
    userInfoEndpoint: auth.userInfoEndpoint,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    scope: auth.scope,
    onUnauthenticatedRequest: elbv2.UnauthenticatedAction.AUTHENTICATE,
    sessionTimeout: ADMIN_SESSION_TIMEOUT,
    next,
  });
}

function checkHostnames(hostnames: Pick<WebHostnames, 'chat' | 'litellm' | 'langfuse'>, zone: route53.IHostedZone): void {
  if (Token.isUnresolved(zone.zoneName)) return;
  for (const host of Object.values(hostnames)) {
    if (host !== zone.zoneName && !host.endsWith(`.${zone.zoneName}`)) {
      throw new Error(`hostnames: "${host}" is not in zone ${zone.zoneName} (the certificate is validated and the alias written there)`);
    }
  }
}

/** The client secret may reach the template only as a Secrets Manager dynamic reference, never as a literal. */
function checkAuthentication(scope: Construct, auth: WebAuthentication): void {
  if (auth.kind !== 'oidc') return;
  // Unwrapping yields the token, whose resolution is the reference text (never the secret itself).
  const resolved = JSON.stringify(Stack.of(scope).resolve(auth.clientSecret.unsafeUnwrap()));
  if (!/^("|\{"Fn::Join":\["",\[")\{\{resolve:secretsmanager:/.test(resolved)) {
    throw new Error('authentication.clientSecret: is not a Secrets Manager reference (use SecretValue.secretsManager, never a literal)');
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
