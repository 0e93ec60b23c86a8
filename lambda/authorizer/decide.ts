import { extractBearerToken, type HeaderSource } from './authorization-header';
import type { AuthMode } from './config';
import type { KeyLookup } from './key-store';
import { AuthorizerFault, Denial, errorName, type DenyReason } from './outcome';
import type { TokenVerifier } from './token-verifier';

export type Decision =
  | { readonly effect: 'allow'; readonly clientId: string; readonly endUser: string; readonly virtualKey?: string }
  | { readonly effect: 'deny'; readonly status: 401 | 403; readonly reason: DenyReason; readonly clientId?: string };

export interface DecideDeps {
  readonly mode: AuthMode;
  readonly maxTokenLength: number;
  readonly verifier: TokenVerifier;
  /** Required in inject mode. */
  readonly keys?: { get(clientId: string): Promise<KeyLookup> };
}

/**
 * Token → client → (inject mode) virtual key. Resolves with an allow or a deny; rejects only with an
 * AuthorizerFault, whatever went wrong underneath.
 */
export async function decide(request: HeaderSource, deps: DecideDeps): Promise<Decision> {
  try {
    const token = extractBearerToken(request, deps.maxTokenLength);
    const { clientId, endUser } = await deps.verifier.verify(token);
    if (deps.mode === 'passthrough') return { effect: 'allow', clientId, endUser };
    if (!deps.keys) throw new AuthorizerFault('internal_error', 'NoKeyStore');
    const lookup = await deps.keys.get(clientId);
    if (lookup.kind !== 'found') throw new Denial('unknown_client', clientId);
    return { effect: 'allow', clientId, endUser, virtualKey: lookup.virtualKey };
  } catch (err) {
    if (err instanceof Denial) {
      return { effect: 'deny', status: err.status, reason: err.reason, clientId: err.clientId };
    }
    if (err instanceof AuthorizerFault) throw err;
    throw new AuthorizerFault('internal_error', errorName(err));
  }
}
