import { checkControlTower, staleExceptions, summaryLine, type ControlTowerReport } from '../../../lib/compliance/control-tower';
import { CONTROL_TOWER_EXCEPTIONS } from '../../../lib/compliance/control-tower-exceptions';
import { controlTowerRules } from '../../../lib/compliance/control-tower-rules';
import { ENVIRONMENTS } from '../../../lib/config/environments';
import { loadEnvironment } from '../../../lib/config/load-config';
import { createStacks } from '../../../lib/create-stacks';
import { testApp } from '../../support/app';

describe('Control Tower exceptions', () => {
  test('name a control of the rule set, at least one resource pattern, and a reason', () => {
    const controls = new Set(controlTowerRules().map((r) => r.control));
    for (const e of CONTROL_TOWER_EXCEPTIONS) {
      expect({ control: e.control, known: controls.has(e.control) }).toEqual({ control: e.control, known: true });
      expect(e.resources.length).toBeGreaterThan(0);
      expect({ control: e.control, reasonLength: e.reason.length >= 80 }).toEqual({ control: e.control, reasonLength: true });
    }
  });

  describe('against every environment', () => {
    // One synth and one cfn-guard run per environment, shared by the tests below.
    let reports: ControlTowerReport[];
    beforeAll(() => {
      reports = Object.keys(ENVIRONMENTS).map((name) => {
        const config = loadEnvironment(name);
        return checkControlTower(createStacks(testApp(), config), { ephemeral: config.ephemeral });
      });
    }, 180_000);

    test('leave no finding unexcused', () => {
      expect(reports.map((r) => ({ environment: r.environment, failures: r.failures }))).toEqual(
        reports.map((r) => ({ environment: r.environment, failures: [] })),
      );
    });

    test('each still excuses a finding: an exception that matches nothing fails here and is to be removed', () => {
      expect(staleExceptions(reports).map((u) => `${u.exception.control} ${u.pattern}`)).toEqual([]);
    });

    test('persistent environments get none of the ephemeral ones', () => {
      for (const report of reports.filter((r) => !loadEnvironment(r.environment).ephemeral)) {
        expect(report.exceptionUses.filter((u) => u.exception.environments === 'ephemeral')).toEqual([]);
      }
    });

    test('every environment evaluates controls and passes most of them', () => {
      for (const report of reports) {
        expect({ line: summaryLine(report), some: report.evaluated.length > 30 }).toEqual({ line: summaryLine(report), some: true });
        expect(report.passed.length).toBeGreaterThan(report.excepted.length);
      }
    });
  });
});
