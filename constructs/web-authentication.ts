import type { SecretValue } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';

/**
 * How the public load balancer signs a person in before forwarding to an admin UI: Cognito's own action for a
 * workforce user pool, or the generic OIDC action for an external issuer. Made by the workforce identity, read by
 * the web load balancer.
 */
export type WebAuthentication =
  | {
      readonly kind: 'cognito';
      readonly userPool: cognito.IUserPool;
      readonly client: cognito.IUserPoolClient;
      readonly domain: cognito.IUserPoolDomain;
      /** Scopes the admin client requests. */
      readonly scope: string;
    }
  | {
      readonly kind: 'oidc';
      readonly issuer: string;
      readonly authorizationEndpoint: string;
      readonly tokenEndpoint: string;
      readonly userInfoEndpoint: string;
      readonly clientId: string;
      /** A dynamic reference to Secrets Manager, never a literal. */
      readonly clientSecret: SecretValue;
      readonly scope: string;
    };
