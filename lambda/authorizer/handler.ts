import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { decide, type DecideDeps, type Decision } from './decide';
import type { Clock } from './jwks-cache';
import { AuthorizerFault, errorName } from './outcome';
import { allowResult, denyResult, stageResource } from './policy';
import type { Logger, Metrics } from './telemetry';

export type AuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
  context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
) => Promise<APIGatewayAuthorizerResult>;

export interface HandlerDeps {
  readonly decide: DecideDeps;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Monotonic-enough milliseconds for latency and deadlines. */
  readonly clock: Clock;
  readonly decisionBudgetMs: number;
}

/** API Gateway maps exactly this message to a 401 (and caches it like any result). */
export const UNAUTHORIZED = 'Unauthorized';
/** Any other thrown error is an authorizer failure: a 500 that API Gateway does not cache. */
export const AUTHORIZER_FAILURE = 'Authorizer failure';

const SAFETY_MARGIN_MS = 250;

/**
 * 401: throw 'Unauthorized'. 403: an explicit Deny policy. Fault: throw anything else (5xx).
 * Allow: a policy covering the whole stage, principalId = client id, the key only in the context.
 */
export function createHandler(deps: HandlerDeps): AuthorizerHandler {
  return async (event, context) => {
    const started = deps.clock();
    const requestId = context?.awsRequestId;
    let resource: string | undefined;
    let decision: Decision;
    try {
      resource = stageResource(event.methodArn);
      if (!resource) throw new AuthorizerFault('invalid_method_arn');
      const remaining = context ? context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS : Infinity;
      decision = await withDeadline(decide(event, deps.decide), Math.min(deps.decisionBudgetMs, remaining));
    } catch (err) {
      const fault = err instanceof AuthorizerFault ? err : new AuthorizerFault('internal_error', errorName(err));
      deps.metrics.decision('fault', fault.reason, deps.clock() - started);
      deps.logger.error('fault', { requestId, reason: fault.reason, cause: fault.causeName });
      // A fresh error on purpose: nothing of the cause may reach API Gateway or the caller.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(AUTHORIZER_FAILURE);
    }
    const latency = deps.clock() - started;
    if (decision.effect === 'allow') {
      deps.metrics.decision('allow', 'ok', latency);
      deps.logger.debug('allow', { requestId, clientId: decision.clientId });
      return allowResult(resource, { clientId: decision.clientId, endUser: decision.endUser, virtualKey: decision.virtualKey });
    }
    deps.metrics.decision('deny', decision.reason, latency);
    deps.logger.info('deny', { requestId, reason: decision.reason, status: decision.status, clientId: decision.clientId });
    if (decision.status === 401) throw new Error(UNAUTHORIZED);
    return denyResult(resource, decision.clientId ?? 'anonymous');
  };
}

/** A handler for a cold start whose configuration was rejected: every request fails closed. */
export function createMisconfiguredHandler(deps: Pick<HandlerDeps, 'logger' | 'metrics'>): AuthorizerHandler {
  return (_event, context) => {
    deps.metrics.decision('fault', 'config_invalid', 0);
    deps.logger.error('fault', { requestId: context?.awsRequestId, reason: 'config_invalid' });
    return Promise.reject(new Error(AUTHORIZER_FAILURE));
  };
}

function withDeadline(work: Promise<Decision>, ms: number): Promise<Decision> {
  if (!Number.isFinite(ms)) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuthorizerFault('decision_timeout')), Math.max(ms, 0));
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
