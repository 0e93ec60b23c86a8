import { App, Stack, Stage } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { checkControlTower, matches, staleExceptions, summaryLine, type ControlTowerReport } from '../../../lib/compliance/control-tower';
import type { ControlTowerException } from '../../../lib/compliance/control-tower-exceptions';

/** A stage with one stack holding two plain log groups (no KMS key) and a bucket without versioning. */
function nonCompliantStage(): Stage {
  const stage = new Stage(new App({ builtinCloudFormationValidation: false }), 'test');
  const stack = new Stack(stage, 'Logs');
  new logs.CfnLogGroup(stack, 'Plain');
  new logs.CfnLogGroup(stack, 'Other');
  new s3.CfnBucket(stack, 'Bucket');
  return stage;
}

const exception = (overrides: Partial<ControlTowerException>): ControlTowerException => ({
  control: 'CT.CLOUDWATCH.PR.3',
  resources: ['Logs/Plain'],
  environments: 'all',
  reason: 'a test exception',
  ...overrides,
});

describe('checkControlTower', () => {
  // One guard run per case below; each template is small, so each takes about a second.
  test('fails a log group without a KMS key, naming the control and the construct path', () => {
    // GIVEN a stack with unencrypted log groups and no exceptions
    // WHEN
    const report = checkControlTower(nonCompliantStage(), { ephemeral: false, exceptions: [] });

    // THEN
    expect(report.failed).toContain('CT.CLOUDWATCH.PR.3');
    expect(report.failures).toEqual(
      expect.arrayContaining([
        { control: 'CT.CLOUDWATCH.PR.3', path: 'Logs/Plain' },
        { control: 'CT.CLOUDWATCH.PR.3', path: 'Logs/Other' },
        { control: 'CT.S3.PR.11', path: 'Logs/Bucket' },
      ]),
    );
    expect(report.evaluated).toEqual(expect.arrayContaining(report.failed));
    expect(report.passed.filter((c) => report.failed.includes(c))).toEqual([]);
  });

  test('an exception excuses only the resources its pattern names', () => {
    // GIVEN an exception for one of the two log groups
    const only = exception({});

    // WHEN
    const report = checkControlTower(nonCompliantStage(), { ephemeral: false, exceptions: [only] });

    // THEN the other still fails the control, so it is failed, not excepted
    expect(report.exceptedFindings).toEqual([{ control: 'CT.CLOUDWATCH.PR.3', path: 'Logs/Plain' }]);
    expect(report.failures).toContainEqual({ control: 'CT.CLOUDWATCH.PR.3', path: 'Logs/Other' });
    expect(report.failed).toContain('CT.CLOUDWATCH.PR.3');
    expect(report.excepted).not.toContain('CT.CLOUDWATCH.PR.3');
    expect(report.exceptionUses).toEqual([{ exception: only, pattern: 'Logs/Plain', matched: 1 }]);
  });

  test('a control is excepted once every finding is excused, and an ephemeral exception holds in ephemeral environments only', () => {
    // GIVEN an ephemeral-only exception covering both log groups
    const both = exception({ resources: ['Logs/*'], environments: 'ephemeral' });

    // WHEN
    const ephemeral = checkControlTower(nonCompliantStage(), { ephemeral: true, exceptions: [both] });
    const persistent = checkControlTower(nonCompliantStage(), { ephemeral: false, exceptions: [both] });

    // THEN
    expect(ephemeral.excepted).toContain('CT.CLOUDWATCH.PR.3');
    expect(ephemeral.failed).not.toContain('CT.CLOUDWATCH.PR.3');
    expect(persistent.failed).toContain('CT.CLOUDWATCH.PR.3');
    expect(persistent.exceptionUses).toEqual([]);
    expect(summaryLine(ephemeral)).toMatch(/^test: \d+ controls evaluated, \d+ passed, \d+ excepted, \d+ failed \(3 resources\)$/);
  });
});

describe('matches', () => {
  test.each<[string, string, boolean]>([
    ['Data/Buckets/AccessLogs/Resource', 'Data/Buckets/AccessLogs/Resource', true],
    ['Data/Buckets/*/Resource', 'Data/Buckets/Langfuse/Resource', true],
    ['Data/Buckets/*/Resource', 'Data/Buckets/Langfuse/Policy/Resource', false],
    ['Data/**', 'Data/Aurora/Cluster/Resource', true],
    ['**/framework-onEvent/Resource', 'Cluster/NetworkTeardown/Provider/framework-onEvent/Resource', true],
    ['Edge/JwtAuthorizer/Function/*:Permissions', 'Edge/JwtAuthorizer/Function/prodEdgeJwtAuthorizerAFF38FDC:Permissions', true],
    ['Data/Buckets/ClickHouse/Resource', 'Data/Buckets/ClickHouse/Resource2', false],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });
});

describe('staleExceptions', () => {
  const use = (exception: ControlTowerException, pattern: string, matched: number) => ({ exception, pattern, matched });
  const report = (uses: ControlTowerReport['exceptionUses']) => ({ exceptionUses: uses }) as unknown as ControlTowerReport;

  test('reports a pattern that matched nothing in every environment it holds in, once', () => {
    const a = exception({ resources: ['A', 'B'] });
    expect(staleExceptions([report([use(a, 'A', 2), use(a, 'B', 0)]), report([use(a, 'A', 0), use(a, 'B', 0)])])).toEqual([use(a, 'B', 0)]);
  });

  test('keeps a pattern that matches in one environment only', () => {
    const a = exception({ resources: ['A'] });
    expect(staleExceptions([report([use(a, 'A', 0)]), report([use(a, 'A', 1)])])).toEqual([]);
  });
});
