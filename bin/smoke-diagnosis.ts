/**
 * The smoke test's diagnosis table: from what a step observed (status, body or network error) to the likely
 * cause, worded for the platform engineer who has to fix it. Pure: the checks call it, tests drive it directly.
 *
 * Error bodies tell the edge from LiteLLM. LiteLLM's errors always carry `param` next to `message`, `type` and
 * `code` (BerriAI/litellm, litellm/proxy/proxy_server.py's ProxyException handler and
 * litellm/proxy/auth/auth_exception_handler.py: auth failures have type `auth_error`, code "401"; stated in
 * test/contracts/litellm.test.ts, served by test/support/fake-litellm.ts). The edge's own errors (lib/edge-stack.ts GATEWAY_ERRORS) carry `message`, `type`,
 * `code` and `request_id`, never `param`.
 */

/** Where in the smoke run an observation was made. */
export type Step =
  | 'outputs'
  | 'client-secret'
  | 'token'
  | 'models'
  | 'chat'
  | 'no-token'
  | 'foreign-token'
  | 'expired-token'
  | 'admin-route'
  | 'langfuse-keys'
  | 'langfuse';

/** What came back: a response (status and parsed body), or no response at all (error). */
export interface Observation {
  readonly step: Step;
  readonly status?: number;
  readonly body?: unknown;
  /** Network or SDK error message when there was no HTTP response. */
  readonly error?: string;
  /** SDK error name (ResourceNotFoundException, AccessDeniedException, ...), for AWS calls. */
  readonly errorName?: string;
}

