/**
 * Authorizer benchmark (prints figures; not a test). Run: npm run bench:authorizer (see BENCH_AUTHORIZER_USAGE)
 *
 * 1. Bundles lambda/authorizer/index.ts the way NodejsFunction does (esbuild, minified, cjs, node24,
 *    `@aws-sdk/*` external because the Lambda Node.js runtime provides SDK v3) and reports its size.
 * 2. Cold init: fresh `node` processes each load the bundle; median of several.
 * 3. Warm decision on a cache hit (JWKS and virtual key cached; in-process fake JWKS and secret source),
 *    next to the raw RS256 verification of the same token with node:crypto.
 * 4. Secrets Manager calls per client per TTL, counted.
 */
import { execFileSync } from 'node:child_process';
import { createVerify } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { JwtVerifier } from 'aws-jwt-verify';
import { build } from 'esbuild';
import { loadConfig } from '../lambda/authorizer/config';
import { createEmfMetrics, createLogger } from '../lambda/authorizer/telemetry';
import { buildAuthorizer } from '../lambda/authorizer/wiring';
import { accessClaims, CLIENT_ID, ISSUER, jwksOf, mint, rsaKey } from '../test/support/authorizer-tokens';
import { runMain, unknownOption, type Command } from './run-main';
import { TempDirs } from './temp-dirs';

export const BENCH_AUTHORIZER_USAGE = `Usage: npm run bench:authorizer

Bundles the JWT authorizer as NodejsFunction does and prints its size, the cold start of fresh node processes
loading it, the warm decision latency on a cache hit next to raw RS256 verification, and the Secrets Manager
calls per client per cache TTL, each against its target. Takes no options; Ctrl-C removes its temporary folder.`;

const ROOT = resolve(__dirname, '..');
const TARGETS = { warmRatio: 1.5, bundleBytes: 100 * 1024, smCallsPerClientPerTtl: 1 };
const PREFIX = 'genai-gateway/bench/virtual-keys/';
const ENV = {
  AUTH_MODE: 'inject',
  JWT_ISSUERS: ISSUER,
  JWT_CLIENT_IDS: CLIENT_ID,
  REQUIRED_SCOPE: 'genai-gateway/invoke',
  VIRTUAL_KEY_SECRET_PREFIX: PREFIX,
};

const fmtUs = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const median = (xs: number[]) =>
  pct(
    [...xs].sort((a, b) => a - b),
    50,
  );
const line = (label: string, value: string, note = '') => console.log(`  ${label.padEnd(38)} ${value.padEnd(22)} ${note}`);

async function bundle(outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.js');
  const result = await build({
    entryPoints: [join(ROOT, 'lambda/authorizer/index.ts')],
    bundle: true,
    minify: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    external: ['@aws-sdk/*'],
    outfile,
    metafile: true,
    logLevel: 'error',
  });
  const bytes = statSync(outfile).size;
  const gz = gzipSync(readFileSync(outfile)).length;
  console.log('\nBundle (esbuild: minify, cjs, platform node, target node24, external @aws-sdk/*)');
  line(
    'size',
    `${(bytes / 1024).toFixed(1)} KB`,
    `target ≤ ${TARGETS.bundleBytes / 1024} KB: ${bytes <= TARGETS.bundleBytes ? 'met' : 'MISSED'}`,
  );
  line('gzipped', `${(gz / 1024).toFixed(1)} KB`);
  line('AWS SDK bundled?', 'no', '@aws-sdk/* external: provided by the Lambda Node.js 24 runtime');
  const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
  const byPackage = new Map<string, number>();
  for (const [path, info] of Object.entries(inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = m ? (m[1] as string) : 'lambda/authorizer (own code)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + info.bytesInOutput);
  }
  for (const [name, size] of [...byPackage].sort((a, b) => b[1] - a[1])) line(`  ${name}`, `${(size / 1024).toFixed(1)} KB`);
  return outfile;
}

function coldInit(bundlePath: string, runs = 7): void {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(bundlePath)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  // NODE_NO_WARNINGS: the SDK warns that node 20 is ageing; Lambda runs Node.js 24.
  const env = { ...process.env, ...ENV, AWS_REGION: 'eu-west-1', NODE_PATH: join(ROOT, 'node_modules'), NODE_NO_WARNINGS: '1' };
  const loads: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const out = execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    totals.push(Number(process.hrtime.bigint() - started) / 1e6);
    loads.push(Number(out.trim().split('\n').pop()));
  }
  console.log(`\nCold init (fresh node ${process.version} process, inject mode, median of ${runs})`);
  line('require(bundle) incl. SDK client', `${median(loads).toFixed(1)} ms`, '@aws-sdk/client-secrets-manager loaded from node_modules');
  line('whole process (spawn to exit)', `${median(totals).toFixed(1)} ms`, 'includes node startup itself');
}

