import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { AuthorizerConfig } from './config';
import { Denial } from './outcome';

export type EndUserSettings = Pick<AuthorizerConfig, 'browserClientIds' | 'endUserClaim'>;

/**
 * An end user LiteLLM can key spend and budgets on and API Gateway can put in a header: no space or control
 * character, bounded (Cognito `sub` is a UUID, Entra `oid` a GUID, Entra `sub` 43 base64url characters).
 */
export const END_USER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+=|-]{0,127}$/;

/**
 * Who a verified token's request is spent as. A browser app's client id accepts only a person's user token, and
 * the person (END_USER_CLAIM, `sub` by default) is the end user. Every other client id is a machine client: its
 * end user is the client id itself, whatever its claims say, so no machine token can name a person; a Cognito
 * issuer's token for a machine client must also look like one (client credentials: no `username`), so a user token
 * minted for a machine client's id is refused rather than spent as the machine.
 *
 * Cognito (docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html):
 * a user's access token carries `sub` (the user's id, never re-assigned) and `username`; a client-credentials
 * token carries no `username` (test/contracts/cognito-token.test.ts; also seen in markomirosavljev/fastapi-cognito
 * issue #30, 2025-02-14, read 2026-12-06).
 */
export function endUserOf(settings: EndUserSettings, clientId: string, claims: JwtPayload, cognitoIssuer: boolean): string {
  const browser = settings.browserClientIds.includes(clientId);
  const username = claims.username ?? claims['cognito:username'];
  if (!browser) {
    // A Cognito user token always carries `username`; `sub` is not compared with the client id, which no page read
    // confirms for client-credentials tokens, and a mismatch would otherwise refuse every machine call.
    if (cognitoIssuer && username !== undefined) throw new Denial('user_token_for_machine_client', clientId);
    return clientId;
  }
  const person = claims[settings.endUserClaim];
  // A client-credentials token names the client where a person should be; Cognito's also lacks `username`.
  if (typeof person !== 'string' || person === clientId || (cognitoIssuer && typeof username !== 'string')) {
    throw new Denial('machine_token_for_browser_app', clientId);
  }
  if (!END_USER_PATTERN.test(person)) throw new Denial('invalid_end_user', clientId);
  return person;
}
