import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ApiDomain } from '../constructs/api-domain';
import { GatewayFirewall } from '../constructs/gateway-firewall';
import { GatewayLoadBalancer } from '../constructs/gateway-load-balancer';
import { JwtAuthorizer, type TokenIssuer } from '../constructs/jwt-authorizer';
import { MachineIdentity } from '../constructs/machine-identity';
import { addCorsPreflight } from '../constructs/cors-preflight';
import { MCP_ROUTES, OPENAI_ROUTES, browserRoutes, keyContextField, pathParameters } from '../constructs/openai-routes';
import { WebLoadBalancer } from '../constructs/web-load-balancer';
import { WorkforceIdentity } from '../constructs/workforce-identity';
import type { EnvironmentConfig } from './config/schema';
import { SUBNETS } from './network-stack';
import { removalPolicyFor } from './removal';
import { LANGFUSE_WEB_HEALTH_PATH, LANGFUSE_WEB_PORT } from './shared/langfuse';
import { uniqueOrigins } from './shared/cors';
import {
  AUTHORIZER_END_USER_CONTEXT,
  LITELLM_END_USER_HEADERS,
  LITELLM_KEY_HEADER,
  LITELLM_LIVENESS_PATH,
  LITELLM_PORT,
} from './shared/litellm';
import { virtualKeySecretPrefix } from './shared/tenants';
import { OPEN_WEBUI_END_USER_HEADER, OPEN_WEBUI_HEALTH_PATH, OPEN_WEBUI_PORT, webHostnames } from './shared/web';

export interface EdgeStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly vpc: ec2.IVpc;
  /** Security group of the EKS cluster's pods (Auto Mode nodes carry it). */
  readonly clusterSecurityGroupId: string;
  /** Name of the EKS cluster whose pods join the load balancer's target groups. */
  readonly clusterName: string;
  /** Key the consumers' virtual-key secrets are encrypted with (the data stack's); the authorizer decrypts through Secrets Manager only. */
  readonly secretsKey: kms.IKey;
  /**
   * Bucket the web load balancer writes its access logs to (the data stack's SSE-S3 log bucket), with web.domain.
   * @default - no access logs for the web load balancer
   */
  readonly accessLogBucket?: s3.IBucket;
}

/** The web UIs' target groups on the public load balancer, for their TargetGroupBindings. */
export interface WebTargetGroupArns {
  readonly openWebUi: string;
  readonly litellm: string;
  readonly langfuse: string;
}

/** The web UIs' public https URLs. */
export interface WebUrls {
  readonly chat: string;
  readonly litellm: string;
  readonly langfuse: string;
}

/** Stage name: the public base URL is `https://<api>/<stage>/v1`. */
export const STAGE_NAME = 'api';

