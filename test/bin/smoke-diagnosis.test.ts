import { CAUSES, diagnose, errorSource, missingModels, refusalProblem, type Observation } from '../../bin/smoke-diagnosis';

/** LiteLLM's error body (proxy_server.py's ProxyException handler): message, type, param, code as a string. */
const liteLlm = (status: number, message: string, type = 'auth_error', param: string | null = 'None') => ({
  error: { message, type, param, code: String(status) },
});
/** The edge's own error body (lib/edge-stack.ts gateway responses). */
const edge = (message: string, type: string, code: string) => ({ error: { message, type, code, request_id: 'req-1' } });

const UNAUTHORIZED = edge('Unauthorized', 'invalid_request_error', 'invalid_api_key');
const ACCESS_DENIED = edge('User is not authorized to access this resource', 'permission_error', 'access_denied');
const UNKNOWN_ROUTE = edge('Missing Authentication Token', 'invalid_request_error', 'unknown_route');

describe('errorSource', () => {
  test('tells LiteLLM (its errors carry param) from the edge (OpenAI-style without param) and from neither', () => {
    expect(errorSource(liteLlm(401, 'Authentication Error, No api key passed in.'))).toBe('litellm');
    expect(errorSource(UNAUTHORIZED)).toBe('edge');
    expect(errorSource({ message: 'Unauthorized' })).toBe('unknown');
    expect(errorSource('<html>502 Bad Gateway</html>')).toBe('unknown');
  });
});

describe('diagnose: authenticated calls', () => {
  const models = (status: number, body: unknown): Observation => ({ step: 'models', status, body });

  test.each([
    ['No api key passed in.', 'Authentication Error, No api key passed in.'],
    [
      'a malformed key (the Bearer-only parser of litellm_key_header_name)',
      'Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.',
    ],
  ])('401 from LiteLLM for %s: the virtual key header did not reach LiteLLM in a form it reads', (_, message) => {
    expect(diagnose(models(401, liteLlm(401, message)))).toBe(CAUSES.keyHeaderNotRead);
  });

  test('401 from LiteLLM for an unknown key: the key is not in LiteLLM', () => {
    const body = liteLlm(
      401,
      'Authentication Error, Invalid proxy server token passed. Received API Key = sk-...abcd. Unable to find token in cache',
    );
    expect(diagnose(models(401, body))).toBe(CAUSES.keyNotInLiteLlm);
  });

  test('any other 401 from LiteLLM: the virtual key header did not reach the gateway or the key is not in LiteLLM', () => {
    expect(diagnose(models(401, liteLlm(401, 'Authentication Error, something new')))).toBe(CAUSES.keyRefusedByLiteLlm);
    expect(CAUSES.keyRefusedByLiteLlm).toContain('the virtual key header did not reach the gateway or the key is not in LiteLLM');
  });

  test('401 from the edge for a fresh token: the authorizer does not trust the issuer, client or scope', () => {
    expect(diagnose(models(401, UNAUTHORIZED))).toBe(CAUSES.authorizerRejectsFreshToken);
  });

  test('403 from API Gateway on models: authorizer denied, the client id has no virtual key in Secrets Manager', () => {
    expect(diagnose(models(403, ACCESS_DENIED))).toBe(CAUSES.authorizerDenied);
    expect(CAUSES.authorizerDenied).toContain('authorizer denied: client id has no virtual key in Secrets Manager');
  });

  test('403 with the WAF code: blocked by WAF, not by the authorizer', () => {
    expect(diagnose(models(403, edge('Forbidden', 'permission_error', 'request_blocked')))).toBe(CAUSES.wafBlocked);
  });

  test('a model the key may not use: LiteLLM refused the model', () => {
    const body = liteLlm(
      401,
      "key not allowed to access model. This key can only access models=['a']. Tried to access b",
      'key_model_access_denied',
      'model',
    );
    expect(diagnose({ step: 'chat', status: 401, body })).toBe(CAUSES.modelNotAllowed);
  });

  test('400 "Invalid model name" from LiteLLM: the config has not rolled out', () => {
    const body = liteLlm(
      400,
      'Invalid model name passed in model=claude-opus-4. Call `/v1/models` to view available models for your key.',
      'invalid_request_error',
    );
    expect(diagnose({ step: 'chat', status: 400, body })).toBe(CAUSES.configNotRolledOut);
  });

  test.each([502, 503, 504])('%i from the edge: no healthy targets behind the load balancer', (status) => {
    expect(diagnose(models(status, edge('Internal server error', 'api_error', 'upstream_error')))).toBe(CAUSES.noHealthyTargets);
    expect(diagnose(models(status, '<html>Bad Gateway</html>'))).toBe(CAUSES.noHealthyTargets);
  });

  test('a 500 from the edge that is not the authorizer: the integration failed, so no healthy targets', () => {
    expect(diagnose(models(500, { error: { message: 'Internal server error', type: 'api_error', code: '500' } }))).toBe(
      CAUSES.noHealthyTargets,
    );
    expect(CAUSES.noHealthyTargets).toContain(
      'no healthy targets behind the load balancer (TargetGroupBinding / eks:eks-cluster-name tag)',
    );
  });

  test('a 500 naming the authorizer: the authorizer failed', () => {
    expect(diagnose(models(500, edge('Authorizer failure', 'api_error', 'authorizer_failure')))).toBe(CAUSES.authorizerFailed);
  });

  test('a 5xx from LiteLLM: the model provider call failed', () => {
    const body = liteLlm(500, 'litellm.APIConnectionError: BedrockException - AccessDeniedException', 'internal_server_error');
    expect(diagnose({ step: 'chat', status: 500, body })).toBe(CAUSES.liteLlmProviderError);
  });

  test('429: throttled at the edge, or a limit in LiteLLM', () => {
    expect(diagnose(models(429, edge('Too Many Requests', 'rate_limit_error', 'rate_limit_exceeded')))).toBe(CAUSES.throttledAtEdge);
    expect(diagnose(models(429, liteLlm(429, 'Crossed TPM / RPM / Max Parallel Request Limit', 'rate_limit_error')))).toBe(
      CAUSES.throttledByLiteLlm,
    );
  });

  test('404 from the edge: the route is not deployed', () => {
    expect(diagnose(models(404, UNKNOWN_ROUTE))).toBe(CAUSES.routeMissing);
  });

  test('no response at all: the gateway is unreachable', () => {
    expect(diagnose({ step: 'models', error: 'fetch failed: ENOTFOUND' })).toBe(CAUSES.gatewayUnreachable);
  });
});

