/** The function's environment, set by constructs/workforce-identity.ts. */
export const GATE_ENV = { adminGroup: 'ADMIN_GROUP', clientRegistryParameter: 'APP_CLIENT_REGISTRY_PARAMETER' } as const;

export interface GateEnvironment {
  readonly adminGroup: string;
  /** Name of the SSM parameter holding the pool's client registry (client-registry.ts). */
  readonly clientRegistryParameter: string;
}

export function parseGateEnvironment(env: Readonly<Record<string, string | undefined>>): GateEnvironment {
  const adminGroup = env[GATE_ENV.adminGroup]?.trim();
  const clientRegistryParameter = env[GATE_ENV.clientRegistryParameter]?.trim();
  if (!adminGroup) throw new Error(`${GATE_ENV.adminGroup} is not set`);
  if (!clientRegistryParameter) throw new Error(`${GATE_ENV.clientRegistryParameter} is not set`);
  return { adminGroup, clientRegistryParameter };
}