/** Fixed cause lines, so tests and the README name the same words. */
export const CAUSES = {
  keyHeaderNotRead:
    '401 from LiteLLM: the virtual key header did not reach LiteLLM in a form it reads (x-litellm-api-key carrying the bare sk- key; a general_settings.litellm_key_header_name setting makes LiteLLM expect "Bearer <key>" there instead)',
  keyNotInLiteLlm:
    '401 from LiteLLM: the virtual key reached LiteLLM but LiteLLM does not know it: the key in Secrets Manager (<VirtualKeySecretPrefix><client id>) was not generated in this LiteLLM database (re-create it with /key/generate and store it)',
  keyRefusedByLiteLlm: '401 from LiteLLM: the virtual key header did not reach the gateway or the key is not in LiteLLM',
  authorizerRejectsFreshToken:
    '401 from the edge for a token the issuer just issued: the authorizer does not trust this issuer or its keys (JWT_ISSUERS, JWKS_URI on the authorizer function)',
  authorizerDenied:
    '403 from API Gateway: authorizer denied: client id has no virtual key in Secrets Manager (<VirtualKeySecretPrefix><client id>, a bare sk- key or {"virtualKey": "sk-..."}), or the client id or scope is not one the authorizer accepts (JWT_CLIENT_IDS, REQUIRED_SCOPE)',
  wafBlocked:
    '403 from WAF: the request was blocked (rate-based rule or a managed rule); see the WAF log group aws-waf-logs-genai-<env>-gateway',
  modelNotAllowed: 'LiteLLM refused the model for this key: the key (or its team) is limited to other models',
  routeMissing: '404 from API Gateway: the route is not deployed on the stage (constructs/openai-routes.ts, then redeploy the edge stack)',
  throttledAtEdge: '429 from API Gateway: throttled (edge.throttle in the environment config, or the WAF rate rule)',
  throttledByLiteLlm: '429 from LiteLLM: a rate limit or budget on the key, team or model was hit',
  authorizerFailed:
    '500 from the authorizer: the Lambda failed or timed out (JWKS or Secrets Manager unreachable); see the authorizer function logs',
  noHealthyTargets:
    'no healthy targets behind the load balancer (TargetGroupBinding / eks:eks-cluster-name tag): LiteLLM pods are not registered in the target group or are not ready',
  liteLlmProviderError: 'LiteLLM could not call the model provider (Bedrock model access or IAM role, or a provider API key secret)',
  configNotRolledOut:
    'LiteLLM config has not rolled out: LiteLLM does not serve every model in the environment config (pods still on an older config.yaml)',
  gatewayUnreachable: 'gateway unreachable: check GatewayUrl (was the edge stack deployed? DNS, proxy or firewall on this machine?)',
  tokenEndpointUnreachable:
    'token endpoint unreachable: check StableTokenUrl (api.<base>, with web.domain) or TokenUrl (the Cognito domain is created by the edge stack)',
  invalidClient:
    'token endpoint 400 invalid_client: Cognito rejected the client id or secret: the outputs are stale (the app client was re-created by a later deploy) or the secret belongs to another user pool',
  invalidScope: 'token endpoint 400 invalid_scope: the app client is not allowed the gateway scope (Scope output); redeploy the edge stack',
  unauthorizedClient:
    'token endpoint 400 unauthorized_client: the app client does not allow the client_credentials flow; redeploy the edge stack',
  unauthenticatedAccepted: 'the gateway answered a request without a token: a method is missing its authorizer',
  foreignTokenAccepted:
    'the gateway accepted a token signed by a key the issuer never published: signature checking is broken; stop client traffic and check the authorizer',
  reachedLiteLlmWithoutAuthorizer:
    'the request reached LiteLLM without passing the authorizer (only LiteLLM refused it): a method is missing its authorizer',
  authorizerErroredOnBadToken:
    'the authorizer failed on a bad token instead of refusing it with 401 (an exception where a refusal belongs)',
  adminRouteReachable: 'admin route reachable through the edge: the API must expose only the OpenAI routes (constructs/openai-routes.ts)',
  adminRouteReachesLiteLlm:
    'admin route reaches LiteLLM through the edge (only LiteLLM refused it): the API must expose only the OpenAI routes (constructs/openai-routes.ts)',
  notOpenAiStyle:
    'refused, but not with an OpenAI-style error body ({"error": {"message", "type"}}): the API Gateway gateway responses are missing; redeploy the edge stack',
  notStreamed: 'the completion did not come back as server-sent events (content-type text/event-stream)',
  streamWithoutContent: 'the stream carried no content: the model returned nothing (check the model and max_tokens)',
  streamCut:
    'the stream ended without [DONE]: the connection was cut (integration timeout, load balancer idle timeout, or a LiteLLM pod restart)',
  streamedError: 'LiteLLM streamed an error instead of content',
  notAModelList: 'the models route did not answer an OpenAI model list: something other than LiteLLM answers behind the load balancer',
  langfuseUnreachable:
    'LangfuseUrl unreachable: it is internal-only (run from inside the VPC, or port-forward the langfuse-web Service and pass --langfuse-url)',
  langfuseKeysRejected:
    'Langfuse refused the project keys: the keys in Secrets Manager are not those of the headless-init project (LANGFUSE_INIT_* apply only when Langfuse first starts on an empty database)',
  noTrace:
    'no trace in Langfuse in time: LiteLLM is not sending traces (callbacks, LANGFUSE_HOST, LANGFUSE_PUBLIC_KEY/SECRET_KEY) or the Langfuse worker is not ingesting (ClickHouse, S3, Valkey)',
  edgeStackMissing:
    'the edge stack has no outputs here: deploy it first (npm run deploy -- <env>), or check the AWS region and account of your credentials',
  consumerNotDeployed:
    'the outputs have no app client id for this consumer: it was added to the config after the last deploy of the edge stack',
  noUserPoolId: 'the outputs have no UserPoolId: redeploy the edge stack (the output was added with the smoke test)',
  clientNotInPool:
    'Cognito does not know this client id in the user pool: the outputs are stale; re-run npm run deploy or delete cdk.out/<env>-outputs.json',
  awsAccessDenied:
    'AWS refused the call: your role needs cognito-idp:DescribeUserPoolClient on the user pool (and cloudformation:DescribeStacks, ListStackResources, secretsmanager:GetSecretValue for --langfuse)',
  awsCredentials: 'no usable AWS credentials: configure a profile or role for the account of the environment',
  langfuseSecretsMissing: 'the data stack has no Langfuse init key secrets (SecretsLangfuseInitPublicKey*, SecretsLangfuseInitSecretKey*)',
} as const;

/** The `error` object of an OpenAI-style error body (a string message and type), or undefined. */
export function openAiError(body: unknown): { message: string; type: string; code?: unknown; param?: unknown } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { message, type } = error as { message?: unknown; type?: unknown };
  if (typeof message !== 'string' || typeof type !== 'string') return undefined;
  return error as { message: string; type: string; code?: unknown; param?: unknown };
}