async function warm(): Promise<void> {
  const key = rsaKey('bench');
  const token = mint(key, accessClaims());
  const clock = { now: Date.now() };
  let lines = 0;
  const sink = () => {
    lines += 1;
  };
  let smCalls = 0;
  const parts = buildAuthorizer(loadConfig(ENV), {
    logger: createLogger({ write: sink, clock: () => clock.now }),
    metrics: createEmfMetrics({ write: sink, clock: () => clock.now }),
    clock: () => clock.now,
    fetchJwks: () => Promise.resolve(jwksOf(key) as never),
    secretSource: () => {
      smCalls += 1;
      return Promise.resolve('sk-bench_virtual_key_0123456789');
    },
  });
  const event = {
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:abc123/dev/POST/v1/chat/completions',
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
  } as never;
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10_000 };

  const first = await parts.handler(event, context);
  if (first.policyDocument.Statement[0]?.Effect !== 'Allow') throw new Error('benchmark token was not allowed');

  const [signingInput, signature] = [token.slice(0, token.lastIndexOf('.')), token.slice(token.lastIndexOf('.') + 1)];
  const rawVerify = () => createVerify('RSA-SHA256').update(signingInput).verify(key.publicKey, signature, 'base64url');
  // The library alone (same token, same cached key), to separate its parsing cost from the handler's.
  const library = JwtVerifier.create({ issuer: ISSUER, audience: null, jwksUri: 'https://unused.invalid/jwks.json' });
  library.cacheJwks(jwksOf(key) as never);

  const N = 20_000;
  const decision: number[] = [];
  const raw: number[] = [];
  const lib: number[] = [];
  for (let i = 0; i < 3000; i++) {
    await parts.handler(event, context);
    rawVerify();
    library.verifySync(token);
  }
  // Interleaved so both see the same machine noise (this host's cores are shared).
  let decisionTotal = 0;
  let rawTotal = 0;
  for (let i = 0; i < N; i++) {
    let t = process.hrtime.bigint();
    await parts.handler(event, context);
    let d = Number(process.hrtime.bigint() - t);
    decision.push(d);
    decisionTotal += d;
    t = process.hrtime.bigint();
    if (!rawVerify()) throw new Error('raw verify failed');
    d = Number(process.hrtime.bigint() - t);
    raw.push(d);
    rawTotal += d;
    t = process.hrtime.bigint();
    library.verifySync(token);
    lib.push(Number(process.hrtime.bigint() - t));
  }
  lib.sort((a, b) => a - b);
  decision.sort((a, b) => a - b);
  raw.sort((a, b) => a - b);
  const ratio50 = pct(decision, 50) / pct(raw, 50);
  console.log(`\nWarm decision on a cache hit (JWKS + virtual key cached), ${N} iterations, one core`);
  line(
    'raw RS256 verify (node:crypto) p50/p99',
    `${fmtUs(pct(raw, 50))} / ${fmtUs(pct(raw, 99))}`,
    `${Math.round(N / (rawTotal / 1e9)).toLocaleString('en')} verifies/s`,
  );
  line(
    'aws-jwt-verify verifySync alone p50/p99',
    `${fmtUs(pct(lib, 50))} / ${fmtUs(pct(lib, 99))}`,
    `${(pct(lib, 50) / pct(raw, 50)).toFixed(2)}x raw: the library's own parse and checks`,
  );
  line(
    'authorizer decision p50/p99',
    `${fmtUs(pct(decision, 50))} / ${fmtUs(pct(decision, 99))}`,
    `${Math.round(N / (decisionTotal / 1e9)).toLocaleString('en')} decisions/s per core`,
  );
  line(
    'decision / raw verify (p50)',
    `${ratio50.toFixed(2)}x`,
    `target ≤ ${TARGETS.warmRatio}x: ${ratio50 <= TARGETS.warmRatio ? 'met' : 'MISSED'}`,
  );
  line('decision / raw verify (mean)', `${(decisionTotal / rawTotal).toFixed(2)}x`);
  line('log + EMF lines written (to a sink)', `${lines}`, 'one EMF line per decision; allows log at DEBUG only');

  // Secrets Manager calls: one client, three TTL periods, a burst of concurrent misses in each.
  const ttlMs = loadConfig(ENV).keyCacheTtlSeconds * 1000;
  const before = smCalls;
  for (let period = 0; period < 3; period++) {
    clock.now += ttlMs;
    await Promise.all(Array.from({ length: 200 }, () => parts.handler(event, context)));
    for (let i = 0; i < 1000; i++) await parts.handler(event, context);
  }
  const perTtl = (smCalls - before) / 3;
  console.log('\nSecrets Manager calls (one client, 3 TTL periods × (200 concurrent + 1000 sequential) decisions)');
  line(
    'calls per client per TTL',
    `${perTtl}`,
    `target ≤ ${TARGETS.smCallsPerClientPerTtl}: ${perTtl <= TARGETS.smCallsPerClientPerTtl ? 'met' : 'MISSED'}`,
  );
  line('calls during the warm run', `${before}`, `${N + 3001} decisions, all for one client`);
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] !== undefined) throw unknownOption(argv[0], []);
  console.log(`Authorizer benchmark — node ${process.version}, ${process.arch} (the Lambda runtime is Node.js 24)`);
  const temp = new TempDirs();
  try {
    const dir = temp.make(tmpdir(), 'bench-authorizer-');
    const bundlePath = await bundle(dir);
    writeFileSync(join(dir, 'package.json'), '{}');
    coldInit(bundlePath);
    await warm();
    return 0;
  } finally {
    temp.release();
  }
}

export const benchAuthorizerCommand: Command = { name: 'bench:authorizer', usage: BENCH_AUTHORIZER_USAGE, main };

if (require.main === module) runMain(benchAuthorizerCommand);
