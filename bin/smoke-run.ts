/**
 * One smoke run: outputs → client secret → token → checks, each printed as it finishes. Every effect (network, AWS,
 * files, clock, randomness, output) comes in through SmokeDeps, so tests drive a whole run against local stand-ins.
 */
import { parseVirtualKeySecret } from '../lambda/authorizer/virtual-key-secret';
import { LITELLM_KEY_HEADER } from '../lib/shared/litellm';
import type { SmokePlan } from './smoke-args';
import {
  checkModels,
  checkRefused,
  checkStreamingChat,
  checkTrace,
  seen,
  skipped,
  waitForGateway,
  type CheckContext,
  type CheckResult,
  type ClientHeaders,
} from './smoke-checks';
import { CAUSES, diagnose, type Step } from './smoke-diagnosis';
import type { Fetch } from './smoke-http';
import { langfuseKeys, type LangfuseKeys } from './smoke-langfuse';
import {
  clientIdOf,
  cognitoIssuer,
  dataStackName,
  edgeOutputs,
  edgeStackName,
  outputsFromFile,
  stageRoot,
  type EdgeOutputs,
} from './smoke-outputs';
import { checkSharedRateLimit } from './smoke-rate-limit';
import { exitCode, formatCheck, summary } from './smoke-report';
import { checkGuardrailRefusal } from './smoke-guardrail';
import { clientCredentialsToken, foreignToken } from './smoke-token';
import { TRAVERSAL_PROBES, checkTraversalRefused } from './smoke-traversal';
import { checkClientHeadersRefused } from './smoke-client-headers';
import { checkWebEntrance } from './smoke-web';

export interface SmokeDeps {
  readonly fetch: Fetch;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A short random string; names the smoke call's trace. */
  readonly randomId: () => string;
  /** A file's parsed JSON, or undefined when there is no such file. */
  readonly readJsonFile: (path: string) => Promise<unknown>;
  /** A stack's outputs by key (CloudFormation DescribeStacks). */
  readonly stackOutputs: (region: string, stackName: string) => Promise<Readonly<Record<string, string>>>;
  /** An app client's secret (Cognito DescribeUserPoolClient); the run never prints it. */
  readonly clientSecret: (region: string, userPoolId: string, clientId: string) => Promise<string>;
  /** A secret's string (Secrets Manager GetSecretValue): the client's own virtual key in passthrough mode. */
  readonly secretString: (region: string, secretId: string) => Promise<string>;
  /** The random parts of the Langfuse init project keys (data stack secrets). */
  readonly langfuseKeyParts: (region: string, dataStackName: string) => Promise<LangfuseKeys>;
  readonly print: (line: string) => void;
  /** Prefix failures with GitHub Actions' `::error::`. */
  readonly annotate?: boolean;
}

/** How often to ask Langfuse for the trace. */
const TRACE_POLL_MS = 2000;
/** How often to ask a gateway answering 5xx again, with --wait. */
const GATEWAY_POLL_MS = 10_000;

interface AwsFailure {
  readonly message: string;
  readonly name?: string;
}

function awsFailure(e: unknown): AwsFailure {
  return e instanceof Error ? { message: e.message, name: e.name } : { message: String(e) };
}

type Report = (result: CheckResult) => CheckResult;

/** Reads the consumer's client secret and exchanges it for an access token; reports one line either way. */
async function obtainToken(
  plan: SmokePlan,
  outputs: EdgeOutputs,
  deps: SmokeDeps,
  report: Report,
): Promise<{ token?: string; clientId?: string }> {
  const started = deps.now();
  const name = `client-credentials token for ${plan.consumer}`;
  const fail = (cause: string, detail?: string) =>
    report({ name, outcome: 'fail', ms: deps.now() - started, cause, ...(detail ? { detail } : {}) });
  let clientId: string;
  try {
    clientId = clientIdOf(outputs, plan.consumer);
  } catch (e) {
    fail(CAUSES.consumerNotDeployed, awsFailure(e).message);
    return {};
  }
  const { tokenUrl, scope, userPoolId } = outputs;
  if (!tokenUrl || !scope) {
    fail(CAUSES.edgeStackMissing, 'the outputs have no TokenUrl or Scope');
    return { clientId };
  }
  if (!userPoolId) {
    fail(CAUSES.noUserPoolId);
    return { clientId };
  }
  let clientSecret: string;
  try {
    clientSecret = await deps.clientSecret(plan.region, userPoolId, clientId);
  } catch (e) {
    const failure = awsFailure(e);
    fail(
      diagnose({ step: 'client-secret', error: failure.message, ...(failure.name ? { errorName: failure.name } : {}) }),
      failure.message,
    );
    return { clientId };
  }
  const result = await clientCredentialsToken(deps.fetch, { tokenUrl, clientId, clientSecret, scope, timeoutMs: plan.timeoutMs });
  if (result.ok) {
    report({ name, outcome: 'pass', ms: deps.now() - started });
    return { token: result.accessToken, clientId };
  }
  const { ok: _ok, ...answer } = result;
  fail(diagnose({ step: 'token', ...answer }), seen(answer));
  return { clientId };
}