/** Who wrote an error body: LiteLLM (its errors carry `param`), the edge (OpenAI-style without `param`), or neither. */
export function errorSource(body: unknown): 'litellm' | 'edge' | 'unknown' {
  const error = openAiError(body);
  if (!error) return 'unknown';
  return 'param' in error ? 'litellm' : 'edge';
}

function messageOf(body: unknown): string {
  return openAiError(body)?.message ?? '';
}

function oauthError(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'string' ? error : undefined;
}

interface Rule {
  readonly when: (o: Observation) => boolean;
  readonly cause: (o: Observation) => string;
}

const is =
  (...steps: Step[]) =>
  (o: Observation) =>
    steps.includes(o.step);
const BAD_TOKEN: Step[] = ['foreign-token', 'expired-token'];
const REFUSALS: Step[] = ['no-token', ...BAD_TOKEN, 'admin-route'];
const AWS_SETUP: Step[] = ['outputs', 'client-secret', 'langfuse-keys'];
const noResponse = (o: Observation) => o.status === undefined;
const fromLiteLlm = (o: Observation) => errorSource(o.body) === 'litellm';
const fromEdge = (o: Observation) => errorSource(o.body) !== 'litellm';

/**
 * Ordered: the first rule that matches names the cause. Refusal steps reach this table only when the refusal
 * was wrong (see refusalProblem); authenticated steps only when the answer was not the expected one.
 */
