import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const SHARED = path.join(__dirname, '../../../lib/shared');

describe('lib/shared', () => {
  const files = readdirSync(SHARED).filter((f) => f.endsWith('.ts'));

  test('holds the facts modules', () => {
    expect(files.sort()).toEqual([
      'account.ts',
      'attribution.ts',
      'bedrock.ts',
      'cache.ts',
      'clickhouse-backup.ts',
      'clickhouse-volume.ts',
      'cluster-ownership.ts',
      'cors.ts',
      'cost-tags.ts',
      'data-outputs.ts',
      'guardrails.ts',
      'langfuse.ts',
      'litellm.ts',
      'load-test.ts',
      'tenants.ts',
      'web.ts',
    ]);
  });

  // Every folder (bin, lib, constructs, k8s, lambda) imports these; an import here would pull CDK or
  // cdk8s into a Lambda bundle, or make k8s/ depend on a stack.
  test.each(files)('%s imports nothing', (file) => {
    const source = readFileSync(path.join(SHARED, file), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export)\s[^;]*\sfrom\s/m);
    expect(source).not.toMatch(/\brequire\(/);
  });
});
