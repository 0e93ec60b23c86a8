/**
 * `npm run smoke -- <env> [options]`: the command line and what it plans to check, from the arguments and the
 * environment's validated config. Nothing here calls AWS or the network.
 */
import type { EnvironmentConfig } from '../lib/config/schema';
import { UsageError } from './run-main';
import { grantedModels, guardedModelName } from '../lib/shared/guardrails';
import { refusalPrompt } from './smoke-guardrail';
import { outputsFilePath } from './smoke-outputs';

export const SMOKE_USAGE = `Usage: npm run smoke -- <env> [options]

Checks a deployed environment end to end, as a client app would: gets a client-credentials token for a
consumer from Cognito, then checks the OpenAI routes of the gateway and that the edge refuses what it must
(no token, foreign or expired tokens, admin routes, encoded path traversal in path parameters).
Prints one line per check with its timing; exits 1 when any check fails (naming the likely cause), 2 when
nothing could be checked (bad arguments or config).

Reads the edge stack outputs from cdk.out/<env>-outputs.json (written by npm run deploy), or from
CloudFormation (DescribeStacks of genai-<env>-edge) when that file is absent. The consumer's client secret
is read with Cognito DescribeUserPoolClient and never printed.

With web.domain configured (outputs WebChatUrl, WebLiteLLMUrl, WebLangfuseUrl, WebSignInUrl), also checks
that chat., litellm. and langfuse.<base> send a browser without a session to the identity provider (302).
To check the API custom domain, pass its ApiCustomUrl output as --gateway-url.

Options:
  --consumer <name>         consumer whose app client calls (default: the first in the config)
  --model <name>            model for the streaming completion (default: the first in the config)
  --langfuse                also check that the call's trace reaches Langfuse. LangfuseUrl is internal-only
                            (and absent with web.domain): run from inside the VPC, or port-forward the
                            langfuse-web Service and pass --langfuse-url. Reads the project keys from
                            Secrets Manager (data stack).
  --rate-limit              also check the consumer's rpm limit holds across every gateway pod: fires rpmLimit + 1
                            one-token chat completions at once and expects LiteLLM to refuse at least one (429).
                            The consumer is then limited for up to a minute; needs tenants.consumers[].rpmLimit
  --langfuse-url <url>      Langfuse to query instead of the LangfuseUrl output
  --langfuse-timeout <s>    seconds to wait for the trace (default 60)
  --outputs <file>          outputs file (default cdk.out/<env>-outputs.json)
  --gateway-url <url>       OpenAI base URL to check instead of the GatewayUrl output (e.g. a custom domain)
  --timeout <s>             seconds per request, streaming included (default 60)
  --wait <s>                right after a deploy: first wait up to this long while the gateway answers 5xx
                            (pods starting, targets registering), then check (default 0: no wait)
  --help                    this text

AWS: credentials for the environment's account, allowed cognito-idp:DescribeUserPoolClient (and
cloudformation:DescribeStacks without the outputs file; cloudformation:ListStackResources and
secretsmanager:GetSecretValue with --langfuse).`;

export interface SmokeRequest {
  readonly environment: string;
  readonly consumer?: string;
  readonly model?: string;
  readonly langfuse: boolean;
  /** Also fire the consumer's rpm limit + 1 requests (--rate-limit). */
  readonly rateLimit?: boolean;
  readonly langfuseUrl?: string;
  readonly langfuseTimeoutSeconds: number;
  readonly outputsFile?: string;
  readonly gatewayUrl?: string;
  readonly timeoutSeconds: number;
  readonly waitSeconds: number;
}

