import type { CheckContext } from '../../bin/smoke-checks';
import { CLIENT_HEADERS_CAUSE, checkClientHeadersRefused } from '../../bin/smoke-client-headers';

const ROOT = 'https://abc.execute-api.eu-west-1.amazonaws.com/api';

function context(status: number, body: unknown, sent: { url: string; headers: Headers }[] = []): CheckContext {
  const fetch = (async (url: string, init?: RequestInit) => {
    sent.push({ url, headers: new Headers(init?.headers) });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { fetch, now: () => 0, sleep: async () => undefined, timeoutMs: 1000, gatewayUrl: `${ROOT}/v1` };
}

const edgeError = (type: string, code: string) => ({ error: { message: 'm', type, code, request_id: 'r' } });

describe('smoke client header probe', () => {
  test('passes on the edge 403 request_blocked; sends the header in mixed case on an existing route, without a token', async () => {
    const sent: { url: string; headers: Headers }[] = [];
    const result = await checkClientHeadersRefused(context(403, edgeError('permission_error', 'request_blocked'), sent), ROOT);
    expect(result).toEqual({ name: 'client tag header (X-LiteLLM-Tags) refused by WAF (403)', outcome: 'pass', ms: 0 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(`${ROOT}/v1/models`);
    expect(sent[0]!.headers.get('x-litellm-tags')).toBe('team:smoke-forged');
    expect(sent[0]!.headers.get('authorization')).toBeNull();
  });

  test.each<[string, number, unknown]>([
    ['the authorizer answered (the rule let it through)', 401, edgeError('invalid_request_error', 'invalid_api_key')],
    ['a 403 from the authorizer, not WAF', 403, edgeError('permission_error', 'access_denied')],
    ['LiteLLM answered', 200, { data: [] }],
  ])('fails when %s', async (_what, status, body) => {
    const result = await checkClientHeadersRefused(context(status, body), ROOT);
    expect(result).toMatchObject({ outcome: 'fail', cause: CLIENT_HEADERS_CAUSE, name: 'client tag header (X-LiteLLM-Tags) refused' });
  });
});