/** The log group API Gateway writes a stage's execution logs to (and creates, unless it exists). */
export function executionLogGroupName(restApiId: string, stageName: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

/** The API's relay to the machine identity's token endpoint (with web.domain and Cognito): `https://api.<base>/oauth2/token`. */
export const TOKEN_PATH = 'oauth2/token';

/**
 * OpenAI-style error bodies for the responses API Gateway produces itself. The two fallbacks carry no status
 * code on purpose: a status set on DEFAULT_4XX or DEFAULT_5XX replaces the status of every response type not
 * customized here (a 413 for a body over 10 MB would become a 400).
 */
const GATEWAY_ERRORS: ReadonlyArray<[apigateway.ResponseType, string | undefined, string, string]> = [
  [apigateway.ResponseType.UNAUTHORIZED, '401', 'invalid_request_error', 'invalid_api_key'],
  [apigateway.ResponseType.ACCESS_DENIED, '403', 'permission_error', 'access_denied'],
  [apigateway.ResponseType.AUTHORIZER_FAILURE, '500', 'api_error', 'authorizer_failure'],
  [apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, '500', 'api_error', 'authorizer_failure'],
  [apigateway.ResponseType.THROTTLED, '429', 'rate_limit_error', 'rate_limit_exceeded'],
  [apigateway.ResponseType.QUOTA_EXCEEDED, '429', 'rate_limit_error', 'quota_exceeded'],
  [apigateway.ResponseType.WAF_FILTERED, '403', 'permission_error', 'request_blocked'],
  [apigateway.ResponseType.RESOURCE_NOT_FOUND, '404', 'invalid_request_error', 'unknown_route'],
  [apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'invalid_request_error', 'unknown_route'],
  [apigateway.ResponseType.INTEGRATION_TIMEOUT, '504', 'api_error', 'upstream_timeout'],
  [apigateway.ResponseType.REQUEST_TOO_LARGE, '413', 'invalid_request_error', 'request_too_large'],
  [apigateway.ResponseType.DEFAULT_4XX, undefined, 'invalid_request_error', 'bad_request'],
  [apigateway.ResponseType.DEFAULT_5XX, undefined, 'api_error', 'upstream_error'],
];

/**
 * The API-Management-equivalent edge: a regional REST API exposing only the OpenAI-compatible and MCP routes,
 * a JWT authorizer that injects the caller's LiteLLM virtual key, streaming HTTP_PROXY integrations over
 * a VPC link to a CDK-owned internal load balancer, WAF, throttling and JSON access logs.
 */
export class EdgeStack extends Stack {
  readonly api: apigateway.RestApi;
  /** The stage's execution log group, owned by this stack. */
  readonly executionLogs: logs.LogGroup;
  readonly gateway: GatewayLoadBalancer;
  readonly identity?: MachineIdentity;
  /**
   * Employees' single sign-on (Open WebUI, Langfuse, the admin hostnames' sign-in): present when Open WebUI is
   * enabled or a web domain is configured.
   */
  readonly workforce?: WorkforceIdentity;
  /** The OPTIONS methods answering browser apps' preflights (no authorizer: a preflight carries no token). */
  readonly preflightMethods: apigateway.Method[] = [];
  /** Every browser app's origin once (`tenants.consumers[].browser.origins`): the only origins CORS answers. */
  readonly browserOrigins: readonly string[];
  /** Each consumer's OAuth client id: the authorizer's principal, and the end of its key secret's name. */
  readonly consumerClientIds: Readonly<Record<string, string>>;
  /** The employees' HTTPS entrance (chat., litellm., langfuse.<base>); only with web.domain. */
  readonly web?: WebLoadBalancer;
  /** The gateway API's stable name (api.<base>); only with web.domain. */
  readonly apiDomain?: ApiDomain;
  /** Target groups of the web load balancer; only with web.domain. */
  readonly webTargetGroupArns?: WebTargetGroupArns;
  /** https URLs of chat., litellm. and langfuse.<base>; only with web.domain. */
  readonly webUrls?: WebUrls;
  /** The OpenAI base URL on the API's custom domain, `https://api.<base>/v1`; only with web.domain. */
  readonly apiCustomUrl?: string;
  /** POST /oauth2/token, relayed to the machine identity's token endpoint; only with web.domain and Cognito. */
  readonly tokenMethod?: apigateway.Method;
  /** The token URL on the API's custom domain, `https://api.<base>/oauth2/token`; only with web.domain and Cognito. */
  readonly stableTokenUrl?: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { config, vpc } = props;
    const { edge } = config;
    const removalPolicy = removalPolicyFor(config);

    // With a web domain, people reach LiteLLM's UI and Langfuse only through the signed-in public entrance: the internal
    // load balancer keeps only what the API needs (the LiteLLM listener, for the VPC link and the admin functions).
    const internalUi = !config.web.domain;
    this.gateway = new GatewayLoadBalancer(this, 'Gateway', {
      vpc,
      subnets: { subnetGroupName: SUBNETS.workloads },
      targetPort: LITELLM_PORT,
      healthCheckPath: LITELLM_LIVENESS_PATH,
      ...(internalUi ? { ui: { port: LANGFUSE_WEB_PORT, healthCheckPath: LANGFUSE_WEB_HEALTH_PATH } } : {}),
      openToVpc: internalUi,
      deletionProtection: !config.ephemeral,
      clusterName: props.clusterName,
    });
    // Pods carry the cluster security group; the load balancer reaches them on their own ports only.
    const podPorts = [
      ['LoadBalancerToLiteLLM', LITELLM_PORT, 'Gateway load balancer to LiteLLM pods'],
      ...(internalUi ? [['LoadBalancerToLangfuse', LANGFUSE_WEB_PORT, 'Internal load balancer to the Langfuse UI'] as const] : []),
    ] as const;
    for (const [id, port, what] of podPorts) {
      new ec2.CfnSecurityGroupIngress(this, id, {
        groupId: props.clusterSecurityGroupId,
        sourceSecurityGroupId: this.gateway.securityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: what,
      });
    }

    const identity = edge.identity;
    const browserApps = config.tenants.consumers.flatMap((c) => (c.browser ? [{ name: c.name, ...c.browser }] : []));
    this.browserOrigins = uniqueOrigins(browserApps);
    this.identity =
      identity.provider === 'cognito'
        ? new MachineIdentity(this, 'Identity', {
            // Browser apps sign people in on the workforce pool; only machine clients get a client here.
            consumers: config.tenants.consumers.filter((c) => !c.browser).map((c) => c.name),
            domainPrefix: `genai-${config.name}`,
            removalPolicy,
          })
        : undefined;
    // With Cognito, browser apps' public clients live in the employees' pool (the config requires its Cognito sign-in).
    const cognitoBrowserApps = identity.provider === 'cognito' ? browserApps : [];
    this.workforce =
      config.openWebUi.enabled || config.web.domain || cognitoBrowserApps.length > 0
        ? new WorkforceIdentity(this, 'Workforce', {
            environment: config.name,
            sso: config.web.sso,
            adminGroup: config.web.adminGroup,
            ...(config.web.domain ? { hostnames: webHostnames(config.web.domain.base) } : {}),
            domainPrefix: `genai-${config.name}-sso`,
            secretsKey: props.secretsKey,
            removalPolicy,
            logRetention: edge.accessLogRetentionDays,
            ...(cognitoBrowserApps.length > 0
              ? { browserApps: cognitoBrowserApps.map((a) => ({ name: a.name, redirectUrls: a.redirectUrls, logoutUrls: a.logoutUrls })) }
              : {}),
          })
        : undefined;
    const machineClients = this.identity?.clients;
    const browserClients = this.workforce?.browserClients;
    this.consumerClientIds = Object.fromEntries(
      config.tenants.consumers.map((c) => [
        c.name,
        machineClients?.[c.name]?.userPoolClientId ?? browserClients?.[c.name]?.userPoolClientId ?? c.clientId!,
      ]),
    );
    const browserClientIds = browserApps.map((a) => this.consumerClientIds[a.name]!);
    const issuer = tokenIssuer(config, this.identity, this.workforce, browserClientIds);
    const authorizer = new JwtAuthorizer(this, 'JwtAuthorizer', {
      mode: edge.mode,
      issuer,
      virtualKeySecretPrefix: virtualKeySecretPrefix(config.name),
      cacheTtl: Duration.seconds(edge.authorizerCacheTtlSeconds),
      logRetention: edge.accessLogRetentionDays,
      removalPolicy,
    });
    if (edge.mode === 'inject') {
      authorizer.function.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'DecryptVirtualKeys',
          actions: ['kms:Decrypt'],
          resources: [props.secretsKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${this.region}.amazonaws.com` } },
        }),
      );
    }

    // An external issuer's token URL is already stable; Cognito's domain is new with every re-create of this stack.
    const tokenRelay = config.web.domain !== undefined && identity.provider === 'cognito';
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: edge.accessLogRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      // Per environment, so CloudWatch metrics (dimension ApiName) of two environments in one account never merge.
      restApiName: `genai-${config.name}-gateway`,
      description: `GenAI gateway ${config.name}: OpenAI-compatible and MCP routes only`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      disableExecuteApiEndpoint: false,
      cloudWatchRole: false,
      deployOptions: {
        stageName: STAGE_NAME,
        throttlingRateLimit: edge.throttle.rateLimit,
        throttlingBurstLimit: edge.throttle.burstLimit,
        metricsEnabled: true,
        // Errors only, and never data tracing: that would record headers, including the injected key.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        // X-Ray, sampled (Control Tower CT.APIGATEWAY.PR.2). The documented segment fields are URL, method, status,
        // client IP and user agent; that no header (Authorization) is ever stored is not stated there: unverified.
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: accessLogFormat(),
        // The token relay throttled on its own: a flood of token requests cannot use up the API's rate, nor the reverse.
        // Logging and metrics repeated, as a method's own setting replaces the stage's for that method.
        ...(tokenRelay
          ? {
              methodOptions: {
                [`/${TOKEN_PATH}/POST`]: {
                  throttlingRateLimit: edge.tokenRelay.rateLimit,
                  throttlingBurstLimit: edge.tokenRelay.burstLimit,
                  metricsEnabled: true,
                  loggingLevel: apigateway.MethodLoggingLevel.ERROR,
                  dataTraceEnabled: false,
                },
              },
            }
          : {}),
      },
    });

    // API Gateway writes execution logs to API-Gateway-Execution-Logs_<api id>/<stage> and creates that group itself,
    // never expiring, unless it exists (rest-api-execution-logging.html). Owned here and created before the stage, so
    // it has a retention, the stack's log key and removal policy, and the nightly destroy takes it along.
    this.executionLogs = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: executionLogGroupName(this.api.restApiId, STAGE_NAME),
      retention: edge.accessLogRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogs);

    // Rejects requests missing a declared path parameter before the authorizer or LiteLLM see them.
    const validator = this.api.addRequestValidator('Parameters', { validateRequestParameters: true, validateRequestBody: false });
    const vpcLink = new apigateway.VpcLink(this, 'VpcLink', {
      targets: [this.gateway.loadBalancer],
      description: `GenAI gateway ${config.name}`,
    });
    const upstream = this.internalLiteLlmUrl;
    // The MCP route only where LiteLLM has servers to serve behind it.
    const routes = config.mcpServers.length > 0 ? [...OPENAI_ROUTES, ...MCP_ROUTES] : OPENAI_ROUTES;
    for (const route of routes) {
      const resource = this.api.root.resourceForPath(route.path);
      const params = pathParameters(route);
      for (const method of route.methods) {
        resource.addMethod(
          method,
          new apigateway.Integration({
            type: apigateway.IntegrationType.HTTP_PROXY,
            integrationHttpMethod: method,
            uri: `${upstream}/${route.path}`,
            options: {
              connectionType: apigateway.ConnectionType.VPC_LINK,
              vpcLink,
              // Server-sent events reach the client as LiteLLM produces them.
              responseTransferMode: apigateway.ResponseTransferMode.STREAM,
              timeout: Duration.seconds(edge.integrationTimeoutSeconds),
              requestParameters: {
                ...Object.fromEntries(params.map((p) => [`integration.request.path.${p}`, `method.request.path.${p}`])),
                // Overwrites any key the client sent: LiteLLM reads only this header, in the form the route needs.
                ...(edge.mode === 'inject'
                  ? { [`integration.request.header.${LITELLM_KEY_HEADER}`]: `context.authorizer.${keyContextField(route)}` }
                  : {}),
                // The end user is always the authorizer's (the signed-in person of a browser app, else the client id),
                // written over every header LiteLLM reads one from before the body's `user`: nothing a client sends wins.
                ...Object.fromEntries(
                  [...LITELLM_END_USER_HEADERS, ...(config.openWebUi.enabled ? [OPEN_WEBUI_END_USER_HEADER.toLowerCase()] : [])].map(
                    (h) => [`integration.request.header.${h}`, `context.authorizer.${AUTHORIZER_END_USER_CONTEXT}`],
                  ),
                ),
              },
            },
          }),
          {
            authorizer: authorizer.authorizer,
            authorizationType: apigateway.AuthorizationType.CUSTOM,
            requestValidator: validator,
            requestParameters: Object.fromEntries(params.map((p) => [`method.request.path.${p}`, true])),
          },
        );
      }
    }

    // Preflights of the routes browser apps may call, answered at the edge for the configured origins only.
    if (this.browserOrigins.length > 0) {
      for (const route of browserRoutes(routes)) {
        this.preflightMethods.push(addCorsPreflight(this.api.root.resourceForPath(route.path), this.browserOrigins, route.methods));
      }
    }

    for (const [type, statusCode, errorType, code] of GATEWAY_ERRORS) {
      this.api.addGatewayResponse(`Error${type.responseType}`, {
        type,
        ...(statusCode ? { statusCode } : {}),
        ...(this.browserOrigins.length > 0 ? { responseHeaders: gatewayResponseCorsHeaders(type) } : {}),
        templates: { 'application/json': openAiError(errorType, code) },
      });
    }

    new GatewayFirewall(this, 'Firewall', {
      resourceArn: this.api.deploymentStage.stageArn,
      rateLimit: edge.wafRateLimit,
      logGroupName: `aws-waf-logs-genai-${config.name}-gateway`,
      metricName: `genai-${config.name}-gateway`,
      logRetention: edge.accessLogRetentionDays,
      removalPolicy,
      // A browser on any other origin is refused before anything else: what echoes Origin below can only echo ours.
      ...(this.browserOrigins.length > 0 ? { allowedOrigins: this.browserOrigins } : {}),
      // Per IP, on the token relay alone: a few dozen addresses flooding it get blocked before they exhaust its throttle.
      ...(tokenRelay ? { pathRateLimits: [{ name: 'TokenRelayPerIp', path: `/${TOKEN_PATH}`, limit: edge.tokenRelay.wafRateLimit }] } : {}),
    });

    const domain = config.web.domain;
    if (domain) {
      if (!this.workforce) throw new Error('web.domain: the web entrance needs the workforce identity (it signs admins in)');
      // Given, not looked up: synth stays offline and needs no account context.
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: domain.hostedZoneId,
        zoneName: domain.zoneName,
      });
      const hostnames = webHostnames(domain.base);
      this.web = new WebLoadBalancer(this, 'Web', {
        vpc,
        subnets: { subnetGroupName: SUBNETS.public },
        zone,
        hostnames,
        openWebUi: { port: OPEN_WEBUI_PORT, healthCheckPath: OPEN_WEBUI_HEALTH_PATH },
        litellm: { port: LITELLM_PORT, healthCheckPath: LITELLM_LIVENESS_PATH },
        langfuse: { port: LANGFUSE_WEB_PORT, healthCheckPath: LANGFUSE_WEB_HEALTH_PATH },
        authentication: this.workforce.albAuthentication,
        adminCidrs: config.web.adminCidrs,
        clusterSecurityGroupId: props.clusterSecurityGroupId,
        clusterName: props.clusterName,
        deletionProtection: !config.ephemeral,
        ...(props.accessLogBucket ? { accessLogs: { bucket: props.accessLogBucket, prefix: 'web' } } : {}),
      });
      new GatewayFirewall(this, 'WebFirewall', {
        resourceArn: this.web.loadBalancer.loadBalancerArn,
        rateLimit: config.web.wafRateLimit,
        logGroupName: `aws-waf-logs-genai-${config.name}-web`,
        metricName: `genai-${config.name}-web`,
        logRetention: edge.accessLogRetentionDays,
        removalPolicy,
      });
      this.webTargetGroupArns = {
        openWebUi: this.web.targetGroups.openWebUi.targetGroupArn,
        litellm: this.web.targetGroups.litellm.targetGroupArn,
        langfuse: this.web.targetGroups.langfuse.targetGroupArn,
      };
      this.webUrls = WebLoadBalancer.urls(hostnames);
      this.apiDomain = new ApiDomain(this, 'ApiDomain', { zone, domainName: hostnames.api, stage: this.api.deploymentStage });
      this.apiCustomUrl = this.apiDomain.url;
      if (tokenRelay && this.identity) {
        this.tokenMethod = addTokenRelay(this.api, this.identity.tokenUrl);
        this.stableTokenUrl = `https://${hostnames.api}/${TOKEN_PATH}`;
      }

      new CfnOutput(this, 'WebChatUrl', { value: this.webUrls.chat, description: 'Open WebUI, for employees' });
      new CfnOutput(this, 'WebLiteLLMUrl', { value: this.webUrls.litellm, description: 'LiteLLM admin UI (admin group, after sign-in)' });
      new CfnOutput(this, 'WebLangfuseUrl', { value: this.webUrls.langfuse, description: 'Langfuse (admin group, after sign-in)' });
      const signIn = this.workforce.albAuthentication;
      new CfnOutput(this, 'WebSignInUrl', {
        value: signIn.kind === 'oidc' ? signIn.authorizationEndpoint : this.workforce.signInUrl!,
        description: 'Where the web hostnames send a browser without a session (npm run smoke checks it)',
      });
      new CfnOutput(this, 'ApiCustomUrl', { value: this.apiCustomUrl, description: 'OpenAI base URL on the stable custom domain' });
      if (this.stableTokenUrl) {
        new CfnOutput(this, 'StableTokenUrl', {
          value: this.stableTokenUrl,
          description: 'OAuth2 client-credentials token endpoint on the stable custom domain (relayed to TokenUrl)',
        });
      }
    }

    new CfnOutput(this, 'GatewayUrl', { value: `${this.api.url}v1`, description: 'OpenAI base URL for client apps' });
    new CfnOutput(this, 'InternalGatewayUrl', {
      value: `${upstream}/v1`,
      description: internalUi
        ? 'LiteLLM through the internal load balancer (inside the VPC only)'
        : "LiteLLM through the internal load balancer: the API's VPC link and the platform's admin functions only",
    });
    if (this.langfuseUrl) {
      new CfnOutput(this, 'LangfuseUrl', {
        value: this.langfuseUrl,
        description: 'Langfuse UI through the internal load balancer (inside the VPC only)',
      });
    }
    new CfnOutput(this, 'VirtualKeySecretPrefix', {
      value: virtualKeySecretPrefix(config.name),
      description: 'Secrets Manager name prefix of per-client virtual keys',
    });
    this.workforce?.addOutputs(this);
    // What a browser app's sign-in needs besides the pool's sign-in URL (WorkforceSignInUrl): its public client id.
    for (const [name, client] of Object.entries(this.workforce?.browserClients ?? {})) {
      new CfnOutput(this, `BrowserClientId${name.replace(/-/g, '')}`, {
        value: client.userPoolClientId,
        description: `Public app client id of browser app ${name} (authorization code with PKCE at WorkforceSignInUrl)`,
      });
    }
    if (this.identity) {
      new CfnOutput(this, 'TokenUrl', { value: this.identity.tokenUrl, description: 'OAuth2 client-credentials token endpoint' });
      // npm run smoke reads a consumer's client secret from this pool (DescribeUserPoolClient).
      new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId, description: 'Cognito user pool of the app clients' });
      new CfnOutput(this, 'Scope', { value: this.identity.scope });
      for (const [name, client] of Object.entries(this.identity.clients)) {
        new CfnOutput(this, `ClientId${name.replace(/-/g, '')}`, {
          value: client.userPoolClientId,
          description: `App client id of consumer ${name}`,
        });
      }
    }
  }

  /** LiteLLM through the internal load balancer: the VPC link's and the admin functions' way in. */
  get internalLiteLlmUrl(): string {
    return `http://${this.gateway.loadBalancer.loadBalancerDnsName}:${this.gateway.listenerPort}`;
  }

  /** The target group the LiteLLM pods register in (TargetGroupBinding). */
  get litellmTargetGroupArn(): string {
    return this.gateway.targetGroup.targetGroupArn;
  }

  /**
   * The internal load balancer's target group for the Langfuse web pods; undefined with web.domain, where Langfuse is
   * reachable only through the public entrance's sign-in.
   */
  get langfuseTargetGroupArn(): string | undefined {
    return this.gateway.uiTargetGroup?.targetGroupArn;
  }

  /**
   * Where the platform team opens Langfuse inside the VPC (VPN, Direct Connect), never the internet; undefined with
   * web.domain (see webUrls.langfuse).
   */
  get langfuseUrl(): string | undefined {
    return this.gateway.uiTargetGroup ? `http://${this.gateway.loadBalancer.loadBalancerDnsName}:${LANGFUSE_WEB_PORT}` : undefined;
  }
}

