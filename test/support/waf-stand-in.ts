/**
 * The parts of AWS WAF our web ACLs rely on, as test/contracts/waf.test.ts records them: the URL_DECODE and
 * URL_DECODE_UNI text transformations, applied in priority order, then a regex match on the URI path. Used to evaluate
 * the synthesized rule itself against attack and legitimate paths.
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
};

/** A regex-match rule as CloudFormation renders it (AWS::WAFv2::WebACL RegexMatchStatement). */
export interface RegexMatchRule {
  readonly RegexString: string;
  readonly FieldToMatch: { readonly UriPath?: object };
  readonly TextTransformations: readonly { readonly Priority: number; readonly Type: string }[];
}

/** Whether the rule matches a request whose URI path (as sent, still encoded) is `uriPath`. */
export function regexRuleMatches(rule: RegexMatchRule, uriPath: string): boolean {
  if (!rule.FieldToMatch.UriPath) throw new Error('stand-in: only UriPath is modelled');
  const transformed = [...rule.TextTransformations]
    .sort((a, b) => a.Priority - b.Priority)
    .reduce((text, t) => {
      const transform = TRANSFORMS[t.Type];
      if (!transform) throw new Error(`stand-in: transformation ${t.Type} is not modelled`);
      return transform(text);
    }, uriPath);
  return new RegExp(rule.RegexString).test(transformed);
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
