import type { GateRule } from './decide';

/** The function's environment, set by constructs/workforce-identity.ts. */
export const GATE_ENV = { adminGroup: 'ADMIN_GROUP', gatedClientNames: 'GATED_CLIENT_NAMES' } as const;

export function parseGateEnvironment(env: Readonly<Record<string, string | undefined>>): GateRule {
  const adminGroup = env[GATE_ENV.adminGroup]?.trim();
  const gatedClientNames = (env[GATE_ENV.gatedClientNames] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (!adminGroup) throw new Error(`${GATE_ENV.adminGroup} is not set`);
  if (gatedClientNames.length === 0) throw new Error(`${GATE_ENV.gatedClientNames} lists no app client`);
  return { adminGroup, gatedClientNames };
}
