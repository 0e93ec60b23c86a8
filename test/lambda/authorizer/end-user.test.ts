import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { END_USER_PATTERN, endUserOf } from '../../../lambda/authorizer/end-user';
import { Denial } from '../../../lambda/authorizer/outcome';

const settings = { browserClientIds: ['spa1'], endUserClaim: 'sub' };
const person = '3f0c7a52-1d2e-4b8a-9f00-7c1d2e3f4a5b';
const reason = (fn: () => unknown): string => {
  try {
    return `allow:${String(fn())}`;
  } catch (err) {
    return err instanceof Denial ? `${err.status}:${err.reason}` : 'other';
  }
};

describe('end user of a verified token', () => {
  test("a browser app's Cognito user token is spent as the person (sub)", () => {
    expect(endUserOf(settings, 'spa1', { sub: person, username: person, client_id: 'spa1' }, true)).toBe(person);
  });

  test('an external issuer needs no username: the configured claim names the person', () => {
    expect(endUserOf({ ...settings, endUserClaim: 'oid' }, 'spa1', { oid: person, azp: 'spa1' }, false)).toBe(person);
  });

  test('a machine client is spent as itself', () => {
    expect(endUserOf(settings, 'bot1', { sub: 'bot1', client_id: 'bot1' }, true)).toBe('bot1');
  });

  test.each<[string, string, Record<string, unknown>, boolean, string]>([
    [
      'a client-credentials token on a browser app id (sub is the client)',
      'spa1',
      { sub: 'spa1', client_id: 'spa1' },
      true,
      '403:machine_token_for_browser_app',
    ],
    ['a browser app token without username (Cognito)', 'spa1', { sub: person }, true, '403:machine_token_for_browser_app'],
    [
      'a browser app token naming the client as person',
      'spa1',
      { sub: 'spa1', username: 'spa1' },
      true,
      '403:machine_token_for_browser_app',
    ],
    ['a browser app token without the person claim', 'spa1', { username: 'ada' }, true, '403:machine_token_for_browser_app'],
    [
      'a browser app token whose person claim is no string',
      'spa1',
      { sub: ['a', 'b'], username: 'ada' },
      true,
      '403:machine_token_for_browser_app',
    ],
    [
      'a person id with a line break (header injection)',
      'spa1',
      { sub: 'ada\r\nx-litellm-customer-id: bob', username: 'ada' },
      true,
      '403:invalid_end_user',
    ],
    ['a person id with a space', 'spa1', { sub: 'ada lovelace', username: 'ada' }, true, '403:invalid_end_user'],
    ['a person id over 128 characters', 'spa1', { sub: 'a'.repeat(129), username: 'ada' }, true, '403:invalid_end_user'],
    [
      'a user token (username) on a machine client id',
      'bot1',
      { sub: person, username: person, client_id: 'bot1' },
      true,
      '403:user_token_for_machine_client',
    ],
    [
      'a machine token with a forged cognito:username',
      'bot1',
      { sub: 'bot1', 'cognito:username': 'ada' },
      true,
      '403:user_token_for_machine_client',
    ],
  ])('denies %s', (_name, clientId, claims, cognito, expected) => {
    expect(reason(() => endUserOf(settings, clientId, claims as JwtPayload, cognito))).toBe(expected);
  });

  test('a Cognito machine token whose sub is not its client id is still spent as the machine, never as that sub', () => {
    expect(endUserOf(settings, 'bot1', { sub: person, client_id: 'bot1' }, true)).toBe('bot1');
  });

  test('a machine token of an external issuer never names a person, whatever its claims say', () => {
    const claims = { sub: person, oid: person, email: 'ada@example.com', preferred_username: 'ada', azp: 'bot1' };
    expect(endUserOf({ ...settings, endUserClaim: 'oid' }, 'bot1', claims, false)).toBe('bot1');
  });

  test('the end-user pattern takes Cognito, Entra and e-mail-like ids, nothing a header could be split on', () => {
    for (const ok of [person, 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ', 'ada@example.com', 'auth0|5f7c8ec7c33c6c004bbafe82']) {
      expect(END_USER_PATTERN.test(ok)).toBe(true);
    }
    for (const bad of ['', ' ada', 'ada\n', 'a,b', 'a;b', 'a"b', '-leading']) expect(END_USER_PATTERN.test(bad)).toBe(false);
  });
});
