import type { EnvironmentConfig } from '../../lib/config/schema';
import type { WebSso } from '../../lib/config/web-schema';

/** A test zone; no environment has a real one (dev and prod configure no web.domain). */
export const TEST_DOMAIN = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', base: 'dev.genai.example.com' } as const;

/** The Entra ID tenant of the test registrations. */
export const ENTRA = 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000';

/** An Entra ID registration as an `oidc` web.sso config would give it, with the admin-only registrations (load balancer, Langfuse). */
export const ENTRA_SSO: Extract<WebSso, { provider: 'oidc' }> = {
  provider: 'oidc',
  issuer: `${ENTRA}/v2.0`,
  clientId: 'genai-web',
  clientSecretName: 'corp/genai-web',
  groupsClaim: 'groups',
  authorizationEndpoint: `${ENTRA}/oauth2/v2.0/authorize`,
  tokenEndpoint: `${ENTRA}/oauth2/v2.0/token`,
  userInfoEndpoint: 'https://graph.microsoft.com/oidc/userinfo',
  adminClient: { clientId: 'genai-admin', clientSecretName: 'corp/genai-admin' },
  // Langfuse's own admin-only registration, never Open WebUI's.
  langfuseClient: { clientId: 'genai-langfuse', clientSecretName: 'corp/genai-langfuse' },
};

/** An environment with a public web domain (dev and prod have none), optionally with another identity provider. */
export function withWebDomain(config: EnvironmentConfig, sso: WebSso = config.web.sso): EnvironmentConfig {
  return {
    ...config,
    web: {
      ...config.web,
      sso,
      domain: { ...TEST_DOMAIN, base: `${config.name}.genai.example.com` },
    },
  };
}
