import { z } from 'zod';
import { cidr } from './cidr';

/** DNS names: lowercase labels joined by dots. */
const HOSTNAME = /^(?=.{4,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const httpsUrl = (what: string) => z.string().regex(/^https:\/\/[^\s]+$/, `is not an https ${what} URL`);
const clientId = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'is not a client id (letters, digits, _ . : -; at most 128)');

/** Open WebUI, the employees' chat; it calls LiteLLM inside the cluster with a built-in consumer's key. */
export const openWebUiSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Team (tenants.teams[].name) whose models, MCP servers and budget the chat's built-in key gets; required when enabled. */
  team: z.string().min(1).optional(),
  minReplicas: z.number().int().min(1).max(20).default(1),
  maxReplicas: z.number().int().min(1).max(50).default(2),
  /**
   * Model group (one of the team's models) that retrieval embeds documents with, through LiteLLM; it is not offered
   * as a chat model. Absent: the embedding model bundled in the Open WebUI image, on the pod's CPU.
   */
  embeddingModel: z.string().min(1).optional(),
});

/** Hostnames under one Route 53 zone: chat.<base>, litellm.<base>, langfuse.<base> and api.<base>. */
const domainSchema = z.strictObject({
  /** Id of an existing public hosted zone; given, not looked up, so synth stays offline. */
  hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'is not a Route 53 hosted zone id (Z followed by capitals and digits)'),
  zoneName: z.string().regex(HOSTNAME, 'is not a DNS zone name (e.g. example.com)'),
  /** The zone itself or a name under it, e.g. dev.genai.example.com. */
  base: z.string().regex(HOSTNAME, 'is not a DNS name (e.g. genai.example.com)'),
});

/** The employees' identity provider: sign-in for Open WebUI, Langfuse and the admin hostnames. */
const ssoSchema = z.discriminatedUnion('provider', [
  /** A Cognito user pool for the workforce, created by the edge stack (users and groups managed in Cognito). */
  z.strictObject({ provider: z.literal('cognito') }),
  z.strictObject({
    /** An external OpenID Connect provider such as Entra ID, with one confidential web client registered for the platform. */
    provider: z.literal('oidc'),
    issuer: httpsUrl('issuer'),
    clientId: clientId,
    /** Existing Secrets Manager secret (plain text) holding the client secret; it outlives ephemeral environments. */
    clientSecretName: z.string().regex(SECRET_NAME, 'is not a secret name'),
    /** Claim carrying the user's groups (Entra ID: `groups`, with group ids as values). */
    groupsClaim: z.string().min(1).default('groups'),
    /**
     * The issuer's endpoints, from its discovery document. The load balancer's OIDC action needs them spelled out and
     * synth never fetches a discovery document, so they are required with `web.domain`.
     */
    authorizationEndpoint: httpsUrl('authorization endpoint').optional(),
    tokenEndpoint: httpsUrl('token endpoint').optional(),
    userInfoEndpoint: httpsUrl('user info endpoint').optional(),
    /**
     * A second app registration for the admin hostnames' sign-in, which the IdP lets only the admin group use (Entra
     * ID: "assignment required" with only that group assigned). The load balancer cannot check groups, so without
     * it the admin hostnames would admit every employee; required with `web.domain`.
     */
    adminClient: z.strictObject({ clientId: clientId, clientSecretName: z.string().regex(SECRET_NAME, 'is not a secret name') }).optional(),
    /**
     * Langfuse's own app registration, which the IdP lets only the admin group use (Entra ID: "assignment required"
     * with only that group assigned). Never Open WebUI's (`clientId`), which every employee may use: with it, any
     * employee could sign in to Langfuse. Required with `web.domain` (Langfuse signs in only on its public hostname).
     */
    langfuseClient: z
      .strictObject({ clientId: clientId, clientSecretName: z.string().regex(SECRET_NAME, 'is not a secret name') })
      .optional(),
  }),
]);

