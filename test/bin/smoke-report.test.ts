import type { CheckResult } from '../../bin/smoke-checks';
import { exitCode, formatCheck, redact, summary } from '../../bin/smoke-report';

const pass: CheckResult = { name: 'models listed (claude-sonnet-4, claude-opus-4)', outcome: 'pass', ms: 212.4 };
const fail: CheckResult = {
  name: 'request without a token refused',
  outcome: 'fail',
  ms: 35,
  detail: 'got 200',
  cause: 'a method is missing its authorizer',
};
const skip: CheckResult = { name: 'admin route GET /ui refused', outcome: 'skip', ms: 0, detail: 'no token' };

test('a passing check is one line with its timing', () => {
  expect(formatCheck(pass)).toEqual(['PASS  models listed (claude-sonnet-4, claude-opus-4)  212 ms']);
});

test('a failing check shows what was seen and the likely cause under it', () => {
  expect(formatCheck(fail)).toEqual([
    'FAIL  request without a token refused  35 ms',
    '      got 200',
    '      likely cause: a method is missing its authorizer',
  ]);
});

test('in GitHub Actions a failure is an error annotation', () => {
  expect(formatCheck(fail, { annotate: true })[0]).toBe('::error::FAIL  request without a token refused  35 ms');
  expect(formatCheck(pass, { annotate: true })[0]).toBe('PASS  models listed (claude-sonnet-4, claude-opus-4)  212 ms');
});

test('a skipped check says why, without a timing', () => {
  expect(formatCheck(skip)).toEqual(['SKIP  admin route GET /ui refused', '      skipped: no token']);
});

test('redacts keys, tokens and key hashes that an upstream message may quote', () => {
  const text = `Received API Key = sk-abcdefgh1234, pk-lf-0123456789 sk-lf-abcdefghij Bearer eyJhbGciOi.eyJzdWIi.c2ln hash ${'a'.repeat(64)}`;
  expect(redact(text)).toBe('Received API Key = sk-…, pk-lf-… sk-lf-… Bearer <jwt> hash <hash>');
  expect(formatCheck({ ...fail, detail: 'got 401 auth_error: Received API Key = sk-abcdefgh1234' })[1]).toBe(
    '      got 401 auth_error: Received API Key = sk-…',
  );
});

test('the summary counts failures and skips; only an all-pass run exits 0', () => {
  expect(summary([pass, pass])).toBe('smoke: all 2 checks passed');
  expect(summary([pass, fail, skip])).toBe('smoke: 1 of 3 checks failed, 1 skipped');
  expect(exitCode([pass, pass])).toBe(0);
  expect(exitCode([pass, fail])).toBe(1);
  expect(exitCode([pass, skip])).toBe(1);
});
