import { parseBenchTestsArgs } from '../../bin/bench-tests';

describe('npm run bench:tests arguments', () => {
  test('one cold run of the suite by default', () => {
    expect(parseBenchTestsArgs([])).toEqual({ runs: 1, warm: false, ci: false });
  });

  test('takes runs, a warm cache and the CI run', () => {
    expect(parseBenchTestsArgs(['--runs', '3', '--warm', '--ci'])).toEqual({ runs: 3, warm: true, ci: true });
  });

  test.each([['0'], ['10'], ['1.5'], ['many']])('denies --runs %s', (runs) => {
    expect(() => parseBenchTestsArgs(['--runs', runs])).toThrow(`--runs takes a whole number from 1 to 9, got "${runs}"`);
  });

  test('denies --runs without a number', () => {
    expect(() => parseBenchTestsArgs(['--runs'])).toThrow('--runs takes a whole number from 1 to 9, got ""');
  });
});