/** Runs every check of the plan; returns the exit code (0 all passed, 1 otherwise). */
export async function runSmoke(plan: SmokePlan, deps: SmokeDeps): Promise<number> {
  const results: CheckResult[] = [];
  const report: Report = (result) => {
    results.push(result);
    for (const line of formatCheck(result, { annotate: deps.annotate ?? false })) deps.print(line);
    return result;
  };
  const setupFailure = (name: string, step: Step, started: number, e: unknown): CheckResult => {
    const failure = awsFailure(e);
    return report({
      name,
      outcome: 'fail',
      ms: deps.now() - started,
      detail: failure.message,
      cause: diagnose({ step, error: failure.message, ...(failure.name ? { errorName: failure.name } : {}) }),
    });
  };
  const finish = () => {
    deps.print(summary(results));
    return exitCode(results);
  };

  deps.print(`smoke ${plan.environment}: consumer ${plan.consumer}, model ${plan.model}`);

  // Outputs.
  let started = deps.now();
  const stackName = edgeStackName(plan.environment);
  let outputs: EdgeOutputs;
  let source = plan.outputsFile;
  try {
    let all = outputsFromFile(await deps.readJsonFile(plan.outputsFile), plan.environment);
    if (!all) {
      source = `CloudFormation ${stackName} in ${plan.region}`;
      all = await deps.stackOutputs(plan.region, stackName);
    }
    outputs = edgeOutputs(all, source);
  } catch (e) {
    setupFailure(`outputs of ${stackName} (${source})`, 'outputs', started, e);
    return finish();
  }
  const gatewayUrl = plan.gatewayUrl ?? outputs.gatewayUrl;
  report({ name: `outputs of ${stackName} (${source}): gateway ${gatewayUrl}`, outcome: 'pass', ms: deps.now() - started });

  // Token.
  const { token, clientId } = await obtainToken(plan, outputs, deps, report);

  // In passthrough mode the client sends its own virtual key next to the token.
  let headers: ClientHeaders | undefined = token ? { authorization: `Bearer ${token}` } : undefined;
  if (headers && plan.mode === 'passthrough' && clientId) {
    started = deps.now();
    const secretId = `${outputs.virtualKeySecretPrefix ?? ''}${clientId}`;
    try {
      const key = parseVirtualKeySecret(await deps.secretString(plan.region, secretId));
      if (!key) throw new Error(`${secretId} does not hold a virtual key (sk-... or {"virtualKey": "sk-..."})`);
      headers = { ...headers, [LITELLM_KEY_HEADER]: key };
    } catch (e) {
      setupFailure(`virtual key of ${plan.consumer} (passthrough mode)`, 'client-secret', started, e);
      headers = undefined;
    }
  }

  const ctx: CheckContext = { fetch: deps.fetch, now: deps.now, sleep: deps.sleep, timeoutMs: plan.timeoutMs, gatewayUrl };
  const noToken = 'no token';
  const traceUserId = `smoke-${deps.randomId()}`;
  let chatStarted: Date | undefined;
  let chatPassed = false;

  if (headers) {
    if (plan.waitMs > 0) {
      const { waitedMs, last } = await waitForGateway(ctx, headers, plan.waitMs, GATEWAY_POLL_MS);
      const seconds = Math.round(waitedMs / 1000);
      deps.print(
        last.status !== undefined && last.status >= 500
          ? `gateway still answering ${last.status} after ${seconds} s`
          : `waited ${seconds} s for the gateway`,
      );
    }
    report(await checkModels(ctx, headers, plan.models));
    chatStarted = new Date(deps.now());
    const chat = report(await checkStreamingChat(ctx, headers, plan.model, traceUserId));
    chatPassed = chat.outcome === 'pass';
    if (plan.guardrail) report(await checkGuardrailRefusal(ctx, headers, plan.model, plan.guardrail));
    if (plan.rateLimit) {
      const name = `rpm limit ${plan.rateLimit.rpm} holds across pods`;
      if (chatPassed) report(await checkSharedRateLimit(ctx, headers, plan.model, plan.rateLimit.rpm));
      else report(skipped(name, 'the streaming chat completion did not pass'));
    }
  } else {
    report(skipped(`models listed (${plan.models.join(', ')})`, noToken));
    report(skipped(`streaming chat completion (${plan.model})`, noToken));
    if (plan.guardrail) report(skipped(`guardrail ${plan.guardrail.name} refuses a prompt it must block`, noToken));
    if (plan.rateLimit) report(skipped(`rpm limit ${plan.rateLimit.rpm} holds across pods`, noToken));
  }

  const models = `${gatewayUrl}/models`;
  report(await checkRefused(ctx, 'no-token', 'request without a token', models, {}));
  const claims = {
    issuer: outputs.userPoolId ? cognitoIssuer(outputs.userPoolId) : 'https://cognito-idp.invalid/unknown',
    clientId: clientId ?? 'unknown-client',
    scope: outputs.scope ?? 'unknown/scope',
  };
  const nowSeconds = Math.floor(deps.now() / 1000);
  const bearer = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });
  report(
    await checkRefused(
      ctx,
      'foreign-token',
      'token signed by a foreign key',
      models,
      bearer(await foreignToken(claims, nowSeconds, { expired: false })),
    ),
  );
  report(
    await checkRefused(
      ctx,
      'expired-token',
      'expired token (foreign-signed: Cognito issues no expired ones)',
      models,
      bearer(await foreignToken(claims, nowSeconds, { expired: true })),
    ),
  );

  const root = stageRoot(gatewayUrl);
  if (headers) {
    const json = { ...headers, 'content-type': 'application/json' };
    report(
      await checkRefused(ctx, 'admin-route', 'admin route POST /key/generate', `${root}/key/generate`, {
        method: 'POST',
        headers: json,
        body: '{}',
      }),
    );
    report(await checkRefused(ctx, 'admin-route', 'admin route GET /ui', `${root}/ui`, { headers }));
  } else {
    report(skipped('admin route POST /key/generate refused', noToken));
    report(skipped('admin route GET /ui refused', noToken));
  }
  for (const probe of TRAVERSAL_PROBES) report(await checkTraversalRefused(ctx, root, probe));
  report(await checkClientHeadersRefused(ctx, root));

  if (outputs.web) {
    await checkWebEntrance({ fetch: deps.fetch, now: deps.now, timeoutMs: plan.timeoutMs }, outputs.web, report);
  }

  if (plan.langfuse) {
    const name = `trace in Langfuse (user ${traceUserId})`;
    const langfuseUrl = plan.langfuse.url ?? outputs.langfuseUrl;
    if (!chatPassed || !chatStarted) {
      report(skipped(name, 'the streaming chat completion did not pass'));
    } else if (!langfuseUrl) {
      report({
        name,
        outcome: 'fail',
        ms: 0,
        // With web.domain the internal load balancer has no Langfuse listener, and the public one signs people in.
        cause: outputs.web
          ? 'no --langfuse-url: with web.domain Langfuse is reachable only through the signed-in entrance; port-forward the langfuse-web Service and pass --langfuse-url'
          : 'no LangfuseUrl output and no --langfuse-url',
      });
    } else {
      started = deps.now();
      let parts: LangfuseKeys | undefined;
      try {
        parts = await deps.langfuseKeyParts(plan.region, dataStackName(plan.environment));
      } catch (e) {
        setupFailure(name, 'langfuse-keys', started, e);
      }
      if (parts) {
        // Langfuse stores what it was sent with some delay; look from a little before the call.
        const since = new Date(chatStarted.getTime() - 60_000);
        report(
          await checkTrace(ctx, {
            langfuseUrl,
            keys: langfuseKeys(parts),
            traceUserId,
            since,
            timeoutMs: plan.langfuse.timeoutMs,
            pollMs: TRACE_POLL_MS,
          }),
        );
      }
    }
  }

  return finish();
}
