import { z } from 'zod';

/** An IPv4 CIDR split into parts, or undefined when the text is not one. */
export interface ParsedCidr {
  readonly network: string;
  readonly prefix: number;
  /** False when host bits are set (10.0.0.1/16). */
  readonly aligned: boolean;
}

export function parseCidr(text: string): ParsedCidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const networkAddress = address - (address % size);
  const network = [24, 16, 8, 0].map((shift) => Math.floor(networkAddress / 2 ** shift) % 256).join('.');
  return { network, prefix, aligned: networkAddress === address };
}

/** A zod string that must be an aligned IPv4 CIDR with a prefix length in [minPrefix, maxPrefix]. */
export const cidr = (minPrefix: number, maxPrefix: number) =>
  z
    .string()
    .meta({ description: `an IPv4 CIDR (network address) with a prefix length from /${minPrefix} to /${maxPrefix}` })
    .superRefine((value, ctx) => {
      const parsed = parseCidr(value);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not an IPv4 CIDR (use a.b.c.d/n)` });
      } else if (parsed.prefix < minPrefix || parsed.prefix > maxPrefix) {
        const what = parsed.prefix > maxPrefix ? 'too small' : 'too large';
        ctx.addIssue({ code: 'custom', message: `"${value}" is ${what} (use a prefix length between /${minPrefix} and /${maxPrefix})` });
      } else if (!parsed.aligned) {
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" has host bits set (use the network address, e.g. ${parsed.network}/${parsed.prefix})`,
        });
      }
    });
