/**
 * DNS message codec (RFC 1035, 2136, 8945 shapes). Encoding never compresses;
 * decoding follows compression pointers (with loop protection) and expands
 * names inside the RDATA of types that carry names, so every decoded RR has
 * self-contained uncompressed RDATA. Malformed input raises DNS_MALFORMED.
 */
import { AppError } from '../core/errors.ts';

export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  TSIG: 250,
  ANY: 255,
  CAA: 257,
} as const;

export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE = { QUERY: 0, UPDATE: 5 } as const;
export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
} as const;
export const FLAG = { QR: 0x8000, AA: 0x0400, TC: 0x0200, RD: 0x0100, RA: 0x0080 } as const;

export interface Question {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

export interface ResourceRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** Uncompressed RDATA. */
  readonly rdata: Uint8Array;
}

export interface Message {
  readonly id: number;
  /** The whole 16-bit flags word: QR, opcode, AA, TC, RD, RA, rcode. */
  readonly flags: number;
  readonly questions: readonly Question[];
  readonly answers: readonly ResourceRecord[];
  readonly authorities: readonly ResourceRecord[];
  readonly additionals: readonly ResourceRecord[];
}

export interface DecodedMessage extends Message {
  /** Byte offset of the last additional record when it is a TSIG RR. */
  readonly tsigOffset?: number;
}

export function opcodeOf(flags: number): number {
  return (flags >> 11) & 0xf;
}

export function rcodeOf(flags: number): number {
  return flags & 0xf;
}

export function makeFlags(o: { qr?: boolean; opcode?: number; aa?: boolean; rd?: boolean; rcode?: number }): number {
  return (
    (o.qr === true ? FLAG.QR : 0) |
    ((o.opcode ?? 0) << 11) |
    (o.aa === true ? FLAG.AA : 0) |
    (o.rd === true ? FLAG.RD : 0) |
    (o.rcode ?? 0)
  );
}

function malformed(reason: string, evidence: Record<string, string | number> = {}): AppError {
  return new AppError('DNS_MALFORMED', { evidence: { reason, ...evidence } });
}

// ---- names -------------------------------------------------------------

/**
 * Split a presentation-format name into raw labels, honouring `\.` and
 * `\DDD` escapes. "." and "" are the root. A trailing dot is optional.
 */
export function nameToLabels(name: string): Uint8Array[] {
  if (name === '.' || name === '') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name[i] as string;
    if (ch === '\\') {
      const digits = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        const v = Number(digits);
        if (v > 255) throw malformed('bad escape in name', { name });
        cur.push(v);
        i += 3;
      } else if (i + 1 < name.length) {
        for (const b of Buffer.from(name[i + 1] as string, 'utf8')) cur.push(b);
        i += 1;
      } else throw malformed('dangling escape in name', { name });
    } else if (ch === '.') {
      if (cur.length === 0) throw malformed('empty label in name', { name });
      labels.push(Uint8Array.from(cur));
      cur = [];
    } else {
      for (const b of Buffer.from(ch, 'utf8')) cur.push(b);
    }
  }
  if (cur.length > 0) labels.push(Uint8Array.from(cur));
  return labels;
}

