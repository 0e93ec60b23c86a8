import { Denial } from './outcome';

export interface HeaderSource {
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
}

const BEARER = /^bearer$/i;

/**
 * Returns the bearer token of the single Authorization header, or throws a 401 Denial.
 * The length cap applies before anything else looks at the token.
 */
export function extractBearerToken(source: HeaderSource, maxTokenLength: number): string {
  const values: string[] = [];
  let multiValueCount = 0;
  const multi = source.multiValueHeaders ?? {};
  for (const name in multi) {
    const list = multi[name];
    if (list && name.length === 13 && name.toLowerCase() === 'authorization') {
      multiValueCount += list.length;
      values.push(...list);
    }
  }
  const single = source.headers ?? {};
  for (const name in single) {
    const value = single[name];
    if (value !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') values.push(value);
  }
  // API Gateway lists a repeated header in multiValueHeaders and keeps the last one in headers.
  if (multiValueCount > 1 || values.some((v) => v !== values[0])) throw new Denial('multiple_authorization');
  const value = values[0];
  if (value === undefined || value.trim() === '') throw new Denial('missing_token');

  // Bounded before any split or regex so a huge header costs nothing.
  if (value.length > maxTokenLength + 16) throw new Denial('token_too_large');
  if (value.includes(',')) throw new Denial('multiple_authorization');

  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (!BEARER.test(scheme)) throw new Denial('invalid_scheme');
  const token = space === -1 ? '' : trimmed.slice(space + 1).trim();
  if (token === '') throw new Denial('empty_token');
  if (token.length > maxTokenLength) throw new Denial('token_too_large');
  return token;
}
