import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ClientRegistry } from './decide';

/**
 * The registry's text, `{"gated":[ids],"open":[ids]}`, parsed strictly: anything else (not JSON, a missing or empty
 * list, a non-string id, an id listed as both) throws, and the handler refuses every sign-in.
 */
export function parseClientRegistry(text: string): ClientRegistry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('app client registry is not JSON');
  }
  const lists = value as { gated?: unknown; open?: unknown } | null;
  const ids = (name: 'gated' | 'open'): string[] => {
    const list = lists?.[name];
    if (!Array.isArray(list) || !list.every((id) => typeof id === 'string' && id.length > 0)) {
      throw new Error(`app client registry: ${name} is not a list of client ids`);
    }
    return list as string[];
  };
  const gated = ids('gated');
  const open = ids('open');
  if (gated.length === 0) throw new Error('app client registry: gated lists no client');
  const both = gated.filter((id) => open.includes(id));
  if (both.length > 0) throw new Error(`app client registry: ${both.join(', ')} listed as both gated and open`);
  return { gated, open };
}

export interface RegistrySourceOptions {
  /** How long a registry read successfully is reused; a failed read is never cached. */
  readonly ttlMs: number;
  readonly now: () => number;
}

/**
 * Reads the registry from its SSM parameter, reusing a good read for `ttlMs` (a trigger has five seconds, and the
 * list changes only with a deployment). Errors propagate: the handler refuses the sign-in.
 */
export function clientRegistrySource(ssm: Pick<SSMClient, 'send'>, parameterName: string, options: RegistrySourceOptions) {
  let cached: { readonly registry: ClientRegistry; readonly at: number } | undefined;
  return async (): Promise<ClientRegistry> => {
    const now = options.now();
    if (cached && now - cached.at < options.ttlMs) return cached.registry;
    const { Parameter: parameter } = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    if (parameter?.Value === undefined) throw new Error(`parameter ${parameterName} has no value`);
    const registry = parseClientRegistry(parameter.Value);
    cached = { registry, at: now };
    return registry;
  };
}
