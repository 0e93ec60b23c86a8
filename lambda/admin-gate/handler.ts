import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { REFUSAL, decide, type GateRule } from './decide';

export interface GateDependencies {
  readonly rule: GateRule;
  readonly clientName: (userPoolId: string, clientId: string) => Promise<string>;
  readonly log: (message: string) => void;
}

/**
 * Pre-token-generation trigger: returns the event unchanged to let Cognito issue tokens, throws to refuse them.
 * Fails closed: an unreadable client, or an event without the caller's client id, refuses the sign-in.
 */
export function createHandler(deps: GateDependencies) {
  return async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
    const clientId = event.callerContext?.clientId;
    let clientName: string | undefined;
    try {
      clientName = clientId ? await deps.clientName(event.userPoolId, clientId) : undefined;
    } catch (err) {
      deps.log(`refused ${event.triggerSource}: could not read app client ${clientId}: ${(err as Error).name}`);
      throw new Error(REFUSAL, { cause: err });
    }
    const groups = event.request?.groupConfiguration?.groupsToOverride ?? [];
    const decision = decide({ clientName, groups }, deps.rule);
    if (!decision.admit) {
      deps.log(`refused ${event.triggerSource} for user ${event.userName}: ${decision.reason}`);
      throw new Error(REFUSAL);
    }
    return event;
  };
}
