import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PUBLISH_SCRIPT, READ_SCRIPT, VOLUME_USED_QUERY } from '../../k8s/clickhouse-volume-metrics';

/**
 * The two container scripts run under /bin/sh with stand-ins for the two CLIs on PATH. The clickhouse-client
 * stand-in behaves as the contract says (test/contracts/clickhouse.test.ts): the password comes from
 * CLICKHOUSE_PASSWORD, the answer is one line, and an unreachable host is an error with a non-zero exit.
 */
/** Each host's answer: a line of output, or UNREACHABLE. */
const UNREACHABLE = Symbol('unreachable');

function sandbox(answers: Record<string, string | typeof UNREACHABLE>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ch-volume-'));
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const cases = Object.entries(answers)
    .map(([host, a]) =>
      a === UNREACHABLE
        ? `  ${host}) echo "Code: 210. DB::NetException: Connection refused" >&2; exit 210 ;;`
        : `  ${host}) echo "${a}" ;;`,
    )
    .join('\n');
  writeFileSync(
    path.join(bin, 'clickhouse-client'),
    `#!/bin/sh
case "$*" in *--password*) echo "password on the command line" >&2; exit 99 ;; esac
[ -n "$CLICKHOUSE_PASSWORD" ] || { echo "Authentication failed" >&2; exit 194; }
echo "$*" >> "${dir}/client-calls"
host=""; while [ $# -gt 0 ]; do [ "$1" = "--host" ] && host="$2"; shift; done
case "$host" in
${cases}
  *) echo "unknown host" >&2; exit 210 ;;
esac
`,
  );
  writeFileSync(path.join(bin, 'aws'), `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "${dir}/aws-args"\n`);
  chmodSync(path.join(bin, 'clickhouse-client'), 0o755);
  chmodSync(path.join(bin, 'aws'), 0o755);
  const env = {
    PATH: `${bin}:/usr/bin:/bin`,
    CLICKHOUSE_HOSTS: Object.keys(answers).join(' '),
    CLICKHOUSE_PORT: '9000',
    CLICKHOUSE_USER: 'langfuse',
    CLICKHOUSE_PASSWORD: 'not-printed',
    VOLUME_USED_QUERY,
    RESULT_FILE: path.join(dir, 'used-percent'),
    METRIC_NAMESPACE: 'GenAIPlatform/ClickHouse',
    METRIC_NAME: 'VolumeUsedPercent',
    METRIC_DIMENSION: 'Environment',
    METRIC_UNIT: 'Percent',
    ENVIRONMENT: 'dev',
  };
  const run = (script: string) => spawnSync('/bin/sh', ['-c', script], { env, encoding: 'utf8' });
  return { dir, env, run };
}

describe('ClickHouse volume metrics scripts', () => {
  test('the reader keeps the fullest replica and logs each one without the password', () => {
    const { env, run } = sandbox({ a: '41', b: '87', c: '63' });
    const result = run(READ_SCRIPT);
    expect(result.status).toBe(0);
    expect(readFileSync(env.RESULT_FILE, 'utf8').trim()).toBe('87');
    expect(result.stdout).toBe('a: 41% used\nb: 87% used\nc: 63% used\n');
    expect(`${result.stdout}${result.stderr}`).not.toContain('not-printed');
  });

  test('the reader fails and leaves no number when any replica does not answer', () => {
    const { env, run } = sandbox({ a: '41', b: UNREACHABLE, c: '63' });
    const result = run(READ_SCRIPT);
    expect(result.status).not.toBe(0);
    expect(() => readFileSync(env.RESULT_FILE)).toThrow();
  });

  test('the reader refuses an answer that is not a whole percentage', () => {
    const { env, run } = sandbox({ a: '' });
    expect(run(READ_SCRIPT).status).not.toBe(0);
    expect(() => readFileSync(env.RESULT_FILE)).toThrow();
  });

  test('the reader asks each replica the system.disks query over the native port', () => {
    const { dir, run } = sandbox({ a: '1', b: '2' });
    run(READ_SCRIPT);
    const calls = readFileSync(path.join(dir, 'client-calls'), 'utf8').trim().split('\n');
    expect(calls).toEqual([`--host a --port 9000 --query ${VOLUME_USED_QUERY}`, `--host b --port 9000 --query ${VOLUME_USED_QUERY}`]);
  });

  test('the publisher sends the number as one Percent datum with the environment dimension', () => {
    const { dir, env, run } = sandbox({ a: '1' });
    writeFileSync(env.RESULT_FILE, '87\n');
    expect(run(PUBLISH_SCRIPT).status).toBe(0);
    expect(readFileSync(path.join(dir, 'aws-args'), 'utf8').trim().split('\n')).toEqual([
      'cloudwatch',
      'put-metric-data',
      '--namespace',
      'GenAIPlatform/ClickHouse',
      '--metric-name',
      'VolumeUsedPercent',
      '--dimensions',
      'Environment=dev',
      '--unit',
      'Percent',
      '--value',
      '87',
    ]);
  });
});
