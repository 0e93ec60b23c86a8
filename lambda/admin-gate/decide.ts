/**
 * Which sign-ins the workforce pool's pre-token-generation trigger lets through. Pure: the client's name and the
 * user's groups come from the handler.
 */

export interface GateRule {
  /** App client names only the admin group may get tokens for (the load balancer's admin sign-in, Langfuse). */
  readonly gatedClientNames: readonly string[];
  readonly adminGroup: string;
}

export interface SignIn {
  /** Name of the app client the tokens are for; undefined when it could not be read (refused for safety). */
  readonly clientName: string | undefined;
  /** The user's groups as Cognito lists them in the event (request.groupConfiguration.groupsToOverride). */
  readonly groups: readonly string[];
}

export type Decision = { readonly admit: true } | { readonly admit: false; readonly reason: string };

/** Shown by Cognito's sign-in page after "PreTokenGeneration failed with error"; names no user and no group list. */
export const REFUSAL = 'this sign-in is for platform administrators only.';

export function decide(signIn: SignIn, rule: GateRule): Decision {
  if (signIn.clientName === undefined) return { admit: false, reason: 'unknown app client' };
  if (!rule.gatedClientNames.includes(signIn.clientName)) return { admit: true };
  if (signIn.groups.includes(rule.adminGroup)) return { admit: true };
  return { admit: false, reason: `not in ${rule.adminGroup} for client ${signIn.clientName}` };
}
