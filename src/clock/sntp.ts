/**
 * SNTP client (RFC 4330, RFC 5905 on-wire protocol) over UDP.
 *
 * One `querySntp()` sends one client packet and computes, from the four
 * timestamps t1 (sent, local), t2 (received, server), t3 (sent, server) and
 * t4 (received, local):
 *   offset = ((t2 − t1) + (t3 − t4)) / 2      delay = (t4 − t1) − (t3 − t2)
 * t1 and t4 are read as one epoch base (`system.now()`) plus monotonic deltas,
 * so t4 − t1 keeps sub-millisecond precision and a system clock step during the
 * exchange cannot distort it.
 *
 * The client's transmit timestamp is a random nonce (data minimisation, as
 * chrony and RFC 9109 do): the real t1 never leaves the process, and the reply
 * must echo the nonce in its originate field. Replies that do not echo it are
 * ignored (late or forged), the query keeps waiting for the right one.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { AppError, isAppError, toAppError } from '../core/errors.ts';
import type { Clock, TimeSample, TimeSampleSink } from './clock.ts';

export interface NtpServer {
  readonly host: string;
  readonly port: number;
}

export interface SntpQueryOptions {
  /** The local (system) clock that supplies t1 and t4 and times the wait. */
  readonly system: Clock;
  /** How long to wait for a valid reply, monotonic ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface SntpResult {
  readonly server: NtpServer;
  /** "ntp:host:port" (IPv6 hosts in brackets). */
  readonly source: string;
  /** Server clock minus local clock, ms. */
  readonly offsetMs: number;
  /** Round-trip network delay, ms (never negative). */
  readonly delayMs: number;
  readonly leap: number;
  readonly version: number;
  readonly stratum: number;
  /** log2 seconds, as sent by the server. */
  readonly precision: number;
  readonly rootDelayMs: number;
  readonly rootDispersionMs: number;
  /** Reference id: IPv4 address of the upstream, or a 4-letter code, as hex. */
  readonly refId: string;
  /** t1..t4 as epoch ms (t1/t4 local system clock, t2/t3 server clock). */
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
  readonly t4: number;
  /** The exchange as a TimeSample of kind 'ntp' (instant = midpoint of t1 and t4). */
  readonly sample: TimeSample;
}

const NTP_PORT = 123;
const PACKET_LENGTH = 48;
/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
const NTP_UNIX_DELTA_S = 2_208_988_800;
const TWO_POW_32 = 4_294_967_296;
const ERA_MS = TWO_POW_32 * 1000;
const MODE_CLIENT = 3;
const MODE_SERVER = 4;
const LEAP_UNSYNCHRONISED = 3;
const MAX_STRATUM = 15;

/** Stable source id of an NTP server, e.g. "ntp:127.0.0.1:123" or "ntp:[::1]:123". */
export function ntpSourceId(server: NtpServer): string {
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  return `ntp:${host}:${server.port}`;
}

/**
 * Parse "host", "host:port", "[v6]:port" or a bare IPv6 address into a server;
 * the port defaults to 123. Throws USAGE on an unusable spec.
 */
export function parseNtpServer(spec: string): NtpServer {
  const s = spec.trim();
  let host = s;
  let port = NTP_PORT;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed !== null) {
    host = bracketed[1] ?? '';
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const hostPort = /^([^:]+):(\d+)$/.exec(s);
    if (hostPort !== null) {
      host = hostPort[1] ?? '';
      port = Number(hostPort[2]);
    }
  }
  if (host === '' || host.includes(':') !== (isIP(host) === 6) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AppError('USAGE', { evidence: { ntpServer: spec } });
  }
  return { host, port };
}

/** Encode epoch ms as a 64-bit NTP timestamp (era folded into 32-bit seconds). */
export function writeNtpTimestamp(buf: Buffer, offset: number, epochMs: number): void {
  const totalS = epochMs / 1000 + NTP_UNIX_DELTA_S;
  const seconds = Math.floor(totalS);
  const fraction = Math.floor((totalS - seconds) * TWO_POW_32);
  buf.writeUInt32BE(((seconds % TWO_POW_32) + TWO_POW_32) % TWO_POW_32, offset);
  buf.writeUInt32BE(Math.min(fraction, TWO_POW_32 - 1), offset + 4);
}

/**
 * Decode a 64-bit NTP timestamp to epoch ms, choosing the NTP era (136-year
 * wrap, the first at 2036) that puts it nearest `nearMs`.
 */
