/**
 * TSIG (RFC 8945): sign a DNS message and verify a signed response, as pure
 * functions of the bytes, the key and the time. No clock is read here: the
 * caller passes Time Signed, taken from the trusted clock.
 *
 * Signing: MAC = HMAC(secret, message-as-sent-without-TSIG || variables);
 * the TSIG RR is appended last and ARCOUNT incremented.
 * Verifying a response: MAC = HMAC(secret, u16(len(requestMAC)) ||
 * requestMAC || response-without-TSIG (original ID, ARCOUNT-1) || variables).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import { CLASS, TYPE, decodeName, encodeCanonicalName, type DecodedMessage } from '../dns/wire.ts';

export const TSIG_ALGORITHMS = {
  'hmac-sha1': { hash: 'sha1', wireName: 'hmac-sha1.', macBytes: 20 },
  'hmac-sha224': { hash: 'sha224', wireName: 'hmac-sha224.', macBytes: 28 },
  'hmac-sha256': { hash: 'sha256', wireName: 'hmac-sha256.', macBytes: 32 },
  'hmac-sha384': { hash: 'sha384', wireName: 'hmac-sha384.', macBytes: 48 },
  'hmac-sha512': { hash: 'sha512', wireName: 'hmac-sha512.', macBytes: 64 },
} as const;

export type TsigAlgorithm = keyof typeof TSIG_ALGORITHMS;

export const TSIG_ERROR = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

export interface TsigKey {
  /** Key name as configured on the server, e.g. "ddns-key" or "ddns-key." */
  readonly name: string;
  readonly algorithm: TsigAlgorithm;
  readonly secret: Uint8Array;
}

