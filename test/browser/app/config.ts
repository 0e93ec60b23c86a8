/** What the app is built with: all of it public (a browser app has no secret). */
export interface DashboardConfig {
  /** The user pool's issuer: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  /** The pool domain's endpoints: `https://<domain>/oauth2/authorize` and `https://<domain>/oauth2/token`. */
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** The public app client the platform creates for the consumer's `browser` settings (README). */
  readonly clientId: string;
  /** This page's address: exactly one of the app's configured redirect URLs. */
  readonly redirectUri: string;
  /** `openid` and the gateway's scope, which the gateway requires in every token. */
  readonly scope: string;
  /** The gateway: `https://api.<domain>`. */
  readonly gatewayUrl: string;
  readonly model: string;
}
