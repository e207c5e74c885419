/**
 * RDATA in presentation form <-> wire form, for the types zonekeeper writes
 * (A, AAAA, TXT, CNAME, NS, MX, CAA) and reads (plus SOA). Any other type
 * uses the RFC 3597 generic form `\# <len> <hex>`. Invalid input raises
 * RECORD_INVALID with the reason in the evidence.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { AppError } from '../core/errors.ts';
import { TYPE, decodeName, encodeName } from './wire.ts';

const TYPE_NAMES: Record<string, number> = { ...TYPE };
const NAMES_BY_TYPE = new Map<number, string>(Object.entries(TYPE).map(([k, v]) => [v, k]));

export function typeCode(type: string): number {
  const up = type.toUpperCase();
  const known = TYPE_NAMES[up];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(up);
  if (m !== null && Number(m[1]) <= 0xffff) return Number(m[1]);
  throw new AppError('RECORD_INVALID', { evidence: { reason: 'type-unknown', type } });
}

export function typeName(code: number): string {
  return NAMES_BY_TYPE.get(code) ?? `TYPE${code}`;
}

/** Why a value was rejected (RECORD_INVALID evidence `reason`); rendered per language by cli/. */
export type RecordInvalidReason =
  | 'type-unknown'
  | 'ipv4-invalid'
  | 'ipv6-invalid'
  | 'txt-text-outside-quotes'
  | 'txt-dangling-escape'
  | 'txt-unterminated'
  | 'txt-chunk-too-long'
  | 'txt-too-long'
  | 'target-empty'
  | 'target-invalid'
  | 'mx-syntax'
  | 'caa-syntax'
  | 'type-needs-generic-form'
  | 'generic-length-mismatch';

function invalid(reason: RecordInvalidReason, evidence: Record<string, string | number> = {}): AppError {
  return new AppError('RECORD_INVALID', { evidence: { reason, ...evidence } });
}

// ---- IP addresses --------------------------------------------------------

export function ipv4ToBytes(text: string): Buffer {
  if (!isIPv4(text)) throw invalid('ipv4-invalid', { value: text });
  return Buffer.from(text.split('.').map(Number));
}

