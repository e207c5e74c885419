/**
 * The extensions of a DER certificate (RFC 5280 §4.1, §4.2) read with a
 * minimal DER walker, for the checks node:crypto's X509Certificate does not
 * expose: basicConstraints pathLenConstraint, and which extensions are
 * critical. Throws TypeError on malformed DER (the caller treats that as an
 * untrusted certificate).
 */

export interface CertExtension {
  /** Dotted OID, e.g. "2.5.29.19". */
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue contents (the DER inside the OCTET STRING). */
  readonly value: Uint8Array;
}

interface Tlv {
  readonly tag: number;
  /** Offset of the contents. */
  readonly start: number;
  /** Offset just past the contents. */
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new TypeError('DER: truncated');
  const tag = der[at] as number;
  if ((tag & 0x1f) === 0x1f) throw new TypeError('DER: multi-byte tag');
  let len = der[at + 1] as number;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new TypeError('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (der[start + i] as number);
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new TypeError('DER: truncated');
  return { tag, start, end };
}

/** The TLVs directly inside a constructed value. */
function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end; ) {
    const t = readTlv(der, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

function oidText(der: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = der[i] as number;
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const SEQUENCE = 0x30;
const EXTENSIONS_TAG = 0xa3;
const BOOLEAN = 0x01;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const OID = 0x06;

/** Every extension of the certificate, in order; [] for a v1 certificate. */
export function certExtensions(der: Uint8Array): CertExtension[] {
  const cert = readTlv(der, 0, der.length);
  if (cert.tag !== SEQUENCE) throw new TypeError('DER: not a certificate');
  const tbs = children(der, cert)[0];
  if (tbs?.tag !== SEQUENCE) throw new TypeError('DER: no tbsCertificate');
  const wrapper = children(der, tbs).find((t) => t.tag === EXTENSIONS_TAG);
  if (wrapper === undefined) return [];
  const list = children(der, wrapper)[0];
  if (list?.tag !== SEQUENCE) throw new TypeError('DER: bad extensions');
  return children(der, list).map((ext) => {
    const f = children(der, ext);
    const oid = f[0];
    if (oid?.tag !== OID) throw new TypeError('DER: bad extension');
    const hasCritical = f[1]?.tag === BOOLEAN;
    const value = hasCritical ? f[2] : f[1];
    if (value?.tag !== OCTET_STRING) throw new TypeError('DER: bad extension value');
    const critical = hasCritical && der[(f[1] as Tlv).start] !== 0;
    return { oid: oidText(der, oid), critical, value: der.subarray(value.start, value.end) };
  });
}

/** basicConstraints pathLenConstraint, or undefined when absent (no limit). */
export function pathLenConstraint(extensions: readonly CertExtension[]): number | undefined {
  const bc = extensions.find((e) => e.oid === '2.5.29.19');
  if (bc === undefined) return undefined;
  const seq = readTlv(bc.value, 0, bc.value.length);
  const int = children(bc.value, seq).find((t) => t.tag === INTEGER);
  if (int === undefined) return undefined;
  let n = 0;
  for (let i = int.start; i < int.end; i++) n = n * 256 + (bc.value[i] as number);
  return n;
}

/** authorityKeyIdentifier keyIdentifier (RFC 5280 4.2.1.1), or undefined when absent. */
export function authorityKeyIdentifier(extensions: readonly CertExtension[]): Uint8Array | undefined {
  const aki = extensions.find((e) => e.oid === '2.5.29.35');
  if (aki === undefined) return undefined;
  const seq = readTlv(aki.value, 0, aki.value.length);
  const keyId = children(aki.value, seq).find((t) => t.tag === 0x80);
  return keyId === undefined ? undefined : aki.value.subarray(keyId.start, keyId.end);
}