export function readNtpTimestamp(buf: Buffer, offset: number, nearMs: number): number {
  const seconds = buf.readUInt32BE(offset);
  const fraction = buf.readUInt32BE(offset + 4);
  const era0 = (seconds - NTP_UNIX_DELTA_S) * 1000 + (fraction / TWO_POW_32) * 1000;
  const era = Math.round((nearMs - era0) / ERA_MS);
  return era0 + era * ERA_MS;
}

function isZeroTimestamp(buf: Buffer, offset: number): boolean {
  return buf.readUInt32BE(offset) === 0 && buf.readUInt32BE(offset + 4) === 0;
}

/** 16.16 fixed-point seconds → ms. */
function readShortMs(buf: Buffer, offset: number): number {
  return (buf.readUInt32BE(offset) / 65536) * 1000;
}

async function resolveAddress(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const kind = isIP(host);
  if (kind === 4 || kind === 6) return { address: host, family: kind };
  const found = await lookup(host);
  return { address: found.address, family: found.family === 6 ? 6 : 4 };
}

function ntpFailed(server: NtpServer, reason: string, extra: Record<string, string | number> = {}, cause?: unknown): AppError {
  return new AppError('NTP_FAILED', {
    evidence: { server: ntpSourceId(server), reason, ...extra },
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}

interface Exchange {
  readonly reply: Buffer;
  readonly sentMono: number;
  readonly recvMono: number;
}

/**
 * Send `request` on a connected UDP socket and wait for the first reply whose
 * originate field equals `nonce`. Rejects with NTP_FAILED on timeout or a
 * network error, ABORTED when `signal` aborts.
 */
async function exchange(server: NtpServer, request: Buffer, nonce: Buffer, opts: SntpQueryOptions): Promise<Exchange> {
  const { system, signal } = opts;
  if (signal?.aborted) throw new AppError('ABORTED', { cause: signal.reason });
  let resolved: { address: string; family: 4 | 6 };
  try {
    resolved = await resolveAddress(server.host);
  } catch (e) {
    throw ntpFailed(server, 'resolve', { error: (e as NodeJS.ErrnoException).code ?? 'unknown' }, e);
  }
  const socket: Socket = createSocket(resolved.family === 6 ? 'udp6' : 'udp4');
  const stop = new AbortController();
  try {
    return await new Promise<Exchange>((resolve, reject) => {
      let sentMono = Number.NaN;
      let ignored = 0;
      const fail = (e: AppError): void => {
        stop.abort();
        reject(e);
      };
      socket.on('error', (e: NodeJS.ErrnoException) => fail(ntpFailed(server, 'network', { error: e.code ?? e.message }, e)));
      socket.on('message', (msg) => {
        const recvMono = system.monotonicMs();
        if (msg.length < PACKET_LENGTH || !msg.subarray(24, 32).equals(nonce)) {
          ignored++;
          return;
        }
        stop.abort();
        resolve({ reply: msg, sentMono, recvMono });
      });
      const onAbort = (): void => fail(new AppError('ABORTED', { cause: signal?.reason }));
      signal?.addEventListener('abort', onAbort, { once: true });
      stop.signal.addEventListener('abort', () => signal?.removeEventListener('abort', onAbort), { once: true });
      system.sleep(opts.timeoutMs, stop.signal).then(
        () => fail(ntpFailed(server, 'timeout', { timeoutMs: opts.timeoutMs, ignoredReplies: ignored })),
        () => undefined,
      );
      socket.connect(server.port, resolved.address, () => {
        if (stop.signal.aborted) return;
        sentMono = system.monotonicMs();
        socket.send(request, (e) => {
          if (e) fail(ntpFailed(server, 'network', { error: (e as NodeJS.ErrnoException).code ?? e.message }, e));
        });
      });
    });
  } finally {
    socket.close();
  }
}

/**
 * Query one NTP server once. Resolves with the measured offset and delay, or
 * rejects with:
 * - NTP_KISS_OF_DEATH (stratum 0 reply; evidence.kissCode e.g. "RATE", "DENY",
 *   "RSTR"; retryable only for RATE),
 * - NTP_FAILED (evidence.reason: timeout, network, resolve, mode, version,
 *   unsynchronised, stratum, zero-transmit, bad-timestamps: the server claims
 *   to have answered before it received, or more slowly than the round trip),
 * - ABORTED when `signal` aborts.
 */
export async function querySntp(server: NtpServer, opts: SntpQueryOptions): Promise<SntpResult> {
  const { system } = opts;
  const nonce = randomBytes(8);
  if (nonce.readUInt32BE(0) === 0) nonce.writeUInt32BE(1, 0); // transmit must be nonzero
  const request = Buffer.alloc(PACKET_LENGTH);
  request[0] = (0 << 6) | (4 << 3) | MODE_CLIENT;
  nonce.copy(request, 40);

  const baseEpoch = system.now();
  const baseMono = system.monotonicMs();
  const { reply, sentMono, recvMono } = await exchange(server, request, nonce, opts);
  const t1 = baseEpoch + (sentMono - baseMono);
  const t4 = baseEpoch + (recvMono - baseMono);

  const first = reply[0] ?? 0;
  const leap = first >> 6;
  const version = (first >> 3) & 7;
  const mode = first & 7;
  const stratum = reply[1] ?? 0;
  const precision = reply.readInt8(3);
  const refIdBytes = reply.subarray(12, 16);
  const refId = refIdBytes.toString('hex');
  const evidence = { mode, version, stratum, leap };
  if (mode !== MODE_SERVER) throw ntpFailed(server, 'mode', evidence);
  if (version < 3 || version > 4) throw ntpFailed(server, 'version', evidence);
  if (stratum === 0) {
    const kissCode = refIdBytes.toString('latin1').replace(/[^\x20-\x7e]/g, '');
    throw new AppError('NTP_KISS_OF_DEATH', {
      evidence: { server: ntpSourceId(server), kissCode },
      retryable: kissCode === 'RATE',
    });
  }
  if (leap === LEAP_UNSYNCHRONISED) throw ntpFailed(server, 'unsynchronised', evidence);
  if (stratum > MAX_STRATUM) throw ntpFailed(server, 'stratum', evidence);
  if (isZeroTimestamp(reply, 40)) throw ntpFailed(server, 'zero-transmit', evidence);

  const t2 = readNtpTimestamp(reply, 32, t1);
  const t3 = readNtpTimestamp(reply, 40, t1);
  // Servers may randomise the bits below their precision: allow that much noise, no more.
  const noiseMs = Math.max(1, 2 ** precision * 1000);
  const rawDelayMs = t4 - t1 - (t3 - t2);
  if (isZeroTimestamp(reply, 32) || t3 - t2 < -noiseMs || rawDelayMs < -noiseMs) {
    throw ntpFailed(server, 'bad-timestamps', evidence);
  }
  const offsetMs = (t2 - t1 + (t3 - t4)) / 2;
  const delayMs = Math.max(0, rawDelayMs);
  const rootDelayMs = readShortMs(reply, 4);
  const rootDispersionMs = readShortMs(reply, 8);
  const systemMs = (t1 + t4) / 2;
  const source = ntpSourceId(server);
  const sample: TimeSample = {
    source,
    kind: 'ntp',
    serverMs: systemMs + offsetMs,
    systemMs,
    monoMs: (sentMono + recvMono) / 2,
    delayMs,
    // RFC 5905 root distance: how far the server itself may be from true time, plus our half round trip.
    uncertaintyMs: (delayMs + rootDelayMs) / 2 + rootDispersionMs + 2 ** precision * 500,
  };
  return {
    server,
    source,
    offsetMs,
    delayMs,
    leap,
    version,
    stratum,
    precision,
    rootDelayMs,
    rootDispersionMs,
    refId,
    t1,
    t2,
    t3,
    t4,
    sample,
  };
}

export interface SampleNtpOptions extends SntpQueryOptions {
  /** Packets sent to each server, one after another (servers are queried in parallel). Default 4. */
  readonly packetsPerServer?: number;
  /** Pause between two packets to the same server, ms. Default 100; 0 sends back to back. */
  readonly spacingMs?: number;
  /** Answers slower than this round trip are discarded outright. Default 1000 ms. */
  readonly maxDelayMs?: number;
  /** Receives each server's sample as soon as that server is done. */
  readonly sink?: TimeSampleSink;
}

export interface NtpServerReport {
  readonly server: NtpServer;
  readonly source: string;
  /** The server's combined sample, when at least one answer survived. */
  readonly sample?: TimeSample;
  readonly answers: number;
  /** Answers dropped for high delay. */
  readonly discarded: number;
  /** Kiss codes received (the server was not asked again after one). */
  readonly kissCodes: readonly string[];
  /** Codes and reasons of failed packets. */
  readonly failures: readonly string[];
}

export interface NtpSampling {
  /** One sample per server that answered usefully. */
  readonly samples: readonly TimeSample[];
  /** Median offset over `samples`, ms. */
  readonly offsetMs: number;
  readonly servers: readonly NtpServerReport[];
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? Number.NaN) + (s[mid] ?? Number.NaN)) / 2;
}

