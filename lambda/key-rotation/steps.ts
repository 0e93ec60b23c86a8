/**
 * The four rotation steps for one consumer's virtual key. Each step may run again (Secrets Manager retries a
 * failed rotation), so each first looks at what is already done. Facts they rely on:
 * test/contracts/secrets-manager-rotation.test.ts.
 *
 * createSecret  draws a new key and stores it as AWSPENDING (nothing in LiteLLM yet).
 * setSecret     renames the current key out of the consumer's alias (LiteLLM keeps aliases unique) and
 *               issues the pending key under that alias, with the current key's team, limits and metadata.
 * testSecret    the pending key authenticates on a client route.
 * finishSecret  moves AWSCURRENT to the new version, then sets the old key to expire after the grace period.
 *               It is not deleted here: the authorizer's and API Gateway's caches may hand it out until
 *               then. Once expired, LiteLLM refuses it and the tenants reconciler deletes it on its next run.
 */
import { MANAGED_BY_METADATA_KEY, consumerOfRetiredAlias, managedByValue, retiredKeyAlias } from '../../lib/shared/tenants';
import { keySecretString, parseVirtualKeySecret } from '../tenants/key-secret';
import { keyHash, type KeyRecord, type RotationLiteLlm } from './litellm-keys';
import type { Log } from './redact';
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS, versionWith, type SecretState, type SecretVersions } from './secret-versions';

export interface StepDeps {
  readonly secrets: SecretVersions;
  readonly litellm: RotationLiteLlm;
  readonly graceSeconds: number;
  /** Epoch milliseconds. */
  readonly now: () => number;
  readonly newKey: () => string;
  readonly log: Log;
  /** Every key value read or made, so the caller can redact them from errors. */
  readonly remember: (key: string) => void;
}

/** The secret being rotated and whose key it holds. */
export interface RotationTarget {
  readonly secretId: string;
  readonly token: string;
  readonly state: SecretState;
  readonly consumer: string;
  readonly environment: string;
}

export class RotationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationRefused';
  }
}

async function readKey(deps: StepDeps, t: RotationTarget, stage: string, versionId?: string): Promise<string | undefined> {
  const value = await deps.secrets.read(t.secretId, stage, versionId);
  if (value === undefined) return undefined;
  const key = parseVirtualKeySecret(value);
  if (key === undefined) {
    throw new RotationRefused(
      stage === AWSCURRENT
        ? `${describe(t)}: the current value is not a virtual key; the tenants reconciler issues the first key (deploy the environment), rotation only replaces it`
        : `${describe(t)}: the ${stage} version ${versionId ?? ''} holds something other than a virtual key`,
    );
  }
  deps.remember(key);
  return key;
}

async function currentKey(deps: StepDeps, t: RotationTarget): Promise<string> {
  const key = await readKey(deps, t, AWSCURRENT);
  if (key === undefined) throw new RotationRefused(`${describe(t)}: the secret has no current value`);
  return key;
}

async function pendingKey(deps: StepDeps, t: RotationTarget): Promise<string> {
  const key = await readKey(deps, t, AWSPENDING, t.token);
  if (key === undefined) throw new RotationRefused(`${describe(t)}: version ${t.token} has no value; createSecret has not run for it`);
  return key;
}

function describe(t: RotationTarget): string {
  return `consumer ${t.consumer} (secret ${t.state.name || t.secretId})`;
}

export async function createSecret(deps: StepDeps, t: RotationTarget): Promise<void> {
  // Only a secret that already holds a key is rotated: the first key and its limits come from the reconciler.
  await currentKey(deps, t);
  if ((await readKey(deps, t, AWSPENDING, t.token)) !== undefined) {
    deps.log('createSecret.already-done', { consumer: t.consumer, version: t.token });
    return;
  }
  const key = deps.newKey();
  deps.remember(key);
  await deps.secrets.putPending(t.secretId, t.token, keySecretString(key));
  deps.log('createSecret.stored-pending-key', { consumer: t.consumer, version: t.token });
}

export async function setSecret(deps: StepDeps, t: RotationTarget): Promise<void> {
  const current = await currentKey(deps, t);
  const pending = await pendingKey(deps, t);
  const issued = await deps.litellm.keyInfo(pending);
  if (issued) {
    if (issued.key_alias !== t.consumer) {
      throw new RotationRefused(
        `${describe(t)}: the pending key exists in LiteLLM under alias "${String(issued.key_alias)}", not "${t.consumer}"`,
      );
    }
    deps.log('setSecret.already-done', { consumer: t.consumer, version: t.token });
    return;
  }
  const old = await deps.litellm.keyInfo(current);
  if (!old) {
    throw new RotationRefused(
      `${describe(t)}: LiteLLM does not know the current key; deploy the platform stack with -c reconcile=<new id> so the tenants reconciler issues it again`,
    );
  }
  checkOwnership(t, old);
  if (old.key_alias === t.consumer) {
    // The alias must be free before the successor can take it; the old key keeps working under its new name.
    await deps.litellm.renameKey(current, retiredKeyAlias(t.consumer, Math.floor(deps.now() / 1000)));
    deps.log('setSecret.renamed-current-key', { consumer: t.consumer });
  }
  await freeAlias(deps, t, current);
  await deps.litellm.issueKey(pending, t.consumer, old);
  deps.log('setSecret.issued-pending-key', { consumer: t.consumer, version: t.token, team: old.team_id ?? undefined });
}

