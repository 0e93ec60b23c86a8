/**
 * The parts of AWS WAF our web ACLs rely on, as test/contracts/waf.test.ts records them: the URL_DECODE and
 * URL_DECODE_UNI text transformations, applied in priority order, then a regex match on the URI path; and a regex match
 * on header names (Headers, match scope KEY) after LOWERCASE, with the 200-header / 8 KB inspection limit. Used to
 * evaluate the synthesized rules themselves against attack and legitimate requests.
 */

/** URL_DECODE: every %XX (hex) becomes that byte; anything else, a malformed escape included, stays as it is. */
export function urlDecode(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** URL_DECODE_UNI: as URL_DECODE, and %uXXXX (Microsoft's form) becomes that code unit. */
export function urlDecodeUni(text: string): string {
  return urlDecode(text.replace(/%u([0-9a-fA-F]{4})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

const TRANSFORMS: Readonly<Record<string, (text: string) => string>> = {
  NONE: (t) => t,
  URL_DECODE: urlDecode,
  URL_DECODE_UNI: urlDecodeUni,
  LOWERCASE: (t) => t.toLowerCase(),
};

/** A regex-match rule as CloudFormation renders it (AWS::WAFv2::WebACL RegexMatchStatement). */
export interface RegexMatchRule {
  readonly RegexString: string;
  readonly FieldToMatch: {
    readonly UriPath?: object;
    readonly Headers?: { readonly MatchPattern: { readonly All?: object }; readonly MatchScope: string; readonly OversizeHandling: string };
  };
  readonly TextTransformations: readonly { readonly Priority: number; readonly Type: string }[];
}

/** Whether the rule matches a request whose URI path (as sent, still encoded) is `uriPath`. */
export function regexRuleMatches(rule: RegexMatchRule, uriPath: string): boolean {
  if (!rule.FieldToMatch.UriPath) throw new Error('stand-in: this rule does not inspect the URI path');
  return new RegExp(rule.RegexString).test(transform(rule, uriPath));
}

/** What WAF is handed of a request's headers at most (developerguide waf-oversize-request-components.html). */
export const HEADER_INSPECTION_LIMITS = { count: 200, bytes: 8192 } as const;

/**
 * Whether a header-name rule matches a request with these headers (name, value pairs, in order, any letter case).
 * Each name is inspected on its own; past the inspection limits the rule's OversizeHandling decides.
 */
export function headerRuleMatches(rule: RegexMatchRule, headers: readonly (readonly [string, string])[]): boolean {
  const field = rule.FieldToMatch.Headers;
  if (!field) throw new Error('stand-in: this rule does not inspect headers');
  if (!field.MatchPattern.All || field.MatchScope !== 'KEY') throw new Error('stand-in: only All headers, scope KEY is modelled');
  const bytes = headers.reduce((sum, [name, value]) => sum + name.length + value.length, 0);
  const oversize = headers.length > HEADER_INSPECTION_LIMITS.count || bytes > HEADER_INSPECTION_LIMITS.bytes;
  if (oversize && field.OversizeHandling === 'MATCH') return true;
  if (oversize && field.OversizeHandling === 'NO_MATCH') return false;
  // CONTINUE, or within the limits: the names WAF was handed.
  let seen = 0;
  const inspected = headers.slice(0, HEADER_INSPECTION_LIMITS.count).filter(([name, value]) => {
    seen += name.length + value.length;
    return seen <= HEADER_INSPECTION_LIMITS.bytes;
  });
  return inspected.some(([name]) => new RegExp(rule.RegexString).test(transform(rule, name)));
}

function transform(rule: RegexMatchRule, text: string): string {
  return [...rule.TextTransformations]
    .sort((a, b) => a.Priority - b.Priority)
    .reduce((current, t) => {
      const apply = TRANSFORMS[t.Type];
      if (!apply) throw new Error(`stand-in: transformation ${t.Type} is not modelled`);
      return apply(current);
    }, text);
}

/**
 * A statement over one header as CloudFormation renders it: And / Or / Not of SizeConstraint and ByteMatch
 * (EXACTLY) on a SingleHeader, with no text transformation. The two WAF facts modelled (test/contracts/waf.test.ts):
 * a request without the inspected component does not match the statement that inspects it, and a SingleHeader's
 * name is compared case-insensitively.
 */
export type HeaderStatement = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function headerStatementMatches(statement: HeaderStatement, headers: Readonly<Record<string, string>>): boolean {
  const valueOf = (field: { SingleHeader?: { Name: string } }): string | undefined => {
    if (!field.SingleHeader) throw new Error('stand-in: only SingleHeader is modelled');
    const name = field.SingleHeader.Name.toLowerCase();
    return Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  };
  const untransformed = (s: { TextTransformations: { Type: string }[] }) => {
    if (s.TextTransformations.some((t) => t.Type !== 'NONE')) throw new Error('stand-in: only NONE is modelled');
  };
  if (statement.AndStatement)
    return (statement.AndStatement.Statements as HeaderStatement[]).every((s) => headerStatementMatches(s, headers));
  if (statement.OrStatement) return (statement.OrStatement.Statements as HeaderStatement[]).some((s) => headerStatementMatches(s, headers));
  if (statement.NotStatement) return !headerStatementMatches(statement.NotStatement.Statement as HeaderStatement, headers);
  if (statement.SizeConstraintStatement) {
    const s = statement.SizeConstraintStatement;
    untransformed(s);
    const value = valueOf(s.FieldToMatch);
    if (value === undefined) return false;
    if (s.ComparisonOperator !== 'GT') throw new Error('stand-in: only GT is modelled');
    return Buffer.byteLength(value) > s.Size;
  }
  if (statement.ByteMatchStatement) {
    const s = statement.ByteMatchStatement;
    untransformed(s);
    const value = valueOf(s.FieldToMatch);
    if (value === undefined) return false;
    if (s.PositionalConstraint !== 'EXACTLY') throw new Error('stand-in: only EXACTLY is modelled');
    return value === s.SearchString;
  }
  throw new Error(`stand-in: statement ${Object.keys(statement).join(',')} is not modelled`);
}