/** The issuer settings the authorizer verifies tokens against; browser apps' ids are their consumers' client ids. */
function tokenIssuer(
  config: EnvironmentConfig,
  machineIdentity: MachineIdentity | undefined,
  workforce: WorkforceIdentity | undefined,
  browserClientIds: readonly string[],
): TokenIssuer {
  const identity = config.edge.identity;
  if (identity.provider === 'oidc') {
    return {
      kind: 'oidc',
      issuers: identity.issuers,
      jwksUri: identity.jwksUri,
      audience: identity.audience,
      clientIdClaim: identity.clientIdClaim,
      ...(identity.requiredScope ? { requiredScope: identity.requiredScope } : {}),
      ...(browserClientIds.length > 0 ? { browser: { clientIds: browserClientIds, endUserClaim: identity.endUserClaim } } : {}),
    };
  }
  if (!machineIdentity) throw new Error('edge.identity: cognito needs the machine identity user pool');
  if (browserClientIds.length > 0 && workforce?.gatewayScope !== machineIdentity.scope) {
    throw new Error('edge.identity: browser apps need the workforce pool to grant the machine pool’s gateway scope');
  }
  return {
    kind: 'cognito',
    issuer: machineIdentity.issuer,
    clientIds: Object.values(machineIdentity.clients).map((c) => c.userPoolClientId),
    requiredScope: machineIdentity.scope,
    ...(browserClientIds.length > 0 && workforce ? { browser: { issuer: workforce.issuer, clientIds: browserClientIds } } : {}),
  };
}