/**
 * Another key under the consumer's alias, neither the current key nor ours, is what an abandoned rotation
 * issued (its pending version was given up) or a key a concurrent deploy issued moments ago. The authorizer
 * hands out only AWSCURRENT, so no client got it from the secret; it is deleted so the alias is free. It is
 * deleted by hash (its value is in no current version), which /key/delete accepts; /key/update is only
 * trusted with a key's value (test/contracts/litellm-admin.test.ts).
 */
async function freeAlias(deps: StepDeps, t: RotationTarget, current: string): Promise<void> {
  const currentHash = keyHash(current);
  for (const holder of await deps.litellm.keysWithAlias(t.consumer)) {
    if (holder.token === currentHash) continue;
    if (holder.metadata?.[MANAGED_BY_METADATA_KEY] !== managedByValue(t.environment)) {
      throw new RotationRefused(
        `${describe(t)}: alias "${t.consumer}" is held in LiteLLM by a key this platform did not issue; rename or delete that key first`,
      );
    }
    await deps.litellm.deleteKey(holder.token);
    deps.log('setSecret.deleted-stray-key', { consumer: t.consumer });
  }
}

/** Never rename or copy a key this platform did not issue to this consumer. */
function checkOwnership(t: RotationTarget, key: KeyRecord): void {
  const alias = key.key_alias ?? '';
  if (alias !== t.consumer && consumerOfRetiredAlias(alias) !== t.consumer) {
    throw new RotationRefused(`${describe(t)}: the current key has alias "${alias}" in LiteLLM, not "${t.consumer}"`);
  }
  const marker = key.metadata?.[MANAGED_BY_METADATA_KEY];
  if (marker !== managedByValue(t.environment)) {
    throw new RotationRefused(
      `${describe(t)}: the current key is not marked ${MANAGED_BY_METADATA_KEY}=${managedByValue(t.environment)} in LiteLLM; only keys this platform issued are rotated`,
    );
  }
}

export async function testSecret(deps: StepDeps, t: RotationTarget): Promise<void> {
  const pending = await readKey(deps, t, AWSPENDING, t.token);
  if (pending === undefined) {
    // RotateSecret with RotateImmediately=false runs testSecret alone on a version of its own making.
    deps.log('testSecret.no-pending-value', { consumer: t.consumer, version: t.token });
    return;
  }
  await deps.litellm.authenticate(pending);
  deps.log('testSecret.pending-key-authenticates', { consumer: t.consumer, version: t.token });
}

/**
 * Moves AWSCURRENT (unless an earlier attempt did), then makes the previous key expire after the grace
 * period. The expiry is set here, not in setSecret: until this step the old key is still AWSCURRENT, and a
 * rotation that fails halfway must leave the consumer with a working key.
 */
export async function finishSecret(deps: StepDeps, t: RotationTarget): Promise<void> {
  const current = versionWith(t.state, AWSCURRENT);
  let previous: string | undefined;
  if (current === t.token) {
    previous = versionWith(t.state, AWSPREVIOUS);
  } else {
    if (current === undefined) throw new RotationRefused(`${describe(t)}: no version is labelled AWSCURRENT`);
    await deps.secrets.moveCurrent(t.secretId, t.token, current);
    deps.log('finishSecret.moved-current', { consumer: t.consumer, version: t.token });
    previous = current;
  }
  if (previous === undefined) return;
  await retire(deps, t, previous);
}

async function retire(deps: StepDeps, t: RotationTarget, previousVersion: string): Promise<void> {
  const value = await deps.secrets.read(t.secretId, AWSPREVIOUS, previousVersion);
  const oldKey = parseVirtualKeySecret(value);
  if (oldKey === undefined) return;
  deps.remember(oldKey);
  const info = await deps.litellm.keyInfo(oldKey);
  if (!info) {
    deps.log('finishSecret.previous-key-gone', { consumer: t.consumer });
    return;
  }
  // Only a key setSecret renamed is retired; anything else under the previous label is left alone.
  if (consumerOfRetiredAlias(info.key_alias ?? '') !== t.consumer) {
    deps.log('finishSecret.previous-key-not-retired', { consumer: t.consumer });
    return;
  }
  const deadline = deps.now() + deps.graceSeconds * 1000;
  const expires = info.expires ? Date.parse(info.expires) : NaN;
  if (Number.isFinite(expires) && expires <= deadline) {
    deps.log('finishSecret.previous-key-already-expiring', { consumer: t.consumer });
    return;
  }
  await deps.litellm.expireKeyIn(oldKey, deps.graceSeconds);
  deps.log('finishSecret.previous-key-expires', { consumer: t.consumer, graceSeconds: deps.graceSeconds });
}