export const webSchema = z.strictObject({
  /** Without a domain the web UIs stay internal (kubectl port-forward), as the README describes. */
  domain: domainSchema.optional(),
  sso: ssoSchema.default({ provider: 'cognito' }),
  /** Group whose members are Open WebUI admins and may pass the admin hostnames' sign-in. */
  adminGroup: z.string().min(1).max(128).default('genai-platform-admins'),
  /** Source ranges allowed to reach the admin hostnames (LiteLLM, Langfuse); empty: any, after sign-in. */
  adminCidrs: z.array(cidr(8, 32)).default([]),
  /**
   * Requests per 5 minutes from one IP address before the web load balancer's WAF blocks it. Higher than the API's:
   * one page load of a web UI is dozens of requests, and an office behind one NAT address shares the count.
   */
  wafRateLimit: z.number().int().min(100).max(2_000_000_000).default(20_000),
});

type Issue = (path: (string | number)[], message: string) => void;
type OpenWebUi = z.output<typeof openWebUiSchema>;
type Web = z.output<typeof webSchema>;
/** The employees' identity provider as parsed (cognito, or an external OIDC issuer). */
export type WebSso = z.output<typeof ssoSchema>;

/** Rules across the web settings, Open WebUI and the tenants. */
export function checkWeb(
  web: Web,
  openWebUi: OpenWebUi,
  teams: readonly { readonly name: string; readonly models: readonly string[] }[],
  issue: Issue,
): void {
  const domain = web.domain;
  if (domain && domain.base !== domain.zoneName && !domain.base.endsWith(`.${domain.zoneName}`)) {
    issue(['web', 'domain', 'base'], `"${domain.base}" is not in zone ${domain.zoneName} (allowed: the zone or a name under it)`);
  }
  const sso = web.sso;
  if (domain && sso.provider === 'oidc') {
    const missing = (['authorizationEndpoint', 'tokenEndpoint', 'userInfoEndpoint', 'adminClient'] as const).filter((f) => !sso[f]);
    for (const field of missing) {
      issue(
        ['web', 'sso', field],
        field === 'adminClient'
          ? 'is required with web.domain (an app registration only the admin group may use; the load balancer cannot check groups)'
          : "is required with web.domain (the load balancer's sign-in needs it; copy it from the issuer's discovery document)",
      );
    }
  }
  if (domain && sso.provider === 'oidc') {
    if (!sso.langfuseClient) {
      issue(
        ['web', 'sso', 'langfuseClient'],
        "is required with web.domain (Langfuse's own app registration, which only the admin group may use; never Open WebUI's)",
      );
    } else if (sso.langfuseClient.clientId === sso.clientId) {
      issue(
        ['web', 'sso', 'langfuseClient', 'clientId'],
        "is Open WebUI's client id (every employee may use that one; register a separate app that only the admin group may use)",
      );
    }
  }
  if (web.adminCidrs.length > 0 && !domain) {
    issue(['web', 'adminCidrs'], 'is set without web.domain (without a domain there is no public admin hostname to restrict)');
  }
  if (openWebUi.minReplicas > openWebUi.maxReplicas) {
    issue(
      ['openWebUi', 'minReplicas'],
      `${openWebUi.minReplicas} is above maxReplicas ${openWebUi.maxReplicas} (allowed: 1 to maxReplicas)`,
    );
  }
  if (!openWebUi.enabled) return;
  if (openWebUi.team === undefined) {
    issue(['openWebUi', 'team'], 'is required when enabled (name the tenants team whose budget and models the chat gets)');
  } else if (!teams.some((t) => t.name === openWebUi.team)) {
    issue(
      ['openWebUi', 'team'],
      `"${openWebUi.team}" is not a team in tenants.teams (allowed: ${teams.map((t) => t.name).join(', ') || 'none declared'})`,
    );
  }
  const team = teams.find((t) => t.name === openWebUi.team);
  if (team && openWebUi.embeddingModel !== undefined && !team.models.includes(openWebUi.embeddingModel)) {
    issue(
      ['openWebUi', 'embeddingModel'],
      `"${openWebUi.embeddingModel}" is not a model of team ${team.name} (allowed: ${team.models.join(', ')})`,
    );
  }
}
