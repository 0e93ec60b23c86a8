import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { DesiredTenants } from '../../lib/shared/tenants';
import { parseDesiredTenants } from '../tenants/desired-state';
import { newVirtualKey, readConsumerKey, writeConsumerKey } from '../tenants/key-secret';
import { keyHash, LiteLlmAdmin, type LiteLlmKey } from '../tenants/litellm-admin';
import { apply, type ApplyCounts } from './apply';
import { withCurrentGrants } from './grants';
import { isManaged, plan, type SecretKeyHashes } from './plan';
import { waitUntilReady } from './readiness';

/** Kept back from the function's remaining time, so a run cut short still reports its failure to CloudFormation. */
export const DEADLINE_MARGIN_MS = 10_000;

/** Stable across updates, so CloudFormation never replaces the resource (and never sends a Delete for it on update). */
export const PHYSICAL_RESOURCE_ID = 'tenants';

/** What the CDK Provider framework expects back from onEvent. Data holds counts only, never a key. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export interface OnEventDependencies {
  readonly secretsManager: SecretsManagerClient;
  /** `http://<internal load balancer>:<port>`. */
  readonly litellmUrl: string;
  readonly masterKey: () => Promise<string>;
  /** How long to wait for LiteLLM to report its database connected, and how often to ask. */
  readonly readiness: { readonly timeoutMs: number; readonly intervalMs: number };
  /** One admin call, body included. */
  readonly callTimeoutMs: number;
  readonly log: (line: string) => void;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly newKey?: () => string;
  readonly fetch?: typeof fetch;
}

/** The onEvent handler, given clients made once per cold start. */
export function createOnEventHandler(deps: OnEventDependencies) {
  const now = deps.now ?? Date.now;
  /** `remainingMs`: what the Lambda context says is left; every admin call ends before that, less the margin. */
  return async (event: CloudFormationCustomResourceEvent, remainingMs?: number): Promise<OnEventResponse> => {
    if (event.RequestType === 'Delete') {
      // The teams and keys live in LiteLLM's database, which goes (ephemeral) or stays (retained) with the data
      // stack; the key secrets are the stack's own. Deleting keys here would only break a retained environment.
      deps.log('Delete: nothing to do; LiteLLM teams and keys are left as they are');
      return { PhysicalResourceId: event.PhysicalResourceId };
    }
    const desired = parseDesiredTenants((event.ResourceProperties as Record<string, unknown>).DesiredTenants);
    const calls = { reads: 0, writes: 0 };
    const deadline = remainingMs === undefined ? undefined : now() + remainingMs - DEADLINE_MARGIN_MS;
    const admin = new LiteLlmAdmin({
      baseUrl: deps.litellmUrl,
      masterKey: deps.masterKey,
      timeoutMs: deps.callTimeoutMs,
      ...(deadline !== undefined ? { deadline, now } : {}),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      onCall: (c) => {
        if (c.route === '/health/readiness') return;
        if (c.method === 'GET') calls.reads++;
        else calls.writes++;
      },
    });

    await waitUntilReady(admin, deps.litellmUrl, {
      ...deps.readiness,
      timeoutMs: deadline === undefined ? deps.readiness.timeoutMs : Math.min(deps.readiness.timeoutMs, deadline - now()),
      now,
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      log: deps.log,
    });
    const [listed, keys] = await Promise.all([admin.listTeams(), admin.listKeys()]);
    const teams = await withCurrentGrants(admin, listed, (t) => isManaged(desired.environment, t.metadata));
    const secrets = await readSecrets(deps.secretsManager, desired, keys);

    const decided = plan({ teams, keys }, desired, secrets.hashes, now());
    for (const n of decided.notes) deps.log(`reconcile: skip consumer=${n.consumer}: ${n.note}`);
    const counts = await apply(decided, {
      admin,
      currentKeys: secrets.values,
      storeKey: (consumer, key) => writeConsumerKey(deps.secretsManager, secretArnOf(desired, consumer), key),
      newKey: deps.newKey ?? (() => newVirtualKey()),
      log: deps.log,
    });
    deps.log(summary(event.RequestType, counts, calls));
    return {
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      Data: {
        ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)])),
        adminReads: String(calls.reads),
        adminWrites: String(calls.writes),
      },
    };
  };
}

/** The keys the consumers' secrets hold (values for /key/update, hashes for the plan). */
async function readSecrets(sm: SecretsManagerClient, desired: DesiredTenants, keys: readonly LiteLlmKey[]) {
  const values: Record<string, string | undefined> = {};
  const hashes: Record<string, SecretKeyHashes> = {};
  await Promise.all(
    desired.consumers.map(async (c) => {
      try {
        const current = await readConsumerKey(sm, c.secretArn);
        values[c.name] = current;
        const currentHash = current === undefined ? undefined : keyHash(current);
        // AWSPENDING matters only when LiteLLM holds another key than AWSCURRENT: a rotation may be half-way.
        const inLiteLlm = keys.find((k) => k.key_alias === c.name);
        let pendingHash: string | undefined;
        if (inLiteLlm && inLiteLlm.token !== currentHash) {
          const pending = await readConsumerKey(sm, c.secretArn, 'AWSPENDING');
          pendingHash = pending === undefined ? undefined : keyHash(pending);
        }
        hashes[c.name] = { ...(currentHash ? { current: currentHash } : {}), ...(pendingHash ? { pending: pendingHash } : {}) };
      } catch (err) {
        throw new Error(`could not reconcile consumer "${c.name}": ${(err as Error).message}`, { cause: err });
      }
    }),
  );
  return { values, hashes };
}

function secretArnOf(desired: DesiredTenants, consumer: string): string {
  return desired.consumers.find((c) => c.name === consumer)!.secretArn;
}

function summary(requestType: string, c: ApplyCounts, calls: { reads: number; writes: number }): string {
  const changes = c.teamsCreated + c.teamsUpdated + c.teamsDeleted + c.keysIssued + c.keysUpdated + c.keysDeleted;
  const what =
    changes === 0
      ? 'nothing to change'
      : `${changes} change(s): teams +${c.teamsCreated} ~${c.teamsUpdated} -${c.teamsDeleted}, keys +${c.keysIssued} ~${c.keysUpdated} -${c.keysDeleted}`;
  return (
    `${requestType}: reconcile done, ${what}; ${calls.reads + calls.writes} admin API call(s) ` +
    `(${calls.reads} read(s), ${calls.writes} write(s)); ${c.secretsWritten} secret write(s)`
  );
}
