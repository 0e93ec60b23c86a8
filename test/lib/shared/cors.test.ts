import {
  CORS_ALLOWED_HEADERS,
  allowedOrigin,
  appUrlProblem,
  originProblem,
  preflightHeaders,
  responseCorsHeaders,
  uniqueOrigins,
} from '../../../lib/shared/cors';

const configured = ['https://dash.example.com', 'https://ops.example.com:8443'];

describe('CORS origin decision', () => {
  test.each(configured)('allows the configured origin %s, echoed exactly', (origin) => {
    expect(allowedOrigin(origin, configured)).toBe(origin);
  });

  test.each([
    ['a foreign origin', 'https://evil.example.net'],
    ['a look-alike suffix', 'https://dash.example.com.evil.net'],
    ['a configured host on plain http', 'http://dash.example.com'],
    ['another port of a configured host', 'https://dash.example.com:8443'],
    ['a case variant (browsers send lowercase; no one else is trusted)', 'https://DASH.example.com'],
    ['a trailing slash', 'https://dash.example.com/'],
    ['the opaque origin of a sandboxed frame or file', 'null'],
    ['the wildcard', '*'],
    ['an empty header', ''],
  ])('denies %s', (_name, origin) => {
    expect(allowedOrigin(origin, configured)).toBeUndefined();
    expect(preflightHeaders(origin, configured, ['POST'])).toBeUndefined();
    expect(responseCorsHeaders(origin, configured)).toEqual({ Vary: 'Origin' });
  });

  test('denies a request without Origin (not a cross-origin browser call)', () => {
    expect(allowedOrigin(undefined, configured)).toBeUndefined();
  });

  test('denies every origin when none is configured', () => {
    expect(allowedOrigin('https://dash.example.com', [])).toBeUndefined();
  });

  test('a preflight answer for a configured origin: its methods, the SDK headers, a max age, Vary, never credentials', () => {
    const headers = preflightHeaders('https://dash.example.com', configured, ['GET', 'DELETE'])!;
    expect(headers).toEqual({
      'Access-Control-Allow-Origin': 'https://dash.example.com',
      'Access-Control-Allow-Methods': 'GET,DELETE,OPTIONS',
      'Access-Control-Allow-Headers': CORS_ALLOWED_HEADERS.join(','),
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    });
    expect(Object.keys(headers)).not.toContain('Access-Control-Allow-Credentials');
    expect(Object.values(headers)).not.toContain('*');
  });

  test('a browser may not even ask to send LiteLLM headers (key, end user, tags) cross-origin', () => {
    expect(CORS_ALLOWED_HEADERS.filter((h) => h.startsWith('x-litellm') || h === 'cookie')).toEqual([]);
    expect(CORS_ALLOWED_HEADERS).toEqual(CORS_ALLOWED_HEADERS.map((h) => h.toLowerCase()));
  });

  test('error answers of the edge echo only a configured origin', () => {
    expect(responseCorsHeaders('https://ops.example.com:8443', configured)).toEqual({
      'Access-Control-Allow-Origin': 'https://ops.example.com:8443',
      Vary: 'Origin',
    });
  });

  test('origins of several apps are merged without repeats, in order', () => {
    expect(
      uniqueOrigins([{ origins: ['https://a.example.com', 'https://b.example.com'] }, { origins: ['https://b.example.com'] }]),
    ).toEqual(['https://a.example.com', 'https://b.example.com']);
  });
});

describe('origin and app URL syntax', () => {
  test.each(['https://dash.example.com', 'https://dash.example.com:8443', 'https://127.0.0.1:9443', 'https://xn--bcher-kva.example'])(
    'accepts the exact origin %s',
    (origin) => {
      expect(originProblem(origin)).toBeUndefined();
    },
  );

  test('an app URL may have a path and query on a configured origin', () => {
    expect(appUrlProblem('https://dash.example.com/auth/callback?next=1', configured)).toBeUndefined();
  });

  test('an app URL on a configured host with another port is refused', () => {
    expect(appUrlProblem('https://dash.example.com:444/cb', configured)).toBe(
      "is not on one of the app's origins (allowed: https://dash.example.com, https://ops.example.com:8443)",
    );
  });
});
