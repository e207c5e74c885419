/**
 * A tiny raw DNS client for the test harness only: builds queries by hand and
 * reads the few record types the harness needs. It never touches product code
 * (which is written and tested separately) and never the system resolver.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';

/** Record type numbers the probe knows by name. */
export const RR_TYPES = { A: 1, NS: 2, CNAME: 5, SOA: 6, TXT: 16, AAAA: 28, ANY: 255 } as const;
export type RrTypeName = keyof typeof RR_TYPES;

/** Opcodes (RFC 1035, 1996, 2136). */
export const OPCODE_QUERY = 0;
export const OPCODE_NOTIFY = 4;
export const OPCODE_UPDATE = 5;

/** Response codes the harness looks at. */
export const RCODE_NOERROR = 0;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_REFUSED = 5;

export interface ProbeRecord {
  /** Owner name, lower case, no trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  /**
   * Rendered RDATA: A/AAAA as an address, NS/CNAME as a name without trailing
   * dot, TXT as its strings concatenated, SOA as "mname rname serial refresh
   * retry expire minimum", anything else as hex.
   */
  readonly data: string;
  /** TXT only: the character strings as sent. */
  readonly txt: readonly string[];
}

export interface ProbeResult {
  readonly id: number;
  readonly opcode: number;
  readonly rcode: number;
  readonly aa: boolean;
  readonly tc: boolean;
  readonly answers: readonly ProbeRecord[];
  readonly authority: readonly ProbeRecord[];
}

export interface QueryOptions {
  /** Recursion desired; default false (the harness mostly asks authoritative servers). */
  readonly rd?: boolean;
  /** Query class; default 1 (IN). 3 = CH. */
  readonly qclass?: number;
  readonly opcode?: number;
  readonly id?: number;
  /** Set the AA bit (NOTIFY requests carry it). */
  readonly aa?: boolean;
}

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const b = Buffer.from(label, 'ascii');
    if (b.length > 63) throw new Error(`label too long: ${label}`);
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/**
 * One question, no EDNS: 12-byte header + name + type + class. For
 * `example.test` SOA that is exactly 30 bytes.
 */
export function buildQuery(name: string, type: RrTypeName | number, o: QueryOptions = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(o.id ?? randomInt(0, 0x10000), 0);
  const opcode = o.opcode ?? OPCODE_QUERY;
  header[2] = ((opcode & 0xf) << 3) | (o.aa === true ? 0x04 : 0) | (o.rd === true ? 0x01 : 0);
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(typeof type === 'number' ? type : RR_TYPES[type], 0);
  tail.writeUInt16BE(o.qclass ?? 1, 2);
  return Buffer.concat([header, encodeName(name), tail]);
}

/** Reads a possibly compressed name at `off`; returns it and the offset after it. */
function readName(msg: Buffer, off: number): [string, number] {
  const labels: string[] = [];
  let pos = off;
  let end = -1;
  for (let hops = 0; hops < 64; hops++) {
    const len = msg[pos];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) {
      return [labels.join('.').toLowerCase(), end === -1 ? pos + 1 : end];
    }
    if ((len & 0xc0) === 0xc0) {
      if (end === -1) end = pos + 2;
      pos = msg.readUInt16BE(pos) & 0x3fff;
      continue;
    }
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  throw new Error('name compression loop');
}

function renderAaaa(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // The WHATWG URL parser prints IPv6 in RFC 5952 canonical form.
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
}

function readRecord(msg: Buffer, off: number): [ProbeRecord, number] {
  const [name, p] = readName(msg, off);
  const type = msg.readUInt16BE(p);
  const ttl = msg.readUInt32BE(p + 4);
  const rdlen = msg.readUInt16BE(p + 8);
  const start = p + 10;
  const rdata = msg.subarray(start, start + rdlen);
  let data: string;
  const txt: string[] = [];
  if (type === RR_TYPES.A && rdlen === 4) data = [...rdata].join('.');
  else if (type === RR_TYPES.AAAA && rdlen === 16) data = renderAaaa(rdata);
  else if (type === RR_TYPES.NS || type === RR_TYPES.CNAME) data = readName(msg, start)[0];
  else if (type === RR_TYPES.TXT) {
    for (let i = 0; i < rdlen; ) {
      const l = rdata[i] ?? 0;
      txt.push(rdata.toString('utf8', i + 1, i + 1 + l));
      i += 1 + l;
    }
    data = txt.join('');
  } else if (type === RR_TYPES.SOA) {
    const [mname, q] = readName(msg, start);
    const [rname, r] = readName(msg, q);
    const nums = [0, 4, 8, 12, 16].map((k) => msg.readUInt32BE(r + k));
    data = [mname, rname, ...nums].join(' ');
  } else data = rdata.toString('hex');
  return [{ name, type, ttl, data, txt }, start + rdlen];
}