/**
 * Combine one server's answers (clock filter): drop answers whose delay is far
 * above the best one (more than twice the minimum plus 1 ms), take the median
 * offset of the rest, and express it at the instant of the lowest-delay
 * answer, widening its uncertainty by how far the median lies from it.
 */
export function combineServerAnswers(answers: readonly SntpResult[]): { sample: TimeSample; discarded: number } | undefined {
  if (answers.length === 0) return undefined;
  const best = answers.reduce((a, b) => (b.delayMs < a.delayMs ? b : a));
  const limit = 2 * best.delayMs + 1;
  const kept = answers.filter((a) => a.delayMs <= limit);
  const offset = median(kept.map((a) => a.offsetMs));
  const b = best.sample;
  return {
    sample: {
      ...b,
      serverMs: b.systemMs + offset,
      uncertaintyMs: b.uncertaintyMs + Math.abs(offset - best.offsetMs),
    },
    discarded: answers.length - kept.length,
  };
}

function evidenceText(e: AppError, key: string): string {
  const v = e.diagnosis.evidence[key];
  return typeof v === 'string' ? v : '';
}

async function sampleServer(server: NtpServer, opts: SampleNtpOptions): Promise<NtpServerReport> {
  const packets = opts.packetsPerServer ?? 4;
  const spacing = opts.spacingMs ?? 100;
  const maxDelay = opts.maxDelayMs ?? 1000;
  const answers: SntpResult[] = [];
  const kissCodes: string[] = [];
  const failures: string[] = [];
  let tooSlow = 0;
  for (let i = 0; i < packets; i++) {
    if (i > 0 && spacing > 0) await opts.system.sleep(spacing, opts.signal);
    try {
      const r = await querySntp(server, opts);
      if (r.delayMs > maxDelay) tooSlow++;
      else answers.push(r);
    } catch (e) {
      if (isAppError(e, 'ABORTED')) throw e;
      if (isAppError(e, 'NTP_KISS_OF_DEATH')) {
        kissCodes.push(evidenceText(e, 'kissCode'));
        break; // RFC 4330 §8: stop sending to a server that sent a KoD
      }
      const appError = toAppError(e);
      const reason = evidenceText(appError, 'reason');
      failures.push(reason === '' ? appError.code : `${appError.code}:${reason}`);
      if (appError.code === 'NTP_FAILED' && (reason === 'network' || reason === 'resolve')) break;
    }
  }
  const combined = combineServerAnswers(answers);
  if (combined !== undefined) opts.sink?.addSample(combined.sample);
  return {
    server,
    source: ntpSourceId(server),
    ...(combined === undefined ? {} : { sample: combined.sample }),
    answers: answers.length + tooSlow,
    discarded: tooSlow + (combined?.discarded ?? 0),
    kissCodes,
    failures,
  };
}

/**
 * Sample several NTP servers: `packetsPerServer` packets to each, servers in
 * parallel; KoD answers and high-delay answers are discarded; each server
 * yields one TimeSample (see `combineServerAnswers`). Rejects with NTP_FAILED
 * (evidence per server) when no server yields a sample, ABORTED on abort.
 */
export async function sampleNtp(servers: readonly NtpServer[], opts: SampleNtpOptions): Promise<NtpSampling> {
  const reports = await Promise.all(servers.map((s) => sampleServer(s, opts)));
  const samples = reports.flatMap((r) => (r.sample === undefined ? [] : [r.sample]));
  if (samples.length === 0) {
    throw new AppError('NTP_FAILED', {
      evidence: {
        reason: 'no-answer',
        servers: reports.map((r) => ({
          server: r.source,
          answers: r.answers,
          discarded: r.discarded,
          kissCodes: [...r.kissCodes],
          failures: [...r.failures],
        })),
      },
      retryable: true,
    });
  }
  return { samples, offsetMs: median(samples.map((s) => s.serverMs - s.systemMs)), servers: reports };
}
