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
