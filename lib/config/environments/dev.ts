import type { EnvironmentInput } from '../schema';

/** Ephemeral and cheapest: destroyed every evening, re-created every morning. */
export const dev: EnvironmentInput = {
  name: 'dev',
  ephemeral: true,
  region: 'us-east-1',
  network: {
    cidr: '10.40.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 1,
  },
  database: { minCapacity: 0, maxCapacity: 4, autoPauseMinutes: 10, readers: 0 },
  cache: { replicas: 0, multiAz: false },
  cluster: { endpointAccess: { mode: 'private' } },
  edge: { identity: { provider: 'cognito', consumers: ['demo-app'] } },
  // Down every night on purpose: alarms would page for it. The budget still mails.
  observability: { mute: true, monthlyBudgetUsd: 300, budgetAlertPercents: [50, 80, 100] },
};
