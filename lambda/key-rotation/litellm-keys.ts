import { LITELLM_KEY_HEADER } from '../../lib/shared/litellm';
import { LiteLlmAdmin, LiteLlmAdminError, type GenerateKeyRequest, type LiteLlmKey } from '../tenants/litellm-admin';
import { redact } from './redact';

export { keyHash } from '../tenants/litellm-admin';

/**
 * The part of a LiteLLM key the rotation reads and copies onto the successor (fields of `/key/info`'s
 * `info`, facts in test/contracts/secrets-manager-rotation.test.ts).
 */
export type KeyRecord = Omit<LiteLlmKey, 'token' | 'models'> & {
  /** `/key/info` may answer null where `/key/list` omits the field. */
  readonly models?: readonly string[] | null;
};

/** The LiteLLM admin calls of a rotation. Keys are passed raw; the adapter decides where they may travel. */
export interface RotationLiteLlm {
  /** The key's record, or undefined when LiteLLM does not know it. */
  keyInfo(key: string): Promise<KeyRecord | undefined>;
  renameKey(key: string, alias: string): Promise<void>;
  /** From now on the key works `seconds` more, then LiteLLM refuses it as expired. */
  expireKeyIn(key: string, seconds: number): Promise<void>;
  /** Keys holding this alias (at most one: LiteLLM keeps aliases unique), each with its hash as `token`. */
  keysWithAlias(alias: string): Promise<(KeyRecord & { readonly token: string })[]>;
  /** Deletes a key given by its hash. */
  deleteKey(hash: string): Promise<void>;
  /** A key with this exact value and alias, and the team, models, limits and metadata of `like`. */
  issueKey(key: string, alias: string, like: KeyRecord): Promise<void>;
  /** Resolves when LiteLLM accepts the key as a caller presents it; rejects with LiteLLM's reason otherwise. */
  authenticate(key: string): Promise<void>;
}

export interface HttpLiteLlmProps {
  readonly baseUrl: string;
  readonly masterKey: () => Promise<string>;
  readonly fetch?: typeof fetch;
  /** One call, response body included. */
  readonly timeoutMs?: number;
}

/**
 * The rotation's calls over the tenants' LiteLLM admin client (lambda/tenants/litellm-admin.ts: master key as
 * Bearer, keys only in bodies or hashed, errors scrubbed), plus the client-route check of a key.
 */
export function httpLiteLlm(props: HttpLiteLlmProps): RotationLiteLlm {
  const doFetch = props.fetch ?? fetch;
  const timeoutMs = props.timeoutMs ?? 10_000;
  const admin = new LiteLlmAdmin({ baseUrl: props.baseUrl, masterKey: props.masterKey, fetch: doFetch, timeoutMs });
  return {
    keyInfo: (key) => admin.keyInfo(key),
    async keysWithAlias(alias) {
      return (await admin.listKeys({ keyAlias: alias })).filter((k) => k.key_alias === alias);
    },
    renameKey: (key, alias) => admin.updateKey({ key, key_alias: alias }),
    expireKeyIn: (key, seconds) => admin.updateKey({ key, duration: `${seconds}s` }),
    deleteKey: (hash) => admin.deleteKeys({ hashes: [hash] }),
    async issueKey(key, alias, like) {
      await admin.generateKey({ ...successorFields(like), key, key_alias: alias });
    },
    async authenticate(key) {
      // The cheapest authenticated route a client uses: no model call, no spend. The key goes in the header
      // the edge writes it into (lib/shared/litellm.ts), as a client's request reaches LiteLLM.
      const route = 'GET /v1/models';
      let response: Response;
      let text: string;
      try {
        response = await doFetch(`${props.baseUrl.replace(/\/+$/, '')}/v1/models`, {
          headers: { [LITELLM_KEY_HEADER]: key },
          signal: AbortSignal.timeout(timeoutMs),
        });
        text = await response.text();
      } catch (err) {
        throw new LiteLlmAdminError(route, 0, redact((err as Error).message, [key]));
      }
      const status = response.status;
      if (status !== 200) throw new LiteLlmAdminError(route, status, redact(errorText(text), [key]).slice(0, 500));
    },
  };
}

/**
 * What the successor copies: team, models, budget and limits, metadata (the managed-by marker with it).
 * Anything else the reconciler manages on a key it sets again on its next run; spend starts at 0.
 */
export function successorFields(like: KeyRecord): Omit<GenerateKeyRequest, 'key' | 'key_alias'> {
  const fields = {
    team_id: like.team_id ?? undefined,
    models: like.models ?? undefined,
    max_budget: like.max_budget,
    budget_duration: like.budget_duration,
    tpm_limit: like.tpm_limit,
    rpm_limit: like.rpm_limit,
    max_parallel_requests: like.max_parallel_requests,
    metadata: like.metadata ?? undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
}

/** LiteLLM's `{"error": {"message"}}`, FastAPI's `{"detail"}`, or the text itself. */
function errorText(text: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text;
  }
  const b = body as { error?: { message?: unknown }; detail?: unknown } | null;
  const message = b?.error?.message ?? b?.detail ?? body;
  return typeof message === 'string' ? message : JSON.stringify(message);
}
