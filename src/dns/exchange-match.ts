/**
 * What a response must look like to belong to a request (same ID, QR set,
 * same question), and the errors every transport raises, all with evidence
 * `{ server: 'host:port', transport, ... }`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { AppError, type EvidenceValue } from '../core/errors.ts';
import { ipv6ToBytes } from './rdata.ts';
import { FLAG, decodeMessage, rcodeOf, type DecodedMessage, type Question } from './wire.ts';

export type Transport = 'udp' | 'tcp';

export interface Expectation {
  readonly id: number;
  readonly question?: Question;
}

export interface Where {
  readonly server: string;
  readonly transport: Transport;
}

/** ID and first question of our own request. Throws DNS_MALFORMED when the request itself is not a DNS message. */
export function expectationOf(request: Uint8Array): Expectation {
  const m = decodeMessage(request);
  const q = m.questions[0];
  return q === undefined ? { id: m.id } : { id: m.id, question: q };
}

/**
 * Does `m` answer the request? ID and QR must match, and the question must
 * be the same (name compared case-insensitively). A response without a
 * question section is accepted only with a non-zero rcode (servers answer
 * FORMERR/NOTIMP that way).
 */
export function responseMatches(m: DecodedMessage, expect: Expectation): boolean {
  if (m.id !== expect.id || (m.flags & FLAG.QR) === 0) return false;
  const want = expect.question;
  if (want === undefined) return true;
  const got = m.questions[0];
  if (got === undefined) return rcodeOf(m.flags) !== 0;
  return got.type === want.type && got.class === want.class && got.name.toLowerCase() === want.name.toLowerCase();
}

/** The first two bytes of a datagram as a message ID, if it has them. */
export function idOf(b: Uint8Array): number | undefined {
  return b.length >= 2 ? ((b[0] as number) << 8) | (b[1] as number) : undefined;
}

function stripZone(ip: string): string {
  const i = ip.indexOf('%');
  return i < 0 ? ip : ip.slice(0, i);
}

/** Same IP address, whatever the IPv6 spelling. */
export function sameAddress(a: string, b: string): boolean {
  if (isIPv4(a) && isIPv4(b)) return a === b;
  const x = stripZone(a);
  const y = stripZone(b);
  if (isIPv6(x) && isIPv6(y)) return ipv6ToBytes(x).equals(ipv6ToBytes(y));
  return a === b;
}

function ev(where: Where, extra: Record<string, EvidenceValue>): Record<string, EvidenceValue> {
  return { server: where.server, transport: where.transport, ...extra };
}

export function timeoutError(where: Where, extra: Record<string, EvidenceValue> = {}): AppError {
  return new AppError('DNS_TIMEOUT', { retryable: true, evidence: ev(where, extra) });
}

/** DNS_NETWORK for a socket error: ECONNREFUSED (also ICMP port unreachable on UDP), EHOSTUNREACH, ECONNRESET... */
export function networkError(where: Where, cause: unknown, extra: Record<string, EvidenceValue> = {}): AppError {
  const code = (cause as { code?: unknown } | undefined)?.code;
  const errno = typeof code === 'string' ? code : 'UNKNOWN';
  return new AppError('DNS_NETWORK', { retryable: true, cause, evidence: ev(where, { errno, ...extra }) });
}

export function malformedError(where: Where, reason: string, cause?: unknown): AppError {
  const inner = cause instanceof AppError ? cause.diagnosis.evidence['reason'] : undefined;
  return new AppError('DNS_MALFORMED', {
    cause,
    evidence: ev(where, { reason, ...(typeof inner === 'string' ? { detail: inner } : {}) }),
  });
}

/** The rejection for an aborted exchange: always AppError ABORTED, the signal's reason as `cause`. */
export function abortedError(where: Where, signal: AbortSignal): AppError {
  return new AppError('ABORTED', { cause: signal.reason, evidence: ev(where, {}) });
}