describe('diagnose: the token endpoint', () => {
  test.each([
    ['invalid_client', CAUSES.invalidClient],
    ['invalid_scope', CAUSES.invalidScope],
    ['unauthorized_client', CAUSES.unauthorizedClient],
  ])('400 %s', (error, cause) => {
    expect(diagnose({ step: 'token', status: 400, body: { error } })).toBe(cause);
  });

  test('another answer names its status and OAuth error', () => {
    expect(diagnose({ step: 'token', status: 400, body: { error: 'invalid_request' } })).toBe(
      'token endpoint answered 400 invalid_request: no access token issued',
    );
  });

  test('no response: the token endpoint is unreachable', () => {
    expect(diagnose({ step: 'token', error: 'fetch failed: ENOTFOUND' })).toBe(CAUSES.tokenEndpointUnreachable);
  });
});

describe('diagnose: AWS setup calls', () => {
  test('access denied names the permissions the run needs', () => {
    expect(
      diagnose({
        step: 'client-secret',
        error: 'User: x is not authorized to perform: cognito-idp:DescribeUserPoolClient',
        errorName: 'AccessDeniedException',
      }),
    ).toBe(CAUSES.awsAccessDenied);
  });

  test('missing credentials', () => {
    expect(
      diagnose({ step: 'outputs', error: 'Could not load credentials from any providers', errorName: 'CredentialsProviderError' }),
    ).toBe(CAUSES.awsCredentials);
  });

  test('an unknown client id: the outputs are stale', () => {
    expect(diagnose({ step: 'client-secret', error: 'User pool client x does not exist.', errorName: 'ResourceNotFoundException' })).toBe(
      CAUSES.clientNotInPool,
    );
  });

  test('a stack that is not there: deploy it first', () => {
    expect(diagnose({ step: 'outputs', error: 'Stack with id genai-dev-edge does not exist', errorName: 'ValidationError' })).toBe(
      CAUSES.edgeStackMissing,
    );
  });
});

