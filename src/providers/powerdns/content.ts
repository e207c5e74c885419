/**
 * DnsRecord (zonekeeper's libdns shape) <-> PowerDNS RRset content.
 *
 * - Names: absolute, lower-case, with the trailing dot ("www.example.test.").
 * - TXT: DnsRecord data is the text (or `"a" "b"` for several strings, see
 *   dns/rdata.ts); PowerDNS content is zone-file form, every string quoted,
 *   `"` and `\` escaped, bytes outside printable ASCII as `\DDD` (decimal).
 * - CNAME / NS / PTR / MX targets are absolute with the trailing dot, as
 *   PowerDNS requires; other types pass through trimmed.
 */
import { canonicalValue, formatTxt, parseTxt, typeCode } from '../../dns/rdata.ts';

const TARGET_TYPES = new Set(['CNAME', 'NS', 'PTR']);

const dot = (name: string): string => (name.endsWith('.') ? name : `${name}.`);

function quote(chunk: Uint8Array): string {
  let s = '"';
  for (const b of chunk) {
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b < 0x20 || b > 0x7e) s += `\\${String(b).padStart(3, '0')}`;
    else s += String.fromCharCode(b);
  }
  return `${s}"`;
}

/** The PowerDNS content for `data` of `type` (upper case). */
export function toContent(type: string, data: string): string {
  if (type === 'TXT') return parseTxt(data).map(quote).join(' ');
  const d = data.trim().replace(/\s+/g, ' ');
  if (TARGET_TYPES.has(type)) return dot(d).toLowerCase();
  if (type === 'MX') {
    const m = /^(\d{1,5}) (\S+)$/.exec(d);
    if (m !== null) return `${m[1]} ${dot(m[2] as string).toLowerCase()}`;
  }
  return d;
}

/** The DnsRecord data for PowerDNS `content` of `type` (upper case). */
export function fromContent(type: string, content: string): string {
  if (type === 'TXT') {
    try {
      return formatTxt(parseTxt(content));
    } catch {
      return content;
    }
  }
  return content;
}

/** A comparable form of a value (canonical presentation where zonekeeper knows the type). */
export function valueKey(type: string, data: string): string {
  try {
    return canonicalValue(typeCode(type), data);
  } catch {
    return data.trim();
  }
}
