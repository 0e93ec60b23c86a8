import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CONFIG_REFERENCE_PATH, currentConfigReference } from '../../bin/config-reference';
import { readFieldDocs } from '../../bin/config-reference-docs';
import { referenceRows, type JsonSchema } from '../../bin/config-reference-render';
import { environmentSchema } from '../../lib/config/schema';

const root = join(__dirname, '..', '..');
const configDir = join(root, 'lib', 'config');
const files = readdirSync(configDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(configDir, f));

describe('docs/configuration.md', () => {
  const rendered = currentConfigReference();

  test('is current: what the schema renders now is what is committed (CI runs npm run config:reference:check)', () => {
    expect(readFileSync(join(root, CONFIG_REFERENCE_PATH), 'utf8')).toBe(rendered);
  });

  test('lists every field of the schema, nested ones included, each with a type', () => {
    const rows = referenceRows(z.toJSONSchema(environmentSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, new Map());
    expect(rows.length).toBeGreaterThan(150);
    for (const row of rows) expect(rendered).toContain(`| \`${row.path}\` | ${row.type} |`);
    for (const path of ['cluster.operatorRole', 'cluster.endpointTunnel', 'cluster.endpointAccess(mode: public-and-private).publicCidrs']) {
      expect(rows.map((r) => r.path)).toContain(path);
    }
  });

  test("loses no comment: every documented property in lib/config appears in the reference's descriptions", () => {
    const comments = [...readFieldDocs(files).values()].flatMap((byName) => Object.values(byName));
    expect(comments.length).toBeGreaterThan(40);
    const missing = comments.filter((c) => !rendered.includes(c.replace(/\|/g, '\\|')));
    expect(missing).toEqual([]);
  });
});
