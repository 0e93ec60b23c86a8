import { z } from 'zod';
import { cidr } from './cidr';

/** DNS names: lowercase labels joined by dots. */
const HOSTNAME = /^(?=.{4,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** Open WebUI, the employees' chat; it calls LiteLLM inside the cluster with a built-in consumer's key. */
export const openWebUiSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Team (tenants.teams[].name) whose models, MCP servers and budget the chat's built-in key gets; required when enabled. */
  team: z.string().min(1).optional(),
  minReplicas: z.number().int().min(1).max(20).default(1),
  maxReplicas: z.number().int().min(1).max(50).default(2),
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
    issuer: z.string().regex(/^https:\/\/[^\s]+$/, 'is not an https issuer URL'),
    clientId: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'is not a client id (letters, digits, _ . : -; at most 128)'),
    /** Existing Secrets Manager secret (plain text) holding the client secret; it outlives ephemeral environments. */
    clientSecretName: z.string().regex(SECRET_NAME, 'is not a secret name'),
    /** Claim carrying the user's groups (Entra ID: `groups`, with group ids as values). */
    groupsClaim: z.string().min(1).default('groups'),
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
});

type Issue = (path: (string | number)[], message: string) => void;
type OpenWebUi = z.output<typeof openWebUiSchema>;
type Web = z.output<typeof webSchema>;

/** Rules across the web settings, Open WebUI and the tenants. */
export function checkWeb(web: Web, openWebUi: OpenWebUi, teams: readonly { readonly name: string }[], issue: Issue): void {
  const domain = web.domain;
  if (domain && domain.base !== domain.zoneName && !domain.base.endsWith(`.${domain.zoneName}`)) {
    issue(['web', 'domain', 'base'], `"${domain.base}" is not in zone ${domain.zoneName} (allowed: the zone or a name under it)`);
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
}
