import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectKey, readFieldDocs } from '../../bin/config-reference-docs';

describe('readFieldDocs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'field-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'schema.ts');
  writeFileSync(
    file,
    [
      "import { z } from 'zod';",
      'const inner = z.strictObject({',
      '  /** Capacity units;',
      '   * 0 pauses. */',
      '  min: z.number(),',
      '  // a line comment is not documentation',
      '  max: z.number(),',
      '});',
      'export const outer = z.object({',
      '  /** The inner part. */',
      '  inner,',
      "  /** Quoted names count too. */ 'with-dash': z.string(),",
      '});',
    ].join('\n'),
  );
  const docs = readFieldDocs([file]);

  test("keys each object's comments by its sorted property names and joins a comment's lines", () => {
    expect(docs.get(objectKey(['max', 'min']))).toEqual({ min: 'Capacity units; 0 pauses.' });
  });

  test('ignores line comments, and reads shorthand and quoted properties', () => {
    expect(docs.get(objectKey(['inner', 'with-dash']))).toEqual({ inner: 'The inner part.', 'with-dash': 'Quoted names count too.' });
  });
});