/** Map "hmac-sha256", "HMAC-SHA256." or "hmac-sha256.sig-alg..." style names to ours; undefined if unsupported. */
export function parseTsigAlgorithm(name: string): TsigAlgorithm | undefined {
  const n = name.trim().toLowerCase().replace(/\.$/, '');
  return n in TSIG_ALGORITHMS ? (n as TsigAlgorithm) : undefined;
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

function u48(v: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(v, 0, 6);
  return b;
}

export interface TsigTimers {
  /** Seconds since the epoch. */
  readonly timeSigned: number;
  readonly fudge: number;
}

/** The TSIG variables block that is appended to the message for the MAC. */
export function tsigVariables(key: TsigKey, t: TsigTimers, error = 0, otherData: Uint8Array = new Uint8Array()): Buffer {
  return Buffer.concat([
    encodeCanonicalName(key.name),
    u16(CLASS.ANY),
    Buffer.alloc(4),
    encodeCanonicalName(TSIG_ALGORITHMS[key.algorithm].wireName),
    u48(t.timeSigned),
    u16(t.fudge),
    u16(error),
    u16(otherData.length),
    Buffer.from(otherData),
  ]);
}

function hmac(key: TsigKey, parts: readonly Uint8Array[]): Buffer {
  const h = createHmac(TSIG_ALGORITHMS[key.algorithm].hash, key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

export interface SignedMessage {
  readonly wire: Buffer;
  readonly mac: Buffer;
}

/**
 * Sign `message` (a complete DNS message without TSIG). The message's own ID
 * is used as Original ID.
 */
export function signMessage(message: Uint8Array, key: TsigKey, t: TsigTimers): SignedMessage {
  const msg = Buffer.from(message);
  if (msg.length < 12) throw new AppError('DNS_MALFORMED', { evidence: { reason: 'message shorter than header' } });
  const mac = hmac(key, [msg, tsigVariables(key, t)]);
  const originalId = msg.readUInt16BE(0);
  const rdata = Buffer.concat([
    encodeCanonicalName(TSIG_ALGORITHMS[key.algorithm].wireName),
    u48(t.timeSigned),
    u16(t.fudge),
    u16(mac.length),
    mac,
    u16(originalId),
    u16(0),
    u16(0),
  ]);
  const rr = Buffer.concat([encodeCanonicalName(key.name), u16(TYPE.TSIG), u16(CLASS.ANY), Buffer.alloc(4), u16(rdata.length), rdata]);
  const wire = Buffer.concat([msg, rr]);
  wire.writeUInt16BE(msg.readUInt16BE(10) + 1, 10);
  return { wire, mac };
}

export interface TsigRecord {
  readonly keyName: string;
  readonly algorithm: string;
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Buffer;
}

/** Parse the RDATA of a TSIG RR. */
export function parseTsigRecord(keyName: string, rdata: Uint8Array): TsigRecord {
  const b = Buffer.from(rdata);
  const bad = (): AppError => new AppError('DNS_MALFORMED', { evidence: { reason: 'malformed TSIG record' } });
  let alg: { name: string; next: number };
  try {
    alg = decodeName(b, 0);
  } catch {
    throw bad();
  }
  let p = alg.next;
  if (p + 10 > b.length) throw bad();
  const timeSigned = b.readUIntBE(p, 6);
  const fudge = b.readUInt16BE(p + 6);
  const macLen = b.readUInt16BE(p + 8);
  p += 10;
  if (p + macLen + 6 > b.length) throw bad();
  const mac = b.subarray(p, p + macLen);
  p += macLen;
  const originalId = b.readUInt16BE(p);
  const error = b.readUInt16BE(p + 2);
  const otherLen = b.readUInt16BE(p + 4);
  p += 6;
  if (p + otherLen !== b.length) throw bad();
  return { keyName, algorithm: alg.name.toLowerCase(), timeSigned, fudge, mac, originalId, error, otherData: b.subarray(p) };
}

export type ResponseVerification =
  /** No TSIG RR in the response. */
  | { readonly status: 'unsigned' }
  /** TSIG present but without a MAC (BADSIG / BADKEY answers carry none). */
  | { readonly status: 'no-mac'; readonly tsig: TsigRecord }
  /** TSIG present and the MAC does not verify (or names another key/algorithm). */
  | { readonly status: 'bad-mac'; readonly tsig: TsigRecord }
  /** The MAC verifies: `tsig.error`, `tsig.timeSigned` and `serverTime` are authenticated. */
  | { readonly status: 'verified'; readonly tsig: TsigRecord; readonly serverTime: number };

/**
 * Verify a response to a request signed with `requestMac`. `serverTime` is
 * the server's clock in seconds: Other Data of a BADTIME answer, otherwise
 * the response's Time Signed.
 */
export function verifyResponse(response: Uint8Array, decoded: DecodedMessage, key: TsigKey, requestMac: Uint8Array): ResponseVerification {
  const last = decoded.additionals[decoded.additionals.length - 1];
  if (decoded.tsigOffset === undefined || last === undefined) return { status: 'unsigned' };
  const tsig = parseTsigRecord(last.name, last.rdata);
  if (tsig.mac.length === 0) return { status: 'no-mac', tsig };
  const sameKey =
    Buffer.compare(encodeCanonicalName(tsig.keyName), encodeCanonicalName(key.name)) === 0 &&
    tsig.algorithm === TSIG_ALGORITHMS[key.algorithm].wireName;
  if (!sameKey) return { status: 'bad-mac', tsig };
  const body = Buffer.from(response.subarray(0, decoded.tsigOffset));
  body.writeUInt16BE(tsig.originalId, 0);
  body.writeUInt16BE(body.readUInt16BE(10) - 1, 10);
  const expected = hmac(key, [u16(requestMac.length), requestMac, body, tsigVariables(key, tsig, tsig.error, tsig.otherData)]);
  // RFC 8945 5.2.2.1: a truncated MAC must be at least half the hash and 10 octets.
  const minLen = Math.max(10, Math.ceil(expected.length / 2));
  if (tsig.mac.length < minLen || tsig.mac.length > expected.length) return { status: 'bad-mac', tsig };
  if (!timingSafeEqual(tsig.mac, expected.subarray(0, tsig.mac.length))) return { status: 'bad-mac', tsig };
  const serverTime = tsig.error === TSIG_ERROR.BADTIME && tsig.otherData.length === 6 ? tsig.otherData.readUIntBE(0, 6) : tsig.timeSigned;
  return { status: 'verified', tsig, serverTime };
}

/**
 * Verify one message of a multi-message TSIG stream (zone transfer), RFC 8945
 * 5.3.1: each signed message's MAC covers the previous MAC, the unsigned
 * messages since then, this message without TSIG, and the timers only.
 */
export function verifyContinuation(
  previousMac: Uint8Array,
  unsignedSince: readonly Uint8Array[],
  response: Uint8Array,
  decoded: DecodedMessage,
  key: TsigKey,
): ResponseVerification {
  const last = decoded.additionals[decoded.additionals.length - 1];
  if (decoded.tsigOffset === undefined || last === undefined) return { status: 'unsigned' };
  const tsig = parseTsigRecord(last.name, last.rdata);
  if (tsig.mac.length === 0) return { status: 'no-mac', tsig };
  const body = Buffer.from(response.subarray(0, decoded.tsigOffset));
  body.writeUInt16BE(tsig.originalId, 0);
  body.writeUInt16BE(body.readUInt16BE(10) - 1, 10);
  const expected = hmac(key, [u16(previousMac.length), previousMac, ...unsignedSince, body, u48(tsig.timeSigned), u16(tsig.fudge)]);
  if (tsig.mac.length !== expected.length || !timingSafeEqual(tsig.mac, expected)) return { status: 'bad-mac', tsig };
  return { status: 'verified', tsig, serverTime: tsig.timeSigned };
}
