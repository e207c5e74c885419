/**
 * Talking to one DNS server: `exchange` sends raw request bytes and returns
 * the matching response (UDP first, TCP when the answer is truncated or
 * when asked); `query` builds a QUERY with EDNS0 and sends it.
 *
 * Contract of `exchange`:
 * - `timeoutMs` (default 5000) bounds the WHOLE exchange: every UDP
 *   retransmission and a TCP fallback share it. UDP sends `attempts`
 *   (default 3) copies, spread evenly over the time left.
 * - TCP is used directly with `tcp: true` or when the request is over 512
 *   octets; otherwise after a UDP response with TC set.
 * - Datagrams from another address/port, with another ID or another
 *   question, are ignored (anti-spoofing). A response that cannot be decoded
 *   is reported as DNS_MALFORMED (UDP: only if nothing valid arrives in time).
 * - Fails with AppError DNS_TIMEOUT, DNS_NETWORK (ECONNREFUSED, also ICMP
 *   unreachable on UDP, host lookup failures) or DNS_MALFORMED, evidence
 *   `{ server: 'host:port', transport: 'udp'|'tcp', ... }`.
 * - An aborted `signal` rejects at once with AppError ABORTED (the signal's
 *   reason is its `cause`), never with the raw reason. Sockets are always closed.
 * - `server.host` should be an IP literal (IPv6 without brackets, "::1");
 *   a host name is resolved with the operating system's resolver (getaddrinfo).
 */
import { randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '../core/errors.ts';
import { formatServer, type ServerAddress } from './context.ts';
import { abortedError, expectationOf, malformedError, networkError, type Transport, type Where } from './exchange-match.ts';
import { typeCode } from './rdata.ts';
import { tcpExchange } from './transport-tcp.ts';
import { udpExchange } from './transport-udp.ts';
import { CLASS, FLAG, OPCODE, RCODE, TYPE, encodeMessage, makeFlags, rcodeOf, type DecodedMessage, type Message } from './wire.ts';

export { answersFor, authoritySoa, negativeTtl, rcodeName, soaOf, type Answers, type SoaData } from './answers.ts';
export type { Transport } from './exchange-match.ts';

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_ATTEMPTS = 3;
/** The UDP payload size we advertise in EDNS0 (DNS flag day 2020). */
export const EDNS_UDP_SIZE = 1232;
/** Requests larger than this go over TCP (no EDNS0 guarantee on the server's side). */
const MAX_UDP_REQUEST = 512;

export interface ExchangeOptions {
  /** Budget of the whole exchange, ms; default 5000. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Skip UDP. */
  readonly tcp?: boolean | undefined;
  /** UDP transmissions (first send included); default 3. */
  readonly attempts?: number | undefined;
}

export interface ExchangeResult {
  /** The response bytes exactly as received (TSIG verification needs them). */
  readonly response: Buffer;
  readonly message: DecodedMessage;
  readonly via: Transport;
  /** From the last transmission to the response, ms (monotonic). */
  readonly rttMs: number;
}

async function resolveHost(host: string, where: Where, signal: AbortSignal | undefined): Promise<string> {
  if (isIP(host) !== 0) return host;
  if (signal?.aborted === true) throw abortedError(where, signal);
  try {
    const found = lookup(host);
    if (signal === undefined) return (await found).address;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = (): void => reject(abortedError(where, signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return (await Promise.race([found, aborted])).address;
    } finally {
      signal.removeEventListener('abort', onAbort as () => void);
      found.catch(() => undefined);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw networkError(where, e, { reason: 'host lookup failed', host });
  }
}

/** Send `request` (its ID already set) to `server` and return the matching response. See the module contract. */
export async function exchange(
  server: { readonly host: string; readonly port: number },
  request: Uint8Array,
  opts: ExchangeOptions = {},
): Promise<ExchangeResult> {
  const deadline = performance.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const attempts = Math.max(1, Math.floor(opts.attempts ?? DEFAULT_ATTEMPTS));
  const name = formatServer(server);
  const useTcp = opts.tcp === true || request.length > MAX_UDP_REQUEST;
  let expect;
  try {
    expect = expectationOf(request);
  } catch (e) {
    throw malformedError({ server: name, transport: useTcp ? 'tcp' : 'udp' }, 'request is not a DNS message', e);
  }
  if (request.length > 0xffff) throw malformedError({ server: name, transport: 'tcp' }, 'request longer than 65535 octets');
  const host = await resolveHost(server.host, { server: name, transport: useTcp ? 'tcp' : 'udp' }, opts.signal);
  const common = { host, port: server.port, request, expect, deadline, signal: opts.signal };
  if (!useTcp) {
    const udp = await udpExchange({ ...common, where: { server: name, transport: 'udp' }, attempts });
    if ((udp.message.flags & FLAG.TC) === 0) return { ...udp, via: 'udp' };
  }
  const tcp = await tcpExchange({ ...common, where: { server: name, transport: 'tcp' } });
  return { ...tcp, via: 'tcp' };
}

// ---- queries -----------------------------------------------------------------

export interface QueryOptions extends ExchangeOptions {
  /** RD flag; default true (as dig). Pass false when asking authoritative servers. */
  readonly recursionDesired?: boolean | undefined;
}

export interface QueryResult {
  readonly message: DecodedMessage;
  /** Full rcode: the header's 4 bits plus the EDNS0 extended bits. */
  readonly rcode: number;
  readonly via: Transport;
  readonly rttMs: number;
  readonly server: ServerAddress;
}

/** A QUERY message for one question; with `edns`, an OPT RR advertising a 1232-octet UDP payload. */
export function buildQuery(q: { name: string; type: number }, o: { id: number; rd: boolean; edns: boolean }): Buffer {
  const m: Message = {
    id: o.id,
    flags: makeFlags({ opcode: OPCODE.QUERY, rd: o.rd }),
    questions: [{ name: q.name.endsWith('.') ? q.name : `${q.name}.`, type: q.type, class: CLASS.IN }],
    answers: [],
    authorities: [],
    additionals: o.edns ? [{ name: '.', type: TYPE.OPT, class: EDNS_UDP_SIZE, ttl: 0, rdata: new Uint8Array(0) }] : [],
  };
  return encodeMessage(m);
}

/** Header rcode extended with the OPT RR's upper 8 bits (RFC 6891 §6.1.3). */
export function fullRcode(m: DecodedMessage): number {
  const opt = m.additionals.find((rr) => rr.type === TYPE.OPT);
  return opt === undefined ? rcodeOf(m.flags) : ((opt.ttl >>> 24) << 4) | rcodeOf(m.flags);
}

/**
 * Ask `server` one question (class IN) with a random ID and EDNS0. The name
 * is taken as absolute (a trailing dot is added if missing; callers pass
 * normalised names). A FORMERR without OPT in reply (a server that does not
 * know EDNS0) is retried once without it. Non-zero rcodes are returned, not thrown.
 */
export async function query(
  server: ServerAddress,
  q: { readonly name: string; readonly type: number | string },
  opts: QueryOptions = {},
): Promise<QueryResult> {
  const type = typeof q.type === 'number' ? q.type : typeCode(q.type);
  const rd = opts.recursionDesired ?? true;
  const started = performance.now();
  const total = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let r = await exchange(server, buildQuery({ name: q.name, type }, { id: randomInt(0, 0x10000), rd, edns: true }), opts);
  if (rcodeOf(r.message.flags) === RCODE.FORMERR && !r.message.additionals.some((rr) => rr.type === TYPE.OPT)) {
    const left = Math.max(1, total - (performance.now() - started));
    r = await exchange(server, buildQuery({ name: q.name, type }, { id: randomInt(0, 0x10000), rd, edns: false }), { ...opts, timeoutMs: left });
  }
  return { message: r.message, rcode: fullRcode(r.message), via: r.via, rttMs: r.rttMs, server };
}
