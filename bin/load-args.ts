/**
 * `npm run load -- <env> [options]` or `npm run load -- --local [options]`: the command line, and what a deployed
 * run targets, decided from the arguments and the environment's validated config. Nothing here calls AWS or the
 * network.
 */
import type { EnvironmentConfig } from '../lib/config/schema';
import { LOAD_MOCK_MODEL } from '../lib/shared/load-test';
import { UsageError } from './run-main';
import { outputsFilePath } from './smoke-outputs';

export const LOAD_USAGE = `Usage: npm run load -- <env> [options]
       npm run load -- --local [options]

Drives the gateway with chat completions at a fixed concurrency for a fixed time (autocannon) and reports
throughput, p50/p95/p99 latency, errors by status, and the time the path adds over the mock model's own delay.

<env>     the deployed edge of that environment, with a real client token: gets a client-credentials token for
          a consumer from Cognito, as npm run smoke does, and calls the environment's mock model (loadTest.mockModel,
          answered by LiteLLM without a provider: no tokens are bought). Reads cdk.out/<env>-outputs.json, or
          CloudFormation when that file is absent.
--local   this machine only: a loopback stand-in for API Gateway around the real authorizer code (JWT verified,
          virtual key injected) in front of a stand-in gateway answering like the mock; measures the edge's own
          overhead. No AWS, no network beyond 127.0.0.1.

Options:
  --concurrency <n>     connections kept busy at once, 1 to 1000 (default 10)
  --duration <s>        seconds to run, 1 to 600 (default 30)
  --consumer <name>     consumer whose app client calls (default: the first whose team may call the model)
  --model <name>        model to call (default: ${LOAD_MOCK_MODEL}; a real model spends real money)
  --mock-delay <ms>     with --local: how long the stand-in takes to answer (default 50, as loadTest.mockDelayMs)
  --outputs <file>      outputs file (default cdk.out/<env>-outputs.json)
  --gateway-url <url>   OpenAI base URL to drive instead of the GatewayUrl output
  --help                this text

Stops by itself after --duration; Ctrl-C stops it early and still prints what it measured.`;

export interface LoadRequest {
  /** Absent with --local. */
  readonly environment?: string;
  readonly local: boolean;
  readonly concurrency: number;
  readonly durationSeconds: number;
  readonly consumer?: string;
  readonly model?: string;
  readonly mockDelayMs?: number;
  readonly outputsFile?: string;
  readonly gatewayUrl?: string;
}

const VALUE_FLAGS = ['--concurrency', '--duration', '--consumer', '--model', '--mock-delay', '--outputs', '--gateway-url'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function whole(flag: string, value: string | undefined, min: number, max: number, fallback: number, unit: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag}: "${value}" is not a whole number ${unit}from ${min} to ${max}`);
  return n;
}

/** Parses the arguments after `npm run load --`. */
export function parseLoadArgs(argv: readonly string[]): LoadRequest {
  const values: Partial<Record<ValueFlag, string>> = {};
  const names: string[] = [];
  let local = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) {
      names.push(arg);
      continue;
    }
    if (arg === '--local') {
      local = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(`unknown option "${flag}" (allowed: --local, ${VALUE_FLAGS.join(', ')}, --help)`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--')))
      throw new UsageError(`${flag} needs a value`);
    values[flag as ValueFlag] = value;
  }
  if (names.length > 1) throw new UsageError(`load takes one environment name (got ${names.join(' ')})`);
  const [environment] = names;
  if (local && environment !== undefined)
    throw new UsageError(`--local runs on this machine only: leave out the environment name "${environment}"`);
  if (!local && environment === undefined) throw new UsageError('load needs an environment name, or --local');
  if (environment === 'all') throw new UsageError('load drives one environment at a time');
  if (local) {
    for (const flag of ['--consumer', '--outputs', '--gateway-url', '--model'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`${flag} applies to a deployed environment, not to --local`);
    }
  } else if (values['--mock-delay'] !== undefined) {
    throw new UsageError('--mock-delay applies only with --local (a deployed mock answers after loadTest.mockDelayMs)');
  }
  const url = values['--gateway-url'];
  if (url !== undefined && !/^https:\/\/[^\s]+$/.test(url)) throw new UsageError(`--gateway-url: "${url}" is not an https URL`);
  return {
    ...(environment !== undefined ? { environment } : {}),
    local,
    concurrency: whole('--concurrency', values['--concurrency'], 1, 1000, 10, ''),
    durationSeconds: whole('--duration', values['--duration'], 1, 600, 30, 'of seconds '),
    ...(values['--consumer'] ? { consumer: values['--consumer'] } : {}),
    ...(values['--model'] ? { model: values['--model'] } : {}),
    ...(local ? { mockDelayMs: whole('--mock-delay', values['--mock-delay'], 0, 10_000, 50, 'of milliseconds ') } : {}),
    ...(values['--outputs'] ? { outputsFile: values['--outputs'] } : {}),
    ...(url ? { gatewayUrl: url.replace(/\/+$/, '') } : {}),
  };
}

/** A deployed run, decided before any call. */
export interface LoadPlan {
  readonly environment: string;
  readonly region: string;
  readonly consumer: string;
  readonly model: string;
  /** What the report subtracts from each latency: the mock's own delay, 0 for a real model (nothing to subtract). */
  readonly modelDelayMs: number;
  readonly concurrency: number;
  readonly durationSeconds: number;
  readonly outputsFile: string;
  readonly gatewayUrl?: string;
}

/** Checks a deployed request against the config; throws UsageError naming what is allowed. */
export function planLoad(request: LoadRequest, config: EnvironmentConfig): LoadPlan {
  if (config.edge.identity.provider !== 'cognito') {
    throw new UsageError(
      `${config.name} takes tokens from an external OIDC issuer; the load kit gets its token from the Cognito machine identity only`,
    );
  }
  const model = request.model ?? LOAD_MOCK_MODEL;
  if (model === LOAD_MOCK_MODEL && !config.loadTest.mockModel) {
    throw new UsageError(`${config.name} serves no mock model (set loadTest.mockModel: true and deploy, or pass --model)`);
  }
  const teamsWithModel = new Set(
    config.tenants.teams.filter((t) => t.models.includes(model) && t.guardrail === undefined).map((t) => t.name),
  );
  // Browser apps have no client secret: the load kit can only get tokens for machine clients.
  const allowed = config.tenants.consumers.filter((c) => !c.browser && teamsWithModel.has(c.team)).map((c) => c.name);
  const consumer = request.consumer ?? allowed[0];
  if (consumer === undefined) {
    throw new UsageError(
      `no consumer of ${config.name} may call ${model} (grant it to a team without a guardrail in tenants.teams[].models)`,
    );
  }
  if (!allowed.includes(consumer)) {
    throw new UsageError(`--consumer: "${consumer}" may not call ${model} in ${config.name} (allowed: ${allowed.join(', ')})`);
  }
  return {
    environment: config.name,
    region: config.region,
    consumer,
    model,
    modelDelayMs: model === LOAD_MOCK_MODEL ? config.loadTest.mockDelayMs : 0,
    concurrency: request.concurrency,
    durationSeconds: request.durationSeconds,
    outputsFile: request.outputsFile ?? outputsFilePath(config.name),
    ...(request.gatewayUrl ? { gatewayUrl: request.gatewayUrl } : {}),
  };
}