describe('diagnose: Langfuse', () => {
  test('unreachable: LangfuseUrl is internal-only', () => {
    expect(diagnose({ step: 'langfuse', error: 'timed out' })).toBe(CAUSES.langfuseUnreachable);
  });

  test('401: the keys are not the init project keys', () => {
    expect(diagnose({ step: 'langfuse', status: 401, body: { message: 'Invalid credentials' } })).toBe(CAUSES.langfuseKeysRejected);
  });

  test('200 without the trace: traces are not arriving', () => {
    expect(diagnose({ step: 'langfuse', status: 200, body: { data: [] } })).toBe(CAUSES.noTrace);
  });
});

describe('refusalProblem', () => {
  test('a 401 from the edge with an OpenAI-style body is the right refusal of a missing or bad token', () => {
    for (const step of ['no-token', 'foreign-token', 'expired-token'] as const) {
      expect(refusalProblem({ step, status: 401, body: UNAUTHORIZED })).toBeUndefined();
    }
  });

  test('a 403 or 404 from the edge is the right refusal of an admin route', () => {
    expect(refusalProblem({ step: 'admin-route', status: 404, body: UNKNOWN_ROUTE })).toBeUndefined();
    expect(refusalProblem({ step: 'admin-route', status: 403, body: ACCESS_DENIED })).toBeUndefined();
  });

  test('an answered request without a token: a method has no authorizer', () => {
    expect(refusalProblem({ step: 'no-token', status: 200, body: { object: 'list', data: [] } })).toBe(CAUSES.unauthenticatedAccepted);
  });

  test.each(['foreign-token', 'expired-token'] as const)('an answered %s: signature checking is broken', (step) => {
    expect(refusalProblem({ step, status: 200, body: { object: 'list', data: [] } })).toBe(CAUSES.foreignTokenAccepted);
  });

  test('an admin route answered 200: reachable through the edge', () => {
    expect(refusalProblem({ step: 'admin-route', status: 200, body: '<!doctype html><title>LiteLLM Dashboard</title>' })).toBe(
      CAUSES.adminRouteReachable,
    );
  });

  test('an admin route refused by LiteLLM rather than the edge: it reaches LiteLLM', () => {
    const body = liteLlm(
      401,
      'Authentication Error, Only proxy admin can be used to generate, delete, update info for new keys/users/teams.',
    );
    expect(refusalProblem({ step: 'admin-route', status: 401, body })).toBe(CAUSES.adminRouteReachesLiteLlm);
  });

  test('a bad token refused by LiteLLM rather than the edge: it passed no authorizer', () => {
    expect(
      refusalProblem({ step: 'foreign-token', status: 401, body: liteLlm(401, 'Authentication Error, Malformed API Key passed in.') }),
    ).toBe(CAUSES.reachedLiteLlmWithoutAuthorizer);
  });

  test('a 500 for a bad token: the authorizer failed instead of refusing', () => {
    expect(
      refusalProblem({ step: 'foreign-token', status: 500, body: edge('Authorizer failure', 'api_error', 'authorizer_failure') }),
    ).toBe(CAUSES.authorizerErroredOnBadToken);
  });

  test("a refusal in API Gateway's own words, not OpenAI-style: the gateway responses are missing", () => {
    expect(refusalProblem({ step: 'no-token', status: 401, body: { message: 'Unauthorized' } })).toBe(CAUSES.notOpenAiStyle);
  });

  test('the wrong refusal status says which one was expected', () => {
    expect(refusalProblem({ step: 'foreign-token', status: 403, body: ACCESS_DENIED })).toBe('refused with 403 instead of 401');
    expect(refusalProblem({ step: 'admin-route', status: 400, body: edge('Bad request', 'invalid_request_error', 'bad_request') })).toBe(
      'refused with 400 instead of 403 or 404',
    );
  });

  test('no response is no refusal', () => {
    expect(refusalProblem({ step: 'no-token', error: 'timed out' })).toBe(CAUSES.gatewayUnreachable);
  });
});

test('missingModels lists configured models the gateway did not list, in config order', () => {
  expect(missingModels(['a', 'b', 'c'], ['c', 'a', 'extra'])).toEqual(['b']);
  expect(missingModels(['a'], ['a'])).toEqual([]);
});