/** Parses a DNS message header, skips the questions, reads answer and authority. */
export function parseResponse(msg: Buffer): ProbeResult {
  if (msg.length < 12) throw new Error('short DNS message');
  const b2 = msg[2] ?? 0;
  const b3 = msg[3] ?? 0;
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  const ns = msg.readUInt16BE(8);
  let off = 12;
  for (let i = 0; i < qd; i++) off = readName(msg, off)[1] + 4;
  const answers: ProbeRecord[] = [];
  const authority: ProbeRecord[] = [];
  for (let i = 0; i < an + ns; i++) {
    const [rr, next] = readRecord(msg, off);
    (i < an ? answers : authority).push(rr);
    off = next;
  }
  return {
    id: msg.readUInt16BE(0),
    opcode: (b2 >> 3) & 0xf,
    rcode: b3 & 0xf,
    aa: (b2 & 0x04) !== 0,
    tc: (b2 & 0x02) !== 0,
    answers,
    authority,
  };
}

/** Sends one UDP message and resolves with the first reply carrying the same ID. */
export function exchangeUdp(host: string, port: number, query: Buffer, timeoutMs = 1000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    let settled = false;
    const done = (err: Error | undefined, reply?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.close();
      if (err !== undefined) reject(err);
      else if (reply !== undefined) resolve(reply);
    };
    const timer = setTimeout(() => done(new Error(`no DNS reply from ${host}:${port} in ${timeoutMs} ms`)), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('message', (m) => {
      if (m.length >= 12 && m.readUInt16BE(0) === id) done(undefined, m);
    });
    // A connected socket reports ICMP port-unreachable as ECONNREFUSED, so a
    // server that is not up yet fails fast instead of timing out.
    sock.connect(port, host, () => sock.send(query, (e) => (e ? done(e) : undefined)));
  });
}

/** One raw UDP query; rejects on timeout or network error, never retries. */
export async function probe(
  host: string,
  port: number,
  name: string,
  type: RrTypeName | number,
  o: QueryOptions & { readonly timeoutMs?: number } = {},
): Promise<ProbeResult> {
  return parseResponse(await exchangeUdp(host, port, buildQuery(name, type, o), o.timeoutMs));
}

export interface SoaProbe {
  readonly rcode: number;
  readonly aa: boolean;
  /** The SOA serial from the answer section, when the server answered with one. */
  readonly serial: number | undefined;
}

/** Asks `host:port` for the SOA of `zone` (default `example.test`), non-recursively. */
export async function probeSoa(host: string, port: number, zone = 'example.test', timeoutMs = 1000): Promise<SoaProbe> {
  const r = await probe(host, port, zone, 'SOA', { timeoutMs });
  const soa = r.answers.find((a) => a.type === RR_TYPES.SOA && a.name === zone.replace(/\.$/, '').toLowerCase());
  const serial = soa === undefined ? undefined : Number(soa.data.split(' ')[2]);
  return { rcode: r.rcode, aa: r.aa, serial };
}

/**
 * Sends a NOTIFY for `zone` (RFC 1996) and waits for the acknowledgement. A
 * BIND secondary accepts it when it comes from one of its primaries'
 * addresses (the source port does not matter), so the harness can tell a
 * secondary "refresh now" from 127.0.0.1.
 */
export async function sendNotify(host: string, port: number, zone: string, timeoutMs = 1000): Promise<ProbeResult> {
  const q = buildQuery(zone, 'SOA', { opcode: OPCODE_NOTIFY, aa: true });
  return parseResponse(await exchangeUdp(host, port, q, timeoutMs));
}
