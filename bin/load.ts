#!/usr/bin/env node
/**
 * `npm run load -- <env> | --local [options]`: the load kit (see LOAD_USAGE in ./load-args, or --help).
 * Exit codes: 0 the run finished (its figures printed), 1 it could not run (no token, no outputs), 2 bad arguments
 * or config. A run with errors still exits 0: the figures say how many.
 */
import { readFile } from 'node:fs/promises';
import { loadEnvironment } from '../lib/config/load-config';
import { errorMessage } from './env-command-plan';
import { LOAD_USAGE, parseLoadArgs, planLoad, type LoadPlan } from './load-args';
import { runLocal } from './load-local';
import { formatReport, summarize } from './load-report';
import { chatBody, driveLoad } from './load-run';
import { UsageError, runMain, type Command } from './run-main';
import { awsSmokeDeps } from './smoke-aws';
import { clientIdOf, edgeOutputs, edgeStackName, outputsFromFile } from './smoke-outputs';
import { clientCredentialsToken } from './smoke-token';

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Ctrl-C stops the run early; what was measured is still reported. */
function stopOnInterrupt(): { onStart: (stop: () => void) => void; dispose: () => void } {
  let stop: () => void = () => undefined;
  const onSignal = () => stop();
  process.on('SIGINT', onSignal);
  return { onStart: (s) => (stop = s), dispose: () => process.off('SIGINT', onSignal) };
}

async function readJsonFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The deployed edge's chat URL and a client token for the plan's consumer (as npm run smoke gets them). */
async function deployedTarget(plan: LoadPlan): Promise<{ url: string; token: string }> {
  const aws = awsSmokeDeps();
  const all =
    outputsFromFile(await readJsonFile(plan.outputsFile), plan.environment) ??
    (await aws.stackOutputs(plan.region, edgeStackName(plan.environment)));
  const outputs = edgeOutputs(all, plan.outputsFile);
  const clientId = clientIdOf(outputs, plan.consumer);
  if (!outputs.tokenUrl || !outputs.scope || !outputs.userPoolId) throw new Error('the edge outputs have no TokenUrl, Scope or UserPoolId');
  const clientSecret = await aws.clientSecret(plan.region, outputs.userPoolId, clientId);
  const result = await clientCredentialsToken(fetch, {
    tokenUrl: outputs.tokenUrl,
    clientId,
    clientSecret,
    scope: outputs.scope,
    timeoutMs: 30_000,
  });
  if (!result.ok) throw new Error(`no token for ${plan.consumer}: ${JSON.stringify(result)}`);
  return { url: `${plan.gatewayUrl ?? outputs.gatewayUrl}/chat/completions`, token: result.accessToken };
}

async function main(argv: readonly string[]): Promise<number> {
  const request = parseLoadArgs(argv);
  const interrupt = stopOnInterrupt();
  try {
    if (request.local) {
      const delay = request.mockDelayMs ?? 50;
      const run = await runLocal(
        { concurrency: request.concurrency, durationSeconds: request.durationSeconds, mockDelayMs: delay },
        interrupt.onStart,
      );
      const context = { concurrency: request.concurrency, durationSeconds: request.durationSeconds, modelDelayMs: delay };
      const direct = summarize(run.direct, delay);
      const edge = summarize(run.throughEdge, delay);
      for (const line of formatReport(direct, { ...context, target: 'local mock, direct' })) print(line);
      for (const line of formatReport(edge, { ...context, target: 'local mock through the edge stand-in and the real authorizer' }))
        print(line);
      print(
        `edge overhead (through edge - direct): p50 ${(edge.p50Ms - direct.p50Ms).toFixed(1)} ms, p99 ${(edge.p99Ms - direct.p99Ms).toFixed(1)} ms`,
      );
      return 0;
    }
    let plan: LoadPlan;
    try {
      plan = planLoad(request, loadEnvironment(request.environment!, { region: process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION }));
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError(errorMessage(e));
    }
    const target = await deployedTarget(plan);
    const samples = await driveLoad(
      {
        url: target.url,
        headers: { authorization: `Bearer ${target.token}` },
        body: chatBody(plan.model),
        concurrency: plan.concurrency,
        durationSeconds: plan.durationSeconds,
      },
      interrupt.onStart,
    );
    const report = summarize(samples, plan.modelDelayMs);
    const label = `${plan.environment} edge, consumer ${plan.consumer}, model ${plan.model}`;
    for (const line of formatReport(report, { ...plan, target: label })) print(line);
    return 0;
  } finally {
    interrupt.dispose();
  }
}

export const loadCommand: Command = { name: 'load', usage: LOAD_USAGE, main };

if (require.main === module) runMain(loadCommand);