const VALUE_FLAGS = [
  '--consumer',
  '--model',
  '--langfuse-url',
  '--langfuse-timeout',
  '--outputs',
  '--gateway-url',
  '--timeout',
  '--wait',
] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/** Parses the arguments after `npm run smoke --`; `help` when --help was asked for. */
export function parseSmokeArgs(argv: readonly string[]): SmokeRequest | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const values: Partial<Record<ValueFlag, string>> = {};
  const names: string[] = [];
  let langfuse = false;
  let rateLimit = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) {
      names.push(arg);
      continue;
    }
    if (arg === '--langfuse') {
      langfuse = true;
      continue;
    }
    if (arg === '--rate-limit') {
      rateLimit = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) throw new UsageError(`unknown option "${flag}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`${flag} needs a value`);
    }
    values[flag as ValueFlag] = value;
  }
  const [environment, ...extra] = names;
  if (environment === undefined) throw new UsageError(`smoke needs an environment name`);
  if (extra.length > 0) throw new UsageError(`smoke takes one environment name (got ${names.join(' ')})`);
  if (environment === 'all') throw new UsageError(`smoke checks one environment at a time`);
  for (const flag of ['--langfuse-url', '--gateway-url'] as const) {
    const url = values[flag];
    if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError(`${flag}: "${url}" is not an http(s) URL`);
  }
  if ((values['--langfuse-url'] !== undefined || values['--langfuse-timeout'] !== undefined) && !langfuse) {
    throw new UsageError('--langfuse-url and --langfuse-timeout apply only with --langfuse');
  }
  return {
    environment,
    ...(values['--consumer'] ? { consumer: values['--consumer'] } : {}),
    ...(values['--model'] ? { model: values['--model'] } : {}),
    langfuse,
    ...(rateLimit ? { rateLimit: true } : {}),
    ...(values['--langfuse-url'] ? { langfuseUrl: values['--langfuse-url'] } : {}),
    langfuseTimeoutSeconds: seconds('--langfuse-timeout', values['--langfuse-timeout'], 60),
    ...(values['--outputs'] ? { outputsFile: values['--outputs'] } : {}),
    ...(values['--gateway-url'] ? { gatewayUrl: values['--gateway-url'] } : {}),
    timeoutSeconds: seconds('--timeout', values['--timeout'], 60),
    waitSeconds: values['--wait'] === undefined ? 0 : seconds('--wait', values['--wait'], 0),
  };
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 3600)
    throw new UsageError(`${flag}: "${value}" is not a whole number of seconds from 1 to 3600`);
  return n;
}

/** What one smoke run checks, decided before any call is made. */
export interface SmokePlan {
  readonly environment: string;
  readonly region: string;
  readonly mode: EnvironmentConfig['edge']['mode'];
  readonly consumer: string;
  readonly model: string;
  /** The models of the consumer's team (`/v1/models` must list them). */
  readonly models: readonly string[];
  readonly outputsFile: string;
  readonly gatewayUrl?: string;
  readonly langfuse?: { readonly url?: string; readonly timeoutMs: number };
  /** The consumer's rpm limit, when --rate-limit asked to prove it holds across pods. */
  readonly rateLimit?: { readonly rpm: number };
  /** The team's guardrail and a prompt it must refuse; absent when the team has none (or it blocks nothing testable). */
  readonly guardrail?: { readonly name: string; readonly prompt: string };
  readonly timeoutMs: number;
  /** How long to wait for the gateway to stop answering 5xx before checking; 0 checks at once. */
  readonly waitMs: number;
}

/** Checks the request against the config; throws UsageError naming what is allowed. */
export function planSmoke(request: SmokeRequest, config: EnvironmentConfig): SmokePlan {
  const identity = config.edge.identity;
  if (identity.provider !== 'cognito') {
    throw new UsageError(
      `${config.name} takes tokens from an external OIDC issuer; the smoke test gets its token from the Cognito machine identity only`,
    );
  }
  // Browser apps sign people in and have no client secret: only machine clients can get a token unattended.
  const consumers = config.tenants.consumers.filter((c) => !c.browser).map((c) => c.name);
  const browserApps = config.tenants.consumers.filter((c) => c.browser).map((c) => c.name);
  const consumer = request.consumer ?? consumers[0];
  if (consumer === undefined && browserApps.length > 0)
    throw new UsageError(`${config.name} has only browser apps (${browserApps.join(', ')}): the smoke test needs a machine client`);
  if (consumer === undefined)
    throw new UsageError(`${config.name} has no consumer (tenants.consumers is empty): nothing can call the gateway`);
  if (browserApps.includes(consumer)) {
    throw new UsageError(
      `--consumer: "${consumer}" is a browser app (people sign in; no client secret): choose a machine client (allowed: ${consumers.join(', ') || 'none'})`,
    );
  }
  if (!consumers.includes(consumer))
    throw new UsageError(`--consumer: "${consumer}" is not a consumer of ${config.name} (allowed: ${consumers.join(', ')})`);
  // The consumer's key may call only its team's models; /v1/models must list at least those.
  const team = config.tenants.teams.find((t) => t.name === config.tenants.consumers.find((c) => c.name === consumer)?.team);
  // A team with a guardrail is served only guarded copies; a model named by its configured name means its copy.
  const models = team ? grantedModels(team) : [];
  const guarded = team?.guardrail !== undefined && request.model !== undefined && team.models.includes(request.model);
  const model = (guarded ? guardedModelName(request.model, team.guardrail!) : request.model) ?? models[0] ?? '';
  const guardrailConfig = config.guardrails.find((g) => g.name === team?.guardrail);
  const prompt = guardrailConfig ? refusalPrompt(guardrailConfig) : undefined;
  const rpm = config.tenants.consumers.find((c) => c.name === consumer)?.rpmLimit;
  if (request.rateLimit && rpm === undefined) {
    throw new UsageError(`--rate-limit: consumer ${consumer} has no rpmLimit in ${config.name}'s config, so there is no limit to prove`);
  }
  if (!models.includes(model)) {
    throw new UsageError(`--model: "${model}" is not a model consumer ${consumer} may call (allowed: ${models.join(', ')})`);
  }
  return {
    environment: config.name,
    region: config.region,
    mode: config.edge.mode,
    consumer,
    model,
    models,
    outputsFile: request.outputsFile ?? outputsFilePath(config.name),
    ...(request.gatewayUrl ? { gatewayUrl: request.gatewayUrl.replace(/\/+$/, '') } : {}),
    ...(request.langfuse
      ? { langfuse: { ...(request.langfuseUrl ? { url: request.langfuseUrl } : {}), timeoutMs: request.langfuseTimeoutSeconds * 1000 } }
      : {}),
    ...(request.rateLimit && rpm !== undefined ? { rateLimit: { rpm } } : {}),
    ...(guardrailConfig && prompt !== undefined ? { guardrail: { name: guardrailConfig.name, prompt } } : {}),
    timeoutMs: request.timeoutSeconds * 1000,
    waitMs: request.waitSeconds * 1000,
  };
}
