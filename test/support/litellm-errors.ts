/**
 * The error answers of the LiteLLM proxy that clients of the gateway see, as test/contracts/litellm.test.ts states
 * them (BerriAI/litellm main line read 2026-11-29; where copies of different ages disagree, the contract test says
 * which part we rely on). Shared by the LiteLLM stand-in and the tests that check what reaches a client.
 */

/** LiteLLM's OpenAI-style error body: `code` is the HTTP status as a string. */
export interface LiteLlmError {
  readonly error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string };
}

/** An error answer: status, body and the headers LiteLLM adds. */
export interface LiteLlmRefusal {
  readonly status: number;
  readonly body: LiteLlmError;
  readonly headers?: Readonly<Record<string, string>>;
}

/** LiteLLM's error body for a failed check. */
export function liteLlmError(status: number, message: string, type: string, param: string | null = 'None'): LiteLlmError {
  return { error: { message, type, param, code: String(status) } };
}

/** Python's str() of a float, which LiteLLM's budget messages print: 1 becomes "1.0", 0.25 stays "0.25". */
export function pyFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Python's repr() of a list of strings, which model-access messages print: ['a', 'b']. */
function pyList(values: readonly string[]): string {
  return `[${values.map((v) => `'${v}'`).join(', ')}]`;
}

/** A key whose spend has reached its max_budget: 400, type budget_exceeded, param null. */
export function keyBudgetExceeded(spend: number, maxBudget: number): LiteLlmRefusal {
  return {
    status: 400,
    body: liteLlmError(
      400,
      `Budget has been exceeded! Current cost: ${pyFloat(spend)}, Max budget: ${pyFloat(maxBudget)}`,
      'budget_exceeded',
      null,
    ),
  };
}

/** A team whose spend is over its max_budget: 400 like a key, the message naming the team id. */
export function teamBudgetExceeded(teamId: string, spend: number, maxBudget: number): LiteLlmRefusal {
  return {
    status: 400,
    body: liteLlmError(
      400,
      `Budget has been exceeded! Team=${teamId} Current cost: ${pyFloat(spend)}, Max budget: ${pyFloat(maxBudget)}`,
      'budget_exceeded',
      null,
    ),
  };
}

/** A model outside the key's or the team's list: an auth error on param "model" (401 in the copies read). */
export function modelNotAllowed(object: 'key' | 'team', allowed: readonly string[], model: string): LiteLlmRefusal {
  return {
    status: 401,
    body: liteLlmError(
      401,
      `${object} not allowed to access model. This ${object} can only access models=${pyList(allowed)}. Tried to access ${model}`,
      `${object}_model_access_denied`,
      'model',
    ),
  };
}

/** What a rate limit counts: requests per minute, tokens per minute, or requests in flight. */
export type RateLimitType = 'requests' | 'tokens' | 'max_parallel_requests';

/**
 * Over a key's or team's limit: 429 from the rate limiter, raised as an HTTPException, so type and param are the
 * string "None". `descriptor` is `api_key` (value: the key's hash) or `team` (value: the team id).
 */
export function rateLimited(
  descriptor: 'api_key' | 'team',
  value: string,
  limitType: RateLimitType,
  limit: number,
  windowSeconds: number,
  resetsAt: Date,
): LiteLlmRefusal {
  const resetAt = `${resetsAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return {
    status: 429,
    body: liteLlmError(
      429,
      `Rate limit exceeded for ${descriptor}: ${value}. Limit type: ${limitType}. Current limit: ${limit}, Remaining: 0. Limit resets at: ${resetAt}`,
      'None',
    ),
    headers: { 'retry-after': String(windowSeconds), rate_limit_type: limitType, reset_at: resetAt },
  };
}

/** The stable start of every rate-limit message, in every copy read. */
export const RATE_LIMIT_MESSAGE_PREFIX = 'Rate limit exceeded for ';
