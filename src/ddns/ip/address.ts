/**
 * A parsed, validated IP address: the family, the canonical text (dotted
 * quad; RFC 5952 for IPv6: lower case, the first longest run of two or more
 * zero groups shortened to "::", no leading zeros) and the bytes.
 *
 * Parsing is strict: no surrounding whitespace, no IPv4 shorthand ("1.2.3",
 * hex or octal parts, leading zeros), no CIDR suffix, no brackets, and no
 * IPv6 zone id ("fe80::1%eth0": refused with its own reason, since an
 * address with a zone is meaningful on one link only). Nothing here decides
 * whether an address is public: that is classify.ts.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

export interface IpAddress {
  readonly family: IpFamily;
  /** Canonical text (see the module comment): equal addresses have equal text. */
  readonly text: string;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

/** Why a text is not an address. */
export type IpSyntaxReason = 'not-an-address' | 'zone-id';

export type IpParse = { readonly ok: true; readonly address: IpAddress } | { readonly ok: false; readonly reason: IpSyntaxReason };

const DOTTED_QUAD = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

function parseV4(text: string): Uint8Array | undefined {
  if (!DOTTED_QUAD.test(text) || !isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  const pieces = part.split(':');
  for (const [i, p] of pieces.entries()) {
    if (i === pieces.length - 1 && p.includes('.')) {
      const b = parseV4(p);
      if (b === undefined) return undefined;
      out.push(((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0));
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
  }
  return out;
}

function parseV6(text: string): Uint8Array | undefined {
  if (!isIPv6(text) || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (const [i, g] of groups.entries()) {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  }
  return bytes;
}

/** RFC 5952 text of 16 bytes. */
function formatV6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_g, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** The address made of these bytes (4: IPv4, 16: IPv6). */
export function addressFromBytes(bytes: Uint8Array): IpAddress {
  if (bytes.length === 4) return { family: 4, text: Array.from(bytes).join('.'), bytes: Uint8Array.from(bytes) };
  if (bytes.length === 16) return { family: 6, text: formatV6(bytes), bytes: Uint8Array.from(bytes) };
  throw new RangeError(`an IP address has 4 or 16 bytes, not ${bytes.length}`);
}

/** Parse exactly one address (see the module comment for what is refused). */
export function parseIp(text: string): IpParse {
  const v4 = parseV4(text);
  if (v4 !== undefined) return { ok: true, address: addressFromBytes(v4) };
  const v6 = parseV6(text);
  if (v6 !== undefined) return { ok: true, address: addressFromBytes(v6) };
  if (/^[0-9a-fA-F:.]+%[^\s%]+$/.test(text) && isIPv6(text)) return { ok: false, reason: 'zone-id' };
  return { ok: false, reason: 'not-an-address' };
}

/** The address in `text`, or undefined. */
export function ipOrUndefined(text: string): IpAddress | undefined {
  const p = parseIp(text);
  return p.ok ? p.address : undefined;
}

/** Numeric order (IPv4 before IPv6), for deterministic choices. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
