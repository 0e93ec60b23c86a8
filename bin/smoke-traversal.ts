/**
 * Probes for encoded path traversal in the edge's path parameters ({model}, {response_id}): the API's web ACL must
 * refuse each (RefuseEncodedTraversal in constructs/gateway-firewall.ts) with the edge's 403 `request_blocked`, before
 * the authorizer or LiteLLM see it. Whether API Gateway would forward such a parameter decoded is undocumented
 * (test/contracts/api-gateway.test.ts), so a deploy proves the refusal rather than trusting either behaviour.
 */
import type { CheckContext, CheckResult } from './smoke-checks';
import { seen } from './smoke-checks';
import { openAiError } from './smoke-diagnosis';
import { send } from './smoke-http';

export interface TraversalProbe {
  readonly label: string;
  /** Under the stage root, sent exactly as written. */
  readonly path: string;
}

/**
 * Each aims at LiteLLM's /key/list. A bare `%2e%2e` segment is left out: fetch (WHATWG URL) resolves it as `..` before
 * sending, so it would never reach the edge as written; the WAF rule's tests cover it.
 */
export const TRAVERSAL_PROBES: readonly TraversalProbe[] = [
  { label: 'encoded slash in {model}', path: 'v1/models/..%2F..%2Fkey%2Flist' },
  { label: 'encoded dots in {model}', path: 'v1/models/%2e%2e%2F%2e%2e%2Fkey%2Flist' },
  { label: 'double-encoded traversal in {response_id}', path: 'v1/responses/%252e%252e%252f%252e%252e%252fkey%252flist' },
];

/** The edge's answer to a request its web ACL blocked (lib/edge-stack.ts gateway response WAF_FILTERED). */
export const BLOCKED = { status: 403, code: 'request_blocked' } as const;

export const TRAVERSAL_CAUSE =
  "the edge did not refuse an encoded path traversal: the API's web ACL lacks its RefuseEncodedTraversal rule, or the rule does not match";

/** One probe, sent without a token: WAF runs before the authorizer, so a 401 means the rule let it through. */
export async function checkTraversalRefused(ctx: CheckContext, stageRoot: string, probe: TraversalProbe): Promise<CheckResult> {
  const name = `path traversal (${probe.label})`;
  const start = ctx.now();
  const answer = await send(ctx.fetch, `${stageRoot}/${probe.path}`, {}, ctx.timeoutMs);
  const ms = ctx.now() - start;
  if (answer.status === BLOCKED.status && openAiError(answer.body)?.code === BLOCKED.code) {
    return { name: `${name} refused by WAF (403)`, outcome: 'pass', ms };
  }
  return { name: `${name} refused`, outcome: 'fail', ms, detail: seen(answer), cause: TRAVERSAL_CAUSE };
}