export function ipv6ToBytes(text: string): Buffer {
  if (!isIPv6(text) || text.includes('%')) throw invalid('ipv6-invalid', { value: text });
  let s = text;
  const out = Buffer.alloc(16);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4 !== null) {
    const b = ipv4ToBytes(v4[1] as string);
    s = `${s.slice(0, -(v4[1] as string).length)}${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export function bytesToIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  // RFC 5952: compress the longest run (>= 2) of zero groups, lower-case hex.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

// ---- TXT -------------------------------------------------------------------

/**
 * Parse a TXT value. Plain text is one character-string; text that starts
 * with a double quote is a sequence of quoted strings (`"a" "b"`) with `\"`,
 * `\\` and `\DDD` escapes. Each string must fit in 255 octets: longer values
 * must be split by the user into quoted strings (we do not split silently).
 */
export function parseTxt(value: string): Buffer[] {
  const chunks: Buffer[] = [];
  if (!value.startsWith('"')) {
    chunks.push(Buffer.from(value, 'utf8'));
  } else {
    let i = 0;
    while (i < value.length) {
      while (value[i] === ' ' || value[i] === '\t') i++;
      if (i >= value.length) break;
      if (value[i] !== '"') throw invalid('txt-text-outside-quotes', { value, position: i });
      i++;
      const bytes: number[] = [];
      let closed = false;
      while (i < value.length) {
        const ch = value[i] as string;
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        if (ch === '\\') {
          const d = value.slice(i + 1, i + 4);
          if (/^\d{3}$/.test(d) && Number(d) <= 255) {
            bytes.push(Number(d));
            i += 4;
            continue;
          }
          if (i + 1 >= value.length) throw invalid('txt-dangling-escape', { value });
          for (const b of Buffer.from(value[i + 1] as string, 'utf8')) bytes.push(b);
          i += 2;
          continue;
        }
        const cp = value.codePointAt(i) as number;
        const s = String.fromCodePoint(cp);
        for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
        i += s.length;
      }
      if (!closed) throw invalid('txt-unterminated', { value });
      chunks.push(Buffer.from(bytes));
    }
  }
  chunks.forEach((c, index) => {
    if (c.length > 255)
      throw invalid('txt-chunk-too-long', {
        value: value.length > 80 ? `${value.slice(0, 77)}...` : value,
        chunk: index,
        length: c.length,
        max: 255,
      });
  });
  return chunks;
}

/** Presentation of TXT character-strings: one plain chunk stays plain, otherwise quoted strings. */
export function formatTxt(chunks: readonly Uint8Array[]): string {
  const plain = (c: Uint8Array): string | undefined => {
    const s = Buffer.from(c).toString('utf8');
    return Buffer.from(s, 'utf8').equals(Buffer.from(c)) && !s.startsWith('"') ? s : undefined;
  };
  if (chunks.length === 1) {
    const p = plain(chunks[0] as Uint8Array);
    if (p !== undefined) return p;
  }
  return chunks
    .map((c) => {
      let s = '"';
      for (const b of c) {
        if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
        else if (b < 0x20 || b >= 0x7f) s += `\\${String(b).padStart(3, '0')}`;
        else s += String.fromCharCode(b);
      }
      return `${s}"`;
    })
    .join(' ');
}

function txtToBytes(value: string): Buffer {
  const chunks = parseTxt(value);
  const out = Buffer.concat(chunks.flatMap((c) => [Buffer.from([c.length]), c]));
  if (out.length > 0xffff) throw invalid('txt-too-long', { length: out.length });
  return out;
}

function bytesToTxt(b: Uint8Array): string {
  const chunks: Uint8Array[] = [];
  let i = 0;
  while (i < b.length) {
    const len = b[i] as number;
    if (i + 1 + len > b.length) throw new AppError('DNS_MALFORMED', { evidence: { reason: 'TXT chunk past rdata' } });
    chunks.push(b.slice(i + 1, i + 1 + len));
    i += 1 + len;
  }
  return formatTxt(chunks);
}

// ---- names in rdata --------------------------------------------------------

/** Absolute, lower-case target name for CNAME/NS/MX data. */
function targetToBytes(value: string): Buffer {
  const v = value.trim().toLowerCase();
  if (v === '' || v === '.') throw invalid('target-empty', { value });
  try {
    return encodeName(v.endsWith('.') ? v : `${v}.`);
  } catch (e) {
    const reason = e instanceof AppError ? e.diagnosis.evidence['reason'] : undefined;
    throw invalid('target-invalid', { value, cause: typeof reason === 'string' ? reason : '' });
  }
}

function nameAt(b: Uint8Array, offset: number): { name: string; next: number } {
  const d = decodeName(b, offset);
  return { name: d.name.toLowerCase(), next: d.next };
}

// ---- public ------------------------------------------------------------------

/** Wire RDATA for a presentation value of `type`. */
export function rdataFromText(type: number, value: string): Buffer {
  switch (type) {
    case TYPE.A:
      return ipv4ToBytes(value.trim());
    case TYPE.AAAA:
      return ipv6ToBytes(value.trim());
    case TYPE.TXT:
      return txtToBytes(value);
    case TYPE.CNAME:
    case TYPE.NS:
    case TYPE.PTR:
      return targetToBytes(value);
    case TYPE.MX: {
      const m = /^\s*(\d{1,5})\s+(\S+)\s*$/.exec(value);
      if (m === null || Number(m[1]) > 0xffff) throw invalid('mx-syntax', { value });
      const p = Buffer.alloc(2);
      p.writeUInt16BE(Number(m[1]));
      return Buffer.concat([p, targetToBytes(m[2] as string)]);
    }
    case TYPE.CAA: {
      const m = /^\s*(\d{1,3})\s+([A-Za-z0-9]+)\s+"?(.*?)"?\s*$/.exec(value);
      if (m === null || Number(m[1]) > 255) throw invalid('caa-syntax', { value });
      const tag = Buffer.from(m[2] as string, 'ascii');
      return Buffer.concat([Buffer.from([Number(m[1]), tag.length]), tag, Buffer.from(m[3] as string, 'utf8')]);
    }
    default: {
      const m = /^\\#\s+(\d+)\s*([0-9a-fA-F\s]*)$/.exec(value.trim());
      if (m === null) throw invalid('type-needs-generic-form', { type: typeName(type), value });
      const b = Buffer.from((m[2] as string).replace(/\s+/g, ''), 'hex');
      if (b.length !== Number(m[1])) throw invalid('generic-length-mismatch', { value });
      return b;
    }
  }
}

/** Presentation value of wire RDATA (uncompressed, as decodeMessage returns it). */
export function rdataToText(type: number, rdata: Uint8Array): string {
  const b = Buffer.from(rdata);
  switch (type) {
    case TYPE.A:
      if (b.length === 4) return [...b].join('.');
      break;
    case TYPE.AAAA:
      if (b.length === 16) return bytesToIpv6(b);
      break;
    case TYPE.TXT:
      return bytesToTxt(b);
    case TYPE.CNAME:
    case TYPE.NS:
    case TYPE.PTR:
      return nameAt(b, 0).name;
    case TYPE.MX:
      if (b.length >= 3) return `${b.readUInt16BE(0)} ${nameAt(b, 2).name}`;
      break;
    case TYPE.SOA: {
      const m = nameAt(b, 0);
      const r = nameAt(b, m.next);
      if (b.length - r.next === 20) {
        const nums = [0, 4, 8, 12, 16].map((o) => b.readUInt32BE(r.next + o));
        return [m.name, r.name, ...nums].join(' ');
      }
      break;
    }
    case TYPE.CAA:
      if (b.length >= 2 && b.length >= 2 + (b[1] as number)) {
        const tagEnd = 2 + (b[1] as number);
        return `${b[0] as number} ${b.subarray(2, tagEnd).toString('ascii')} "${b.subarray(tagEnd).toString('utf8')}"`;
      }
      break;
    default:
      break;
  }
  return `\\# ${b.length}${b.length > 0 ? ` ${b.toString('hex')}` : ''}`;
}

/** Canonical presentation of a user value (so "2001:DB8::1" and "2001:db8:0::1" compare equal). */
export function canonicalValue(type: number, value: string): string {
  return rdataToText(type, rdataFromText(type, value));
}
