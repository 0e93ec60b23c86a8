/**
 * Which sign-ins the workforce pool's pre-token-generation trigger lets through. Pure: the client id, the pool's
 * client registry and the user's groups come from the handler.
 */

export interface GateRule {
  /** Group whose members may get tokens for the gated clients. */
  readonly adminGroup: string;
}

/**
 * The pool's app clients by id, as the deployment wrote them (constructs/workforce-identity.ts): ids, never names,
 * because a name can be changed in the console while an id never changes (a replaced client gets a new id).
 */
export interface ClientRegistry {
  /** Clients only the admin group may get tokens for (the load balancer's admin sign-in, Langfuse). */
  readonly gated: readonly string[];
  /** Clients every user of the pool may sign in to (Open WebUI). */
  readonly open: readonly string[];
}

export interface SignIn {
  /** The app client the tokens are for (callerContext.clientId); undefined when the event carries none. */
  readonly clientId: string | undefined;
  /** undefined when the registry could not be read: nobody can tell which clients are gated, so all are refused. */
  readonly registry: ClientRegistry | undefined;
  /** The user's groups as Cognito lists them in the event (request.groupConfiguration.groupsToOverride). */
  readonly groups: readonly string[];
}

export type Decision = { readonly admit: true } | { readonly admit: false; readonly reason: string };

/** Shown by Cognito's sign-in page after "PreTokenGeneration failed with error"; names no user and no group list. */
export const REFUSAL = 'this sign-in is for platform administrators only.';

export function decide(signIn: SignIn, rule: GateRule): Decision {
  const { clientId, registry } = signIn;
  if (registry === undefined) return { admit: false, reason: 'app client registry unreadable' };
  if (clientId === undefined || clientId === '') return { admit: false, reason: 'no app client id in the event' };
  if (registry.gated.includes(clientId)) {
    if (signIn.groups.includes(rule.adminGroup)) return { admit: true };
    return { admit: false, reason: `not in ${rule.adminGroup} for gated client ${clientId}` };
  }
  if (registry.open.includes(clientId)) return { admit: true };
  // A client added outside the deployment (console, CLI) is neither: refused until the deployment lists it.
  return { admit: false, reason: `unknown app client ${clientId}` };
}
