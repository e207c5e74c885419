/**
 * DnsRecord (zonekeeper's libdns shape) <-> Cloudflare DNS record fields.
 *
 * - Names: Cloudflare uses absolute names, lower-case, without the trailing
 *   dot ("www.example.com"; the apex is the zone name).
 * - TXT: sent as Cloudflare stores it in zone-file form, every character
 *   string quoted (`"v=spf1 -all"`, `"a" "b"`). Read back either quoted
 *   (parsed) or bare (one string, as older records and the dashboard store it).
 * - CNAME / NS: targets without the trailing dot on the wire, with it in DnsRecord.
 * - MX: `data` "10 mail.example.com." <-> content "mail.example.com" + priority 10.
 * - Other types: content passes through unchanged.
 * - TTL: Cloudflare's 1 means "automatic"; it is reported as undefined.
 * - proxied (A, AAAA, CNAME): read back as `proxied`; sent only when set.
 */
import type { DnsRecord } from '../../core/record.ts';
import { canonicalValue, formatTxt, parseTxt, typeCode } from '../../dns/rdata.ts';
import { absoluteName, relativeName } from '../../dns/names.ts';

/** A record as Cloudflare returns it (the fields zonekeeper reads). */
export interface CfRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly content: string;
  readonly ttl?: number;
  readonly priority?: number;
  readonly proxied?: boolean;
}

/** The body of a POST / PATCH on dns_records. */
export interface CfRecordInput {
  readonly name: string;
  readonly type: string;
  readonly content: string;
  /** 1 = automatic. */
  readonly ttl: number;
  readonly priority?: number;
  /** Absent: Cloudflare's default (false) on create, unchanged on PATCH. */
  readonly proxied?: boolean;
}

const TARGET_TYPES = new Set(['CNAME', 'NS', 'PTR']);

function quote(chunk: Uint8Array): string {
  let s = '"';
  for (const ch of Buffer.from(chunk).toString('utf8')) s += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${s}"`;
}

const undot = (name: string): string => (name.endsWith('.') ? name.slice(0, -1) : name);
const dot = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

/** The Cloudflare fields for a record of `zone` (absolute, trailing dot). */
export function toCloudflare(zone: string, r: DnsRecord): CfRecordInput {
  const type = r.type.toUpperCase();
  const name = undot(absoluteName(r.name, zone));
  const ttl = r.ttl ?? 1;
  if (r.proxied !== undefined && (type === 'A' || type === 'AAAA' || type === 'CNAME')) return { ...toCloudflare(zone, { name: r.name, type: r.type, data: r.data, ...(r.ttl === undefined ? {} : { ttl: r.ttl }) }), proxied: r.proxied };
  if (type === 'TXT') return { name, type, ttl, content: parseTxt(r.data).map(quote).join(' ') };
  if (TARGET_TYPES.has(type)) return { name, type, ttl, content: undot(r.data.trim()).toLowerCase() };
  if (type === 'MX') {
    const m = /^\s*(\d{1,5})\s+(\S+)\s*$/.exec(r.data);
    if (m !== null) return { name, type, ttl, priority: Number(m[1]), content: undot(m[2] as string).toLowerCase() };
  }
  return { name, type, ttl, content: r.data.trim() };
}

/** The DnsRecord for a Cloudflare record of `zone`. */
export function fromCloudflare(zone: string, r: CfRecord): DnsRecord {
  const type = r.type.toUpperCase();
  const name = relativeName(dot(r.name), zone);
  const ttl = r.ttl === undefined || r.ttl === 1 ? {} : { ttl: r.ttl };
  let data = r.content;
  if (type === 'TXT') data = r.content.startsWith('"') ? formatTxt(parseTxt(r.content)) : r.content;
  else if (TARGET_TYPES.has(type)) data = dot(r.content.toLowerCase());
  else if (type === 'MX') data = `${r.priority ?? 0} ${dot(r.content.toLowerCase())}`;
  return { name, type, data, ...ttl, ...(typeof r.proxied === 'boolean' && (type === 'A' || type === 'AAAA' || type === 'CNAME') ? { proxied: r.proxied } : {}) };
}

/** A comparable form of a record's value (canonical presentation where zonekeeper knows the type). */
export function valueKey(r: DnsRecord): string {
  try {
    return canonicalValue(typeCode(r.type), r.data);
  } catch {
    return r.data.trim();
  }
}

/** "name|TYPE" with the name absolute, for grouping. */
export function setKey(zone: string, r: DnsRecord): string {
  return `${absoluteName(r.name, zone)}|${r.type.toUpperCase()}`;
}
