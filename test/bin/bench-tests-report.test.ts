import { fileRows, folderRows, median, parseCiSteps, parseSetupLog, setupRows, table } from '../../bin/bench-tests-report';

const RESULT = {
  numTotalTests: 5,
  numFailedTests: 0,
  testResults: [
    { name: '/repo/test/lib/a.test.ts', startTime: 1_000, endTime: 4_000 },
    { name: '/repo/test/lib/b.test.ts', startTime: 0, endTime: 1_000 },
    { name: '/repo/test/k8s/c.test.ts', startTime: 0, endTime: 6_000 },
  ],
};

describe('bench:tests report', () => {
  test('lists test files slowest first with paths relative to the repository', () => {
    expect(fileRows(RESULT, '/repo')).toEqual([
      { label: 'test/k8s/c.test.ts', seconds: 6 },
      { label: 'test/lib/a.test.ts', seconds: 3 },
      { label: 'test/lib/b.test.ts', seconds: 1 },
    ]);
  });

  test('sums files per folder', () => {
    expect(folderRows(fileRows(RESULT, '/repo/'))).toEqual([
      { label: 'test/k8s', seconds: 6, note: '1 files' },
      { label: 'test/lib', seconds: 4, note: '2 files' },
    ]);
  });

  test('groups set-up costs by what was set up and counts the files that paid', () => {
    const log = [
      { kind: 'synth', label: 'dev/Data', ms: 800, file: 'test/lib/a.test.ts' },
      { kind: 'synth', label: 'dev/Data', ms: 700, file: 'test/lib/b.test.ts' },
      { kind: 'moto', label: 'moto_server', ms: 300, file: 'test/lib/a.test.ts' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(setupRows(parseSetupLog(`${log}\n\n`))).toEqual([
      { label: 'synth: dev/Data', seconds: 1.5, note: '2x in 2 files' },
      { label: 'moto: moto_server', seconds: 0.3, note: '1x in 1 files' },
    ]);
  });

  test('refuses a set-up log line that is not a cost', () => {
    expect(() => parseSetupLog('{"kind":"synth"}')).toThrow('set-up log line 1: expected {kind, label, ms, file}, got {"kind":"synth"}');
  });

  test("reads .ci/run's step summary and nothing else", () => {
    const output = [
      '=== test ===',
      'step 12.5 s install (lockfile)',
      'step 80.0 s test',
      'step 9 s | lint',
      'total 92.5 s',
      '  step 1 s indented',
    ].join('\n');
    expect(parseCiSteps(output)).toEqual({
      steps: [
        { label: 'install (lockfile)', seconds: 12.5 },
        { label: 'test', seconds: 80 },
        { label: '| lint', seconds: 9 },
      ],
      total: 92.5,
    });
    expect(parseCiSteps('step 1 s a')).toEqual({ steps: [{ label: 'a', seconds: 1 }] });
  });

  test('prints shares of the total and folds the rows past the limit', () => {
    const text = table(
      'files',
      [
        { label: 'a', seconds: 3 },
        { label: 'b', seconds: 1 },
        { label: 'c', seconds: 1, note: 'x' },
      ],
      { limit: 1 },
    );
    expect(text.split('\n')).toEqual(['files (total 5.00 s)', '  a             3.00 s   60.0 %', '  (2 more)      2.00 s   40.0 %']);
  });

  test('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of no values');
  });
});
