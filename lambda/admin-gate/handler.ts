import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { REFUSAL, decide, type ClientRegistry, type GateRule } from './decide';

export interface GateDependencies {
  readonly rule: GateRule;
  /** The pool's client registry; rejects when it cannot be read. */
  readonly clients: () => Promise<ClientRegistry>;
  readonly log: (message: string) => void;
}

/**
 * Pre-token-generation trigger: returns the event unchanged to let Cognito issue tokens, throws to refuse them.
 * Fails closed: an unreadable registry, an event without the caller's client id, or a client the registry does not
 * list refuses the sign-in.
 */
export function createHandler(deps: GateDependencies) {
  return async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
    const clientId = event.callerContext?.clientId;
    let registry: ClientRegistry | undefined;
    try {
      registry = await deps.clients();
    } catch (err) {
      deps.log(`refused ${event.triggerSource} for app client ${clientId}: could not read the client registry: ${(err as Error).name}`);
    }
    const groups = event.request?.groupConfiguration?.groupsToOverride ?? [];
    const decision = decide({ clientId, registry, groups }, deps.rule);
    if (!decision.admit) {
      deps.log(`refused ${event.triggerSource} for user ${event.userName}: ${decision.reason}`);
      throw new Error(REFUSAL);
    }
    return event;
  };
}
