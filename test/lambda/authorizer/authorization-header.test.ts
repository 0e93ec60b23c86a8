import { extractBearerToken, type HeaderSource } from '../../../lambda/authorizer/authorization-header';
import { Denial } from '../../../lambda/authorizer/outcome';

const TOKEN = 'aaa.bbb.ccc';

function reasonFor(source: HeaderSource, max = 100): string {
  try {
    return `token:${extractBearerToken(source, max)}`;
  } catch (err) {
    return (err as Denial).reason;
  }
}

describe('extractBearerToken', () => {
  test.each<[string, HeaderSource, string]>([
    ['returns the token of a Bearer header', { headers: { Authorization: `Bearer ${TOKEN}` } }, `token:${TOKEN}`],
    ['accepts the scheme in any case', { headers: { authorization: `bEaReR ${TOKEN}` } }, `token:${TOKEN}`],
    [
      'accepts the header repeated identically in both maps',
      { headers: { Authorization: `Bearer ${TOKEN}` }, multiValueHeaders: { Authorization: [`Bearer ${TOKEN}`] } },
      `token:${TOKEN}`,
    ],
    ['denies when there is no Authorization header', { headers: { 'x-api-key': 'sk-1' } }, 'missing_token'],
    ['denies when headers are null', { headers: null, multiValueHeaders: null }, 'missing_token'],
    ['denies a blank header', { headers: { Authorization: '   ' } }, 'missing_token'],
    ['denies the Basic scheme', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } }, 'invalid_scheme'],
    ['denies a bare token without scheme', { headers: { Authorization: TOKEN } }, 'invalid_scheme'],
    ['denies the DPoP scheme', { headers: { Authorization: `DPoP ${TOKEN}` } }, 'invalid_scheme'],
    ['denies "Bearer" with nothing after it', { headers: { Authorization: 'Bearer' } }, 'empty_token'],
    ['denies "Bearer " with only spaces after it', { headers: { Authorization: 'Bearer    ' } }, 'empty_token'],
    [
      'denies two values in multiValueHeaders',
      { headers: { Authorization: `Bearer ${TOKEN}` }, multiValueHeaders: { Authorization: [`Bearer x.y.z`, `Bearer ${TOKEN}`] } },
      'multiple_authorization',
    ],
    [
      'denies two header names differing in case',
      { headers: { Authorization: `Bearer ${TOKEN}`, authorization: 'Bearer x.y.z' } },
      'multiple_authorization',
    ],
    [
      'denies values folded into one with a comma',
      { headers: { Authorization: `Bearer ${TOKEN}, Bearer x.y.z` } },
      'multiple_authorization',
    ],
    ['denies an oversized header before looking inside it', { headers: { Authorization: `Bearer ${'a'.repeat(200)}` } }, 'token_too_large'],
    ['denies a token just over the cap', { headers: { Authorization: `Bearer ${'a'.repeat(101)}` } }, 'token_too_large'],
  ])('%s', (_name, source, expected) => {
    expect(reasonFor(source)).toBe(expected);
  });

  test('accepts a token exactly at the cap', () => {
    expect(reasonFor({ headers: { Authorization: `Bearer ${'a'.repeat(100)}` } })).toBe(`token:${'a'.repeat(100)}`);
  });

  test('denials for a missing header are 401s', () => {
    expect(() => extractBearerToken({ headers: {} }, 10)).toThrow(Denial);
    try {
      extractBearerToken({ headers: {} }, 10);
    } catch (err) {
      expect((err as Denial).status).toBe(401);
    }
  });
});
