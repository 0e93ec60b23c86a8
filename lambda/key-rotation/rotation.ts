/**
 * Secrets Manager rotation of one consumer's LiteLLM virtual key: event checks, then one of the four steps
 * (./steps.ts). Everything it talks to is passed in, so tests run it against moto_server and a LiteLLM stand-in.
 */
import { CONSUMER_SECRET_TAG, virtualKeySecretPrefix } from '../../lib/shared/tenants';
import { builtinKeySecretPrefix } from '../../lib/shared/web';
import { redactedError } from './redact';
import { AWSCURRENT, AWSPENDING, type SecretState } from './secret-versions';
import { RotationRefused, createSecret, finishSecret, setSecret, testSecret, type RotationTarget, type StepDeps } from './steps';

export { RotationRefused };

export const ROTATION_STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** What Secrets Manager sends for each step (it may add fields, such as RotationToken, that are not used here). */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
}

export function parseRotationEvent(event: unknown): RotationEvent {
  const e = (event ?? {}) as Record<string, unknown>;
  const missing = (['SecretId', 'ClientRequestToken', 'Step'] as const).filter((k) => typeof e[k] !== 'string' || e[k] === '');
  if (missing.length > 0) throw new RotationRefused(`Not a rotation event: ${missing.join(', ')} missing`);
  if (!(ROTATION_STEPS as readonly unknown[]).includes(e.Step)) {
    throw new RotationRefused(`Invalid step parameter "${String(e.Step)}" (allowed: ${ROTATION_STEPS.join(', ')})`);
  }
  return e as unknown as RotationEvent;
}

/**
 * Whether this token may be rotated: rotation must be on, and the token must name a version labelled
 * AWSPENDING; a version already AWSCURRENT means an earlier attempt finished the rotation.
 */
export function checkStages(state: SecretState, token: string): 'rotate' | 'already-current' {
  if (!state.rotationEnabled) throw new RotationRefused(`Secret ${state.arn} is not enabled for rotation`);
  const stages = state.versions[token];
  if (!stages) throw new RotationRefused(`Secret version ${token} has no stage for rotation of secret ${state.arn}`);
  if (stages.includes(AWSCURRENT)) return 'already-current';
  if (!stages.includes(AWSPENDING))
    throw new RotationRefused(`Secret version ${token} not set as AWSPENDING for rotation of secret ${state.arn}`);
  return 'rotate';
}

const CONSUMER_NAME = /^[a-z][a-z0-9-]{1,62}$/;

/** The consumer (from its tag) and environment (from the name) a key secret belongs to. */
export function targetOf(state: SecretState, token: string): Omit<RotationTarget, 'secretId'> {
  const consumer = state.tags[CONSUMER_SECRET_TAG];
  if (consumer === undefined || !CONSUMER_NAME.test(consumer)) {
    throw new RotationRefused(`Secret ${state.arn} has no valid ${CONSUMER_SECRET_TAG} tag; only consumer key secrets are rotated here`);
  }
  const environment = state.name.split('/')[1] ?? '';
  if (environment && state.name.startsWith(builtinKeySecretPrefix(environment))) {
    // Open WebUI reads its key only when a pod starts: a rotated-out key would expire under the running pods.
    throw new RotationRefused(
      `Secret ${state.arn} holds the built-in consumer ${consumer}'s key, which is never rotated (its workload reads the key only at start; constructs/tenants.ts)`,
    );
  }
  if (!environment || !state.name.startsWith(virtualKeySecretPrefix(environment))) {
    throw new RotationRefused(`Secret ${state.arn} is not named ${virtualKeySecretPrefix('<env>')}<client id>`);
  }
  return { token, state, consumer, environment };
}

export interface RotationDeps extends Omit<StepDeps, 'remember'> {
  /** Secret values to keep out of errors besides any `sk-...` (the master key's stored form). */
  readonly knownSecrets?: () => readonly string[];
}

export function createRotationHandler(deps: RotationDeps): (event: unknown) => Promise<void> {
  return async (event) => {
    const known = new Set<string>();
    const stepDeps: StepDeps = { ...deps, remember: (key) => known.add(key) };
    let step: string | undefined;
    let consumer: string | undefined;
    try {
      const e = parseRotationEvent(event);
      step = e.Step;
      const state = await deps.secrets.describe(e.SecretId);
      const stage = checkStages(state, e.ClientRequestToken);
      const target: RotationTarget = { secretId: e.SecretId, ...targetOf(state, e.ClientRequestToken) };
      consumer = target.consumer;
      // finishSecret still checks the old key's expiry: an attempt may have moved the label, then failed.
      if (stage === 'already-current' && e.Step !== 'finishSecret') {
        deps.log(`${e.Step}.already-current`, { consumer, version: e.ClientRequestToken });
        return;
      }
      await STEPS[e.Step](stepDeps, target);
    } catch (err) {
      const safe = redactedError(err, [...known, ...(deps.knownSecrets?.() ?? [])]);
      deps.log('rotation.failed', { step, consumer, error: safe.message });
      throw safe;
    }
  };
}

const STEPS: Record<RotationStep, (deps: StepDeps, target: RotationTarget) => Promise<void>> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};
