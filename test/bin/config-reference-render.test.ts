import type { FieldDocs } from '../../bin/config-reference-docs';
import { allowedOf, referenceRows, renderConfigReference, type JsonSchema } from '../../bin/config-reference-render';

const schema: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: '^[a-z]+$' },
    size: { type: 'integer', default: 2, minimum: 1, maximum: 9 },
    ratio: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
    zones: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, maxItems: 3, default: ['a'] },
    access: {
      default: { mode: 'private' },
      oneOf: [
        { type: 'object', properties: { mode: { type: 'string', const: 'private' } }, required: ['mode'] },
        {
          type: 'object',
          properties: { mode: { type: 'string', const: 'public' }, cidrs: { type: 'array', items: { type: 'string' }, minItems: 1 } },
          required: ['mode', 'cidrs'],
        },
      ],
    },
    tags: { type: 'object', additionalProperties: { type: 'string', maxLength: 256 } },
    teams: {
      type: 'array',
      default: [],
      items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    },
  },
  required: ['name', 'size', 'ratio'],
};
const docs: FieldDocs = new Map<string, Record<string, string>>([
  ['access,name,ratio,size,tags,teams,zones', { name: 'What it is called.', size: 'How big.' }],
  ['cidrs,mode', { cidrs: 'Who may call.' }],
]);

describe('config reference rows', () => {
  const rows = referenceRows(schema, docs);
  const row = (path: string) => rows.find((r) => r.path === path);

  test('one row per field, nested ones under their parent, in schema order', () => {
    expect(rows.map((r) => r.path)).toEqual([
      'name',
      'size',
      'ratio',
      'zones',
      'access',
      'access(mode: private).mode',
      'access(mode: public).mode',
      'access(mode: public).cidrs',
      'tags',
      'teams',
      'teams[].name',
    ]);
  });

  test('a field is required only when the schema requires it and it has no default', () => {
    expect([row('name')?.required, row('size')?.required, row('ratio')?.required, row('zones')?.required]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(row('size')?.default).toBe(2);
  });

  test('states the limits as the schema has them', () => {
    expect(row('size')?.allowed).toBe('>= 1, <= 9');
    expect(row('ratio')?.allowed).toBe('> 0, <= 100');
    expect(row('zones')?.allowed).toBe('1 to 3 items; each: one of `"a"`, `"b"`');
    expect(row('name')?.allowed).toBe('matches `^[a-z]+$`');
    expect(row('tags')?.type).toBe('map of string');
    expect(allowedOf({ type: 'string', description: 'an IPv4 CIDR' })).toBe('an IPv4 CIDR');
  });

  test("takes each field's description from the comment of its own object, never another object's", () => {
    expect(row('name')?.description).toBe('What it is called.');
    expect(row('access(mode: public).cidrs')?.description).toBe('Who may call.');
    expect(row('teams[].name')?.description).toBe('');
  });
});

describe('renderConfigReference', () => {
  const page = renderConfigReference(schema, docs, 'npm run config:reference');

  test('is a Markdown table with a row per field and says how it was made', () => {
    expect(page).toContain('<!-- Generated from lib/config/schema.ts by `npm run config:reference`; do not edit.');
    expect(page).toContain('| `size` | integer | `2` | >= 1, <= 9 | How big. |');
    expect(page).toContain('| `name` | string | **required** | matches `^[a-z]+$` | What it is called. |');
    expect(page).toContain('| `access` | object | see its fields |');
  });

  test('escapes a pipe so a pattern cannot break the table', () => {
    const piped = renderConfigReference({ type: 'object', properties: { a: { type: 'string', pattern: 'x|y' } } }, new Map(), 'x');
    expect(
      page
        .split('\n')
        .filter((l) => l.startsWith('| `'))
        .every((l) => l.split(/(?<!\\)\|/).length === 7),
    ).toBe(true);
    expect(piped).toContain('matches `x\\|y`');
  });
});