/**
 * CORS headers on the answers API Gateway produces itself (401, 403, 429, 5xx, ...), so a browser app sees the real
 * error. A gateway response can only map a request header or a literal, so it echoes the request's Origin: the
 * firewall's RefuseForeignOrigin rule has blocked every other origin before, and the answer to that block (WAF_FILTERED)
 * echoes nothing.
 */
function gatewayResponseCorsHeaders(type: apigateway.ResponseType): Record<string, string> {
  if (type === apigateway.ResponseType.WAF_FILTERED) return { Vary: "'Origin'" };
  return { 'Access-Control-Allow-Origin': 'method.request.header.Origin', Vary: "'Origin'" };
}

/**
 * POST /oauth2/token relayed to Cognito's token endpoint, so client apps keep one token URL across re-creates.
 * No authorizer: the caller has no token yet, and Cognito authenticates the client id and secret itself. HTTP_PROXY
 * passes the caller's headers and body through and Cognito's answer back, its 400 errors included: the gateway
 * responses replace only the errors API Gateway produces itself. It has a throttle of its own (the stage's method
 * settings) and a per-IP WAF limit of its own, beside the stage's WAF rules and access logs.
 */
function addTokenRelay(api: apigateway.RestApi, tokenUrl: string): apigateway.Method {
  return api.root
    .resourceForPath(TOKEN_PATH)
    .addMethod('POST', new apigateway.HttpIntegration(tokenUrl, { httpMethod: 'POST', proxy: true }), {
      authorizationType: apigateway.AuthorizationType.NONE,
    });
}

function openAiError(type: string, code: string): string {
  return `{"error":{"message":$context.error.messageString,"type":"${type}","code":"${code}","request_id":"$context.requestId"}}`;
}

/** One JSON line per request. The principal is the client id; the virtual key is never logged. */
function accessLogFormat(): apigateway.AccessLogFormat {
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      time: '$context.requestTimeEpoch',
      ip: '$context.identity.sourceIp',
      client: '$context.authorizer.principalId',
      method: '$context.httpMethod',
      path: '$context.path',
      status: '$context.status',
      latencyMs: '$context.responseLatency',
      integrationLatencyMs: '$context.integration.latency',
      integrationStatus: '$context.integration.status',
      authorizerError: '$context.authorizer.error',
      authorizerLatencyMs: '$context.authorizer.latency',
      wafStatus: '$context.waf.status',
      error: '$context.error.message',
    }),
  );
}