/** Presentation form of raw labels, absolute (trailing dot), escaping dots, backslashes and non-printables. */
export function labelsToName(labels: readonly Uint8Array[]): string {
  if (labels.length === 0) return '.';
  return (
    labels
      .map((l) => {
        let s = '';
        for (const b of l) {
          if (b === 0x2e || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
          else if (b <= 0x20 || b >= 0x7f) s += `\\${String(b).padStart(3, '0')}`;
          else s += String.fromCharCode(b);
        }
        return s;
      })
      .join('.') + '.'
  );
}

/** Uncompressed wire form of a name. Enforces the 63-octet label and 255-octet name limits. */
export function encodeName(name: string): Buffer {
  const labels = nameToLabels(name);
  const parts: Buffer[] = [];
  let total = 1;
  for (const l of labels) {
    if (l.length > 63) throw malformed('label longer than 63 octets', { name });
    parts.push(Buffer.from([l.length]), Buffer.from(l));
    total += l.length + 1;
  }
  if (total > 255) throw malformed('name longer than 255 octets', { name });
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Canonical (lower-case ASCII) uncompressed wire form, as TSIG and DNSSEC need. */
export function encodeCanonicalName(name: string): Buffer {
  const b = encodeName(name);
  let i = 0;
  while (i < b.length && b[i] !== 0) {
    const len = b[i] as number;
    for (let j = i + 1; j <= i + len; j++) {
      const c = b[j] as number;
      if (c >= 0x41 && c <= 0x5a) b[j] = c + 0x20;
    }
    i += len + 1;
  }
  return b;
}

/** Read a possibly compressed name at `offset`; returns the name and the offset after it. */
export function decodeName(buf: Uint8Array, offset: number): { name: string; labels: Uint8Array[]; next: number } {
  const labels: Uint8Array[] = [];
  let pos = offset;
  let next = -1;
  let jumps = 0;
  let total = 1;
  for (;;) {
    if (pos >= buf.length) throw malformed('name runs past end of message');
    const len = buf[pos] as number;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw malformed('truncated compression pointer');
      if (++jumps > 64) throw malformed('compression pointer loop');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | (buf[pos + 1] as number);
      continue;
    }
    if ((len & 0xc0) !== 0) throw malformed('unsupported label type');
    if (pos + 1 + len > buf.length) throw malformed('label runs past end of message');
    labels.push(buf.slice(pos + 1, pos + 1 + len));
    total += len + 1;
    if (total > 255) throw malformed('name longer than 255 octets');
    pos += 1 + len;
  }
  return { name: labelsToName(labels), labels, next };
}

// ---- encoding ----------------------------------------------------------

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

export function encodeQuestion(q: Question): Buffer {
  return Buffer.concat([encodeName(q.name), u16(q.type), u16(q.class)]);
}

export function encodeRecord(rr: ResourceRecord): Buffer {
  if (rr.rdata.length > 0xffff) throw malformed('rdata too long');
  return Buffer.concat([encodeName(rr.name), u16(rr.type), u16(rr.class), u32(rr.ttl), u16(rr.rdata.length), Buffer.from(rr.rdata)]);
}

export function encodeHeader(m: Pick<Message, 'id' | 'flags'>, counts: readonly [number, number, number, number]): Buffer {
  return Buffer.concat([u16(m.id), u16(m.flags), ...counts.map(u16)]);
}

export function encodeMessage(m: Message): Buffer {
  return Buffer.concat([
    encodeHeader(m, [m.questions.length, m.answers.length, m.authorities.length, m.additionals.length]),
    ...m.questions.map(encodeQuestion),
    ...m.answers.map(encodeRecord),
    ...m.authorities.map(encodeRecord),
    ...m.additionals.map(encodeRecord),
  ]);
}

// ---- decoding ----------------------------------------------------------

/** Offsets (within rdata) of names that may be compressed, per type. */
function expandRdata(buf: Uint8Array, type: number, start: number, length: number): Uint8Array {
  const end = start + length;
  const nameAt = (o: number): { wire: Buffer; next: number } => {
    const d = decodeName(buf, o);
    if (d.next > end) throw malformed('name in rdata runs past rdata');
    return { wire: encodeName(d.name), next: d.next };
  };
  switch (type) {
    case TYPE.NS:
    case TYPE.CNAME:
    case TYPE.PTR: {
      const n = nameAt(start);
      if (n.next !== end) throw malformed('trailing bytes after name rdata');
      return n.wire;
    }
    case TYPE.MX: {
      if (length < 3) throw malformed('short MX rdata');
      const n = nameAt(start + 2);
      if (n.next !== end) throw malformed('trailing bytes in MX rdata');
      return Buffer.concat([Buffer.from(buf.slice(start, start + 2)), n.wire]);
    }
    case TYPE.SOA: {
      const m = nameAt(start);
      const r = nameAt(m.next);
      if (end - r.next !== 20) throw malformed('bad SOA rdata length');
      return Buffer.concat([m.wire, r.wire, Buffer.from(buf.slice(r.next, end))]);
    }
    default:
      return buf.slice(start, end);
  }
}

function readRecord(buf: Uint8Array, offset: number): { rr: ResourceRecord; next: number } {
  const { name, next } = decodeName(buf, offset);
  if (next + 10 > buf.length) throw malformed('truncated resource record');
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = view.readUInt16BE(next);
  const cls = view.readUInt16BE(next + 2);
  const ttl = view.readUInt32BE(next + 4);
  const rdlen = view.readUInt16BE(next + 8);
  const start = next + 10;
  if (start + rdlen > buf.length) throw malformed('rdata runs past end of message');
  const rdata = expandRdata(buf, type, start, rdlen);
  return { rr: { name, type, class: cls, ttl, rdata }, next: start + rdlen };
}

export function decodeMessage(input: Uint8Array): DecodedMessage {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 12) throw malformed('message shorter than header', { length: buf.length });
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  let pos = 12;
  const questions: Question[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const { name, next } = decodeName(buf, pos);
    if (next + 4 > buf.length) throw malformed('truncated question');
    questions.push({ name, type: buf.readUInt16BE(next), class: buf.readUInt16BE(next + 2) });
    pos = next + 4;
  }
  const sections: ResourceRecord[][] = [[], [], []];
  let lastOffset = -1;
  for (let s = 0; s < 3; s++) {
    const n = counts[s + 1] as number;
    for (let i = 0; i < n; i++) {
      lastOffset = pos;
      const { rr, next } = readRecord(buf, pos);
      (sections[s] as ResourceRecord[]).push(rr);
      pos = next;
    }
  }
  const [answers, authorities, additionals] = sections as [ResourceRecord[], ResourceRecord[], ResourceRecord[]];
  const last = additionals[additionals.length - 1];
  const base = { id, flags, questions, answers, authorities, additionals };
  return last !== undefined && last.type === TYPE.TSIG ? { ...base, tsigOffset: lastOffset } : base;
}
