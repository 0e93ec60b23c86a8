import { restorePlan } from '../../bin/restore-plan';
import type { RestoreReader } from '../../bin/restore-plan-aws';
import { DATA_OUTPUTS } from '../../lib/shared/data-outputs';

function harness(reader: Partial<RestoreReader> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const calls: string[] = [];
  const full: RestoreReader = {
    stackOutputs: async (region, stack) => {
      calls.push(`outputs ${region} ${stack}`);
      return {
        [DATA_OUTPUTS.auroraCluster]: 'genai-prod-postgres',
        [DATA_OUTPUTS.backupVault]: 'vault',
        [DATA_OUTPUTS.backupRole]: 'role',
      };
    },
    recoveryPoints: async (region, vault) => {
      calls.push(`points ${region} ${vault}`);
      return [];
    },
    clusterSnapshots: async (region, cluster) => {
      calls.push(`snapshots ${region} ${cluster}`);
      return [];
    },
    ...reader,
  };
  return {
    run: (argv: string[]) =>
      restorePlan(
        argv,
        full,
        (l) => out.push(l),
        (l) => err.push(l),
      ),
    out,
    err,
    calls,
  };
}

describe('npm run restore-plan', () => {
  test("reads the environment's data stack outputs, its vault and its cluster's snapshots, in its region, and prints the plan", async () => {
    const h = harness();
    await expect(h.run(['prod'])).resolves.toBe(0);
    expect(h.calls).toEqual(['outputs us-east-1 genai-prod-data', 'points us-east-1 vault', 'snapshots us-east-1 genai-prod-postgres']);
    expect(h.out[0]).toBe('Restore plan for prod (us-east-1). Read-only: nothing below has been run.');
  });

  test.each([[[]], [['prod', 'dev']], [['--all']]])('refuses %j with the usage and reads nothing', async (argv) => {
    const h = harness();
    await expect(h.run(argv)).resolves.toBe(2);
    expect(h.err.join('\n')).toContain('Usage: npm run restore-plan -- <env>');
    expect(h.calls).toEqual([]);
  });

  test('refuses an unknown environment and reads nothing', async () => {
    const h = harness();
    await expect(h.run(['qa'])).resolves.toBe(2);
    expect(h.err[0]).toContain('unknown environment "qa"');
    expect(h.calls).toEqual([]);
  });

  test('a failing AWS call exits 1 with its message, and prints no half plan', async () => {
    const h = harness({
      stackOutputs: async () => {
        throw new Error('Stack with id genai-prod-data does not exist');
      },
    });
    await expect(h.run(['prod'])).resolves.toBe(1);
    expect(h.err).toEqual(['restore-plan prod: Stack with id genai-prod-data does not exist']);
    expect(h.out).toEqual([]);
  });
});
