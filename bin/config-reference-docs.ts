/**
 * The schema's field documentation, read from the `/** ... *\/` comments above each property of each zod object in
 * lib/config/*.ts, so the reference says what the schema's authors wrote next to the field, with no second copy.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** Comments of one zod object literal, by property name; keyed by the sorted property names of that object. */
export type FieldDocs = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** The key a JSON Schema object and its zod object literal share: their property names, sorted. */
export function objectKey(propertyNames: readonly string[]): string {
  return [...propertyNames].sort().join(',');
}

function commentAbove(node: ts.Node, text: string): string | undefined {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const docs = ranges.map((r) => text.slice(r.pos, r.end)).filter((c) => c.startsWith('/**'));
  const last = docs.at(-1);
  if (last === undefined) return undefined;
  return last
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\*\s?/, '').trim())
    .filter((line) => line.length > 0 && !line.startsWith('@'))
    .join(' ');
}

function isZodObjectCall(node: ts.Node): node is ts.CallExpression {
  return ts.isCallExpression(node) && /\b(strictObject|object)$/.test(node.expression.getText());
}

/** Reads every zod object literal's property comments from the given TypeScript files. */
export function readFieldDocs(files: readonly string[]): FieldDocs {
  const docs = new Map<string, Record<string, string>>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    // Plain object literals by variable name, for fields shared by spreading (`...share`).
    const literals = new Map<string, ts.ObjectLiteralExpression>();
    const collect = (node: ts.Node): void => {
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer &&
        ts.isObjectLiteralExpression(node.initializer)
      ) {
        literals.set(node.name.text, node.initializer);
      }
      ts.forEachChild(node, collect);
    };
    collect(source);
    const fieldsOf = (literal: ts.ObjectLiteralExpression, names: string[], comments: Record<string, string>): void => {
      for (const property of literal.properties) {
        if (ts.isSpreadAssignment(property) && ts.isIdentifier(property.expression)) {
          const spread = literals.get(property.expression.text);
          if (spread) fieldsOf(spread, names, comments);
          continue;
        }
        if (!property.name || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) continue;
        names.push(property.name.text);
        const comment = commentAbove(property, text);
        if (comment) comments[property.name.text] = comment;
      }
    };
    const visit = (node: ts.Node): void => {
      const literal = isZodObjectCall(node) ? node.arguments[0] : undefined;
      if (literal && ts.isObjectLiteralExpression(literal)) {
        const names: string[] = [];
        const comments: Record<string, string> = {};
        fieldsOf(literal, names, comments);
        const key = objectKey(names);
        docs.set(key, { ...docs.get(key), ...comments });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return docs;
}