const RULES: readonly Rule[] = [
  // Setup: AWS calls.
  {
    when: (o) => is(...AWS_SETUP)(o) && /AccessDenied|UnauthorizedOperation|not authorized/i.test(`${o.errorName} ${o.error}`),
    cause: () => CAUSES.awsAccessDenied,
  },
  {
    when: (o) =>
      is(...AWS_SETUP)(o) &&
      /CredentialsProviderError|Could not load credentials|ExpiredToken|InvalidClientTokenId/i.test(`${o.errorName} ${o.error}`),
    cause: () => CAUSES.awsCredentials,
  },
  { when: (o) => is('client-secret')(o) && /ResourceNotFound/.test(`${o.errorName}`), cause: () => CAUSES.clientNotInPool },
  { when: is('outputs'), cause: () => CAUSES.edgeStackMissing },
  { when: is('langfuse-keys'), cause: () => CAUSES.langfuseSecretsMissing },

  // Token endpoint.
  { when: (o) => is('token')(o) && noResponse(o), cause: () => CAUSES.tokenEndpointUnreachable },
  { when: (o) => is('token')(o) && oauthError(o.body) === 'invalid_client', cause: () => CAUSES.invalidClient },
  { when: (o) => is('token')(o) && oauthError(o.body) === 'invalid_scope', cause: () => CAUSES.invalidScope },
  { when: (o) => is('token')(o) && oauthError(o.body) === 'unauthorized_client', cause: () => CAUSES.unauthorizedClient },
  {
    when: is('token'),
    cause: (o) => `token endpoint answered ${o.status}${oauthError(o.body) ? ` ${oauthError(o.body)}` : ''}: no access token issued`,
  },

  // Langfuse.
  { when: (o) => is('langfuse')(o) && noResponse(o), cause: () => CAUSES.langfuseUnreachable },
  { when: (o) => is('langfuse')(o) && (o.status === 401 || o.status === 403), cause: () => CAUSES.langfuseKeysRejected },
  { when: (o) => is('langfuse')(o) && o.status === 200, cause: () => CAUSES.noTrace },
  { when: is('langfuse'), cause: (o) => `Langfuse answered ${o.status} to the traces query` },

  // Anything sent to the gateway that got no response.
  { when: noResponse, cause: () => CAUSES.gatewayUnreachable },

  // Refusals that were not refusals.
  { when: (o) => is('no-token')(o) && o.status! < 300, cause: () => CAUSES.unauthenticatedAccepted },
  { when: (o) => is(...BAD_TOKEN)(o) && o.status! < 300, cause: () => CAUSES.foreignTokenAccepted },
  { when: (o) => is('admin-route')(o) && o.status! < 300, cause: () => CAUSES.adminRouteReachable },
  { when: (o) => is('admin-route')(o) && fromLiteLlm(o), cause: () => CAUSES.adminRouteReachesLiteLlm },
  { when: (o) => is('no-token', ...BAD_TOKEN)(o) && fromLiteLlm(o), cause: () => CAUSES.reachedLiteLlmWithoutAuthorizer },
  { when: (o) => is(...BAD_TOKEN)(o) && o.status! >= 500, cause: () => CAUSES.authorizerErroredOnBadToken },
  { when: (o) => is(...REFUSALS)(o) && !openAiError(o.body), cause: () => CAUSES.notOpenAiStyle },
  { when: is(...REFUSALS), cause: (o) => `refused with ${o.status} instead of ${o.step === 'admin-route' ? '403 or 404' : '401'}` },

  // Authenticated calls: LiteLLM's answers.
  {
    when: (o) => o.status === 401 && fromLiteLlm(o) && /No api key passed in|Malformed API Key/i.test(messageOf(o.body)),
    cause: () => CAUSES.keyHeaderNotRead,
  },
  {
    when: (o) => o.status === 401 && fromLiteLlm(o) && /Invalid proxy server token|Unable to find token/i.test(messageOf(o.body)),
    cause: () => CAUSES.keyNotInLiteLlm,
  },
  {
    when: (o) => fromLiteLlm(o) && /model_access_denied/.test(openAiError(o.body)?.type ?? ''),
    cause: () => CAUSES.modelNotAllowed,
  },
  { when: (o) => o.status === 401 && fromLiteLlm(o), cause: () => CAUSES.keyRefusedByLiteLlm },
  {
    when: (o) => o.status === 400 && fromLiteLlm(o) && /Invalid model name/i.test(messageOf(o.body)),
    cause: () => CAUSES.configNotRolledOut,
  },
  { when: (o) => o.status === 429 && fromLiteLlm(o), cause: () => CAUSES.throttledByLiteLlm },
  { when: (o) => o.status! >= 500 && fromLiteLlm(o), cause: () => CAUSES.liteLlmProviderError },

  // Authenticated calls: the edge's answers.
  { when: (o) => o.status === 401 && fromEdge(o), cause: () => CAUSES.authorizerRejectsFreshToken },
  { when: (o) => o.status === 403 && openAiError(o.body)?.code === 'request_blocked', cause: () => CAUSES.wafBlocked },
  { when: (o) => o.status === 403 && fromEdge(o), cause: () => CAUSES.authorizerDenied },
  { when: (o) => o.status === 404 && fromEdge(o), cause: () => CAUSES.routeMissing },
  { when: (o) => o.status === 429, cause: () => CAUSES.throttledAtEdge },
  {
    when: (o) => o.status === 500 && (openAiError(o.body)?.code === 'authorizer_failure' || /authorizer/i.test(messageOf(o.body))),
    cause: () => CAUSES.authorizerFailed,
  },
  { when: (o) => o.status! >= 500, cause: () => CAUSES.noHealthyTargets },
];

/** The likely cause of an observation that was not what the check expected. */
export function diagnose(o: Observation): string {
  const rule = RULES.find((r) => r.when(o));
  if (rule) return rule.cause(o);
  return `unexpected ${o.status} from ${errorSource(o.body) === 'litellm' ? 'LiteLLM' : 'the edge'}${messageOf(o.body) ? `: ${messageOf(o.body)}` : ''}`;
}

/** Statuses a refusal may have: 401 for missing or bad tokens; 403 or 404 for admin routes, never 2xx. */
export function expectedRefusal(step: Step): readonly number[] {
  return step === 'admin-route' ? [403, 404] : [401];
}

/**
 * Whether a refusal was right: the expected status, an OpenAI-style body, written by the edge (not LiteLLM).
 * Returns the cause when it was not, undefined when it was.
 */
export function refusalProblem(o: Observation): string | undefined {
  const right =
    o.status !== undefined &&
    expectedRefusal(o.step).includes(o.status) &&
    openAiError(o.body) !== undefined &&
    errorSource(o.body) === 'edge';
  return right ? undefined : diagnose(o);
}

/** Configured models LiteLLM did not list (the check fails on these). */
export function missingModels(configured: readonly string[], listed: readonly string[]): string[] {
  return configured.filter((m) => !listed.includes(m));
}
