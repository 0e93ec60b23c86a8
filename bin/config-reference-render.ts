/**
 * Renders the environment config's JSON Schema (zod's `z.toJSONSchema`, input side) as a Markdown reference: one
 * row per field with its path, type, default, allowed values and the schema's own comment. Pure: no file access.
 */
import { objectKey, type FieldDocs } from './config-reference-docs';

/** The subset of JSON Schema (draft 2020-12) zod emits for this config. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly format?: string;
}

export interface ReferenceRow {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly allowed: string;
  readonly description: string;
}

const code = (value: unknown): string => `\`${JSON.stringify(value)}\``;

function variants(schema: JsonSchema): readonly JsonSchema[] | undefined {
  return schema.oneOf ?? schema.anyOf;
}

function typeOf(schema: JsonSchema): string {
  const options = variants(schema);
  if (options) return [...new Set(options.map(typeOf))].join(' or ');
  if (schema.const !== undefined) return typeof schema.const;
  if (schema.type === 'array') return `${schema.items ? typeOf(schema.items) : 'any'}[]`;
  if (schema.type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
    return `map of ${typeOf(schema.additionalProperties)}`;
  }
  return Array.isArray(schema.type) ? schema.type.join(' or ') : ((schema.type as string | undefined) ?? 'any');
}

/** What the value may be, as the schema states it (cross-field rules are checked at synth and named in the error). */
export function allowedOf(schema: JsonSchema): string {
  const parts: string[] = [];
  if (schema.enum) parts.push(`one of ${schema.enum.map(code).join(', ')}`);
  if (schema.const !== undefined) parts.push(code(schema.const));
  const low =
    schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : schema.minimum !== undefined ? `>= ${schema.minimum}` : '';
  const high =
    schema.exclusiveMaximum !== undefined ? `< ${schema.exclusiveMaximum}` : schema.maximum !== undefined ? `<= ${schema.maximum}` : '';
  if (low || high) parts.push([low, high].filter(Boolean).join(', '));
  if (schema.multipleOf !== undefined) parts.push(`multiple of ${schema.multipleOf}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    parts.push(`length ${schema.minLength ?? 0} to ${schema.maxLength ?? '∞'}`);
  }
  if (schema.minItems !== undefined || schema.maxItems !== undefined) {
    parts.push(`${schema.minItems ?? 0} to ${schema.maxItems ?? 'any number of'} items`);
  }
  if (schema.pattern !== undefined) parts.push(`matches \`${schema.pattern}\``);
  if (schema.format !== undefined) parts.push(`format ${schema.format}`);
  if (schema.description !== undefined) parts.push(schema.description);
  const item = schema.type === 'array' && schema.items && !schema.items.properties ? allowedOf(schema.items) : '';
  if (item) parts.push(`each: ${item}`);
  return parts.join('; ');
}

/** One row per field, depth first, in the schema's order. */
export function referenceRows(root: JsonSchema, docs: FieldDocs): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const walkObject = (schema: JsonSchema, prefix: string): void => {
    const properties = schema.properties ?? {};
    const comments = docs.get(objectKey(Object.keys(properties))) ?? {};
    for (const [name, field] of Object.entries(properties)) {
      const path = prefix ? `${prefix}.${name}` : name;
      rows.push({
        path,
        type: typeOf(field),
        required: (schema.required ?? []).includes(name) && field.default === undefined,
        ...(field.default !== undefined ? { default: field.default } : {}),
        allowed: allowedOf(field),
        description: comments[name] ?? '',
      });
      walkChildren(field, path);
    }
  };
  const walkChildren = (schema: JsonSchema, path: string): void => {
    const options = variants(schema);
    if (options) {
      for (const option of options) {
        const tag = Object.entries(option.properties ?? {}).find(([, p]) => p.const !== undefined);
        walkObject(option, tag ? `${path}(${tag[0]}: ${String(tag[1].const)})` : path);
      }
    } else if (schema.type === 'object' && schema.properties) {
      walkObject(schema, path);
    } else if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
      walkChildren(schema.additionalProperties, `${path}.<key>`);
    } else if (schema.type === 'array' && schema.items) {
      walkChildren(schema.items, `${path}[]`);
    }
  };
  walkObject(root, '');
  return rows;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultCell(row: ReferenceRow): string {
  if (row.required) return '**required**';
  if (row.default === undefined) return '';
  if (typeof row.default === 'object' && row.default !== null && !Array.isArray(row.default)) return 'see its fields';
  if (Array.isArray(row.default) && row.default.some((item) => typeof item === 'object')) {
    const names = row.default.map((item: { name?: unknown }) => item.name).filter((n) => typeof n === 'string');
    return names.length === row.default.length ? `${names.map(code).join(', ')} (see the source)` : `${row.default.length} entries`;
  }
  return code(row.default);
}

/** The whole reference page. */
export function renderConfigReference(root: JsonSchema, docs: FieldDocs, regenerate: string, account?: JsonSchema): string {
  const rows = referenceRows(root, docs);
  const table = (of: readonly ReturnType<typeof referenceRows>[number][]) => [
    '| Field | Type | Default | Allowed | Description |',
    '| ----- | ---- | ------- | ------- | ----------- |',
    ...of.map((r) => `| \`${r.path}\` | ${cell(r.type)} | ${cell(defaultCell(r))} | ${cell(r.allowed)} | ${cell(r.description)} |`),
  ];
  const accountSection = account
    ? [
        '',
        '## Account-level settings',
        '',
        'The one `lib/config/account.ts` (not per environment): the never-destroyed `genai-account` stack that holds the',
        'budgets and the cost anomaly monitor of every environment.',
        '',
        ...table(referenceRows(account, docs)),
      ]
    : [];
  return [
    '# Configuration reference',
    '',
    `<!-- Generated from lib/config/schema.ts by \`${regenerate}\`; do not edit. CI fails when it is stale. -->`,
    '',
    'Every field of an environment overlay (`lib/config/environments/<name>.ts`), in the order of the schema. A',
    'field with a default may be left out. `a[]` is each element of the list `a`, `a.<key>` each entry of the map',
    '`a`, and `a(mode: x)` the fields that apply when `a.mode` is `x`. Rules that span several fields (for example',
    '`database.minCapacity` at most `maxCapacity`, or `deletionProtection` for an environment that is not ephemeral)',
    'are checked when the config is loaded, and each error names the field, the value and what is allowed.',
    '',
    ...table(rows),
    ...accountSection,
    '',
  ].join('\n');
}
