/**
 * Probe for the headers through which a client would add its own tags or spend-log metadata (x-litellm-tags,
 * x-litellm-spend-logs-metadata): the API's web ACL must refuse a request carrying one (RefuseClientHeaders in
 * constructs/gateway-firewall.ts) with the edge's 403 `request_blocked`, before the authorizer or LiteLLM see it.
 */
import { CLIENT_ATTRIBUTION_HEADERS } from '../lib/shared/litellm';
import type { CheckContext, CheckResult } from './smoke-checks';
import { seen } from './smoke-checks';
import { openAiError } from './smoke-diagnosis';
import { send } from './smoke-http';
import { BLOCKED } from './smoke-traversal';

export const CLIENT_HEADERS_CAUSE =
  "the edge let a client's own x-litellm-tags through: the API's web ACL lacks its RefuseClientHeaders rule, or the rule does not match";

/** Sent without a token, in mixed case, on a route that exists: WAF runs first, so a 401 means the rule let it through. */
export async function checkClientHeadersRefused(ctx: CheckContext, stageRoot: string): Promise<CheckResult> {
  const name = 'client tag header (X-LiteLLM-Tags)';
  const header = CLIENT_ATTRIBUTION_HEADERS[0].replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  const start = ctx.now();
  const answer = await send(ctx.fetch, `${stageRoot}/v1/models`, { headers: { [header]: 'team:smoke-forged' } }, ctx.timeoutMs);
  const ms = ctx.now() - start;
  if (answer.status === BLOCKED.status && openAiError(answer.body)?.code === BLOCKED.code) {
    return { name: `${name} refused by WAF (403)`, outcome: 'pass', ms };
  }
  return { name: `${name} refused`, outcome: 'fail', ms, detail: seen(answer), cause: CLIENT_HEADERS_CAUSE };
}
