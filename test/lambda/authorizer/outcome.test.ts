import { AuthorizerFault, Denial, errorName, FORBIDDEN_REASONS, statusOf, UNAUTHORIZED_REASONS } from '../../../lambda/authorizer/outcome';

describe('outcome', () => {
  test.each(UNAUTHORIZED_REASONS.map((r) => [r]))('%s is a 401', (reason) => {
    expect(statusOf(reason)).toBe(401);
  });

  test.each(FORBIDDEN_REASONS.map((r) => [r]))('%s is a 403', (reason) => {
    expect(statusOf(reason)).toBe(403);
  });

  test('a denial carries its status and client', () => {
    expect(new Denial('unknown_client', 'c1')).toMatchObject({
      status: 403,
      reason: 'unknown_client',
      clientId: 'c1',
      message: 'unknown_client',
    });
  });

  test('a fault keeps only the name of its cause', () => {
    expect(new AuthorizerFault('jwks_unavailable', 'FetchError')).toMatchObject({ reason: 'jwks_unavailable', causeName: 'FetchError' });
  });

  test.each<[unknown, string]>([
    [new TypeError('x'), 'TypeError'],
    [new (class Custom extends Error {})('x'), 'Custom'],
    ['s', 'string'],
  ])('names %p as %s', (err, name) => {
    expect(errorName(err)).toBe(name);
  });
});
