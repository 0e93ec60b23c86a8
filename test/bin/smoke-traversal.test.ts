import type { CheckContext } from '../../bin/smoke-checks';
import { TRAVERSAL_CAUSE, TRAVERSAL_PROBES, checkTraversalRefused } from '../../bin/smoke-traversal';
import { TRAVERSAL_DECODING, TRAVERSAL_PATTERN } from '../../constructs/gateway-firewall';
import { regexRuleMatches } from '../support/waf-stand-in';

const ROOT = 'https://abc.execute-api.eu-west-1.amazonaws.com/api';
const RULE = {
  RegexString: TRAVERSAL_PATTERN,
  FieldToMatch: { UriPath: {} },
  TextTransformations: TRAVERSAL_DECODING.map((Type, Priority) => ({ Priority, Type })),
};

function context(status: number, body: unknown, seen: string[] = []): CheckContext {
  const fetch = (async (url: string) => {
    seen.push(url);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, now: () => 0, sleep: async () => undefined, timeoutMs: 1000, gatewayUrl: `${ROOT}/v1` };
}

const edgeError = (type: string, code: string) => ({ error: { message: 'm', type, code, request_id: 'r' } });

describe('smoke traversal probes', () => {
  test.each(TRAVERSAL_PROBES.map((p) => [p.label, p.path]))('%s reaches the edge as written (fetch does not resolve it)', (_l, path) => {
    expect(new URL(`${ROOT}/${path}`).pathname).toBe(`/api/${path}`);
  });

  test.each(TRAVERSAL_PROBES.map((p) => [p.label, p.path]))('%s is one the deployed WAF rule refuses', (_l, path) => {
    expect(regexRuleMatches(RULE, `/api/${path}`)).toBe(true);
  });

  test('passes on the edge 403 request_blocked, sending no token', async () => {
    const urls: string[] = [];
    const result = await checkTraversalRefused(
      context(403, edgeError('permission_error', 'request_blocked'), urls),
      ROOT,
      TRAVERSAL_PROBES[0]!,
    );
    expect(result).toEqual({ name: 'path traversal (encoded slash in {model}) refused by WAF (403)', outcome: 'pass', ms: 0 });
    expect(urls).toEqual([`${ROOT}/v1/models/..%2F..%2Fkey%2Flist`]);
  });

  test.each<[string, number, unknown]>([
    ['the authorizer answered (the rule let it through)', 401, edgeError('invalid_request_error', 'invalid_api_key')],
    ['a 403 from the authorizer, not WAF', 403, edgeError('permission_error', 'access_denied')],
    ['the route table answered', 404, edgeError('invalid_request_error', 'unknown_route')],
    ['LiteLLM answered', 200, { data: [] }],
  ])('fails when %s', async (_what, status, body) => {
    const result = await checkTraversalRefused(context(status, body), ROOT, TRAVERSAL_PROBES[1]!);
    expect(result).toMatchObject({ outcome: 'fail', cause: TRAVERSAL_CAUSE, name: 'path traversal (encoded dots in {model}) refused' });
  });
});
