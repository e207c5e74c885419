/**
 * Wait until every authoritative server serves what we expect.
 *
 * Contract: each server is queried directly (no recursion), the first poll
 * goes out at once, later polls back off (50 ms, growing by half each time,
 * up to 1 s, so a server that catches up after T is seen by about 1.5 T +
 * 50 ms). A server that matches is not asked again. When the servers answer with a CNAME at
 * the name, the target is followed (its own authoritative servers, through
 * `locate`). Resolves with a report per server once all match; rejects with
 * PROPAGATION_TIMEOUT naming the servers that lag and what they answered.
 * Recursive resolvers are never asked: a resolver asked about a name before
 * it exists caches the NXDOMAIN, and a CA behind the same cache then fails.
 */
import { AppError, type EvidenceValue } from '../core/errors.ts';
import type { ExpectedRRset } from '../core/record.ts';
import type { Clock } from '../clock/clock.ts';
import { formatServer, type ServerAddress } from '../dns/context.ts';
import { canonicalValue, typeCode } from '../dns/rdata.ts';
import { answersFor, query, rcodeName } from '../dns/transport.ts';
import { RCODE, rcodeOf } from '../dns/wire.ts';

export interface ServerReport {
  readonly server: string;
  readonly nsName?: string;
  readonly fqdn: string;
  matched: boolean;
  /** What the server served at the last poll (presentation values). */
  answered: string[];
  rcode: string;
  cname?: string;
  /** Error code of the last poll, when it failed. */
  error?: string;
  polls: number;
  /** Milliseconds from the start of the wait to the match. */
  matchedAfterMs?: number;
  /** Trusted time of the last poll (ISO). */
  lastPollAt?: string;
}

export interface PropagationReport {
  readonly fqdn: string;
  readonly type: string;
  readonly expected: readonly string[];
  readonly absent: boolean;
  readonly servers: ServerReport[];
  readonly elapsedMs: number;
}

export type ProgressEvent =
  | { readonly kind: 'poll'; readonly report: Readonly<ServerReport> }
  | { readonly kind: 'matched'; readonly report: Readonly<ServerReport> }
  | { readonly kind: 'cname'; readonly from: string; readonly to: string };

export interface WaitOptions {
  readonly servers: readonly ServerAddress[];
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly queryTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Authoritative servers of another name's zone, for following a CNAME. */
  readonly locate?: (fqdn: string) => Promise<readonly ServerAddress[]>;
}

const FIRST_BACKOFF_MS = 50;
const BACKOFF_FACTOR = 1.5;
const MAX_BACKOFF_MS = 1000;
const MAX_CNAME_DEPTH = 8;

function isMatch(expected: ExpectedRRset, canonicalExpected: readonly string[], answered: readonly string[], rcode: number): boolean {
  if (rcode !== RCODE.NOERROR && rcode !== RCODE.NXDOMAIN) return false;
  if (expected.absent === true) {
    return canonicalExpected.length === 0 ? answered.length === 0 : canonicalExpected.every((v) => !answered.includes(v));
  }
  return rcode === RCODE.NOERROR && canonicalExpected.every((v) => answered.includes(v));
}

export async function waitFor(expected: ExpectedRRset, o: WaitOptions): Promise<PropagationReport> {
  const start = o.clock.monotonicMs();
  const deadline = start + o.timeoutMs;
  return waitAt(expected, o, start, deadline, 0);
}

async function waitAt(expected: ExpectedRRset, o: WaitOptions, start: number, deadline: number, depth: number): Promise<PropagationReport> {
  const type = typeCode(expected.type);
  const canonicalExpected = expected.values.map((v) => canonicalValue(type, v));
  const reports = o.servers.map<ServerReport>((s) => ({
    server: formatServer(s),
    ...(s.nsName === undefined ? {} : { nsName: s.nsName }),
    fqdn: expected.fqdn,
    matched: false,
    answered: [],
    rcode: '',
    polls: 0,
  }));
  if (reports.length === 0) throw new AppError('NAMESERVERS_NOT_FOUND', { evidence: { name: expected.fqdn } });
  const timeout = new AbortController();
  const signal = o.signal === undefined ? timeout.signal : AbortSignal.any([o.signal, timeout.signal]);

  const pollServer = async (server: ServerAddress, report: ServerReport): Promise<void> => {
    let backoff = FIRST_BACKOFF_MS;
    for (;;) {
      report.polls++;
      report.lastPollAt = new Date(o.clock.now()).toISOString();
      try {
        const remaining = Math.max(1, deadline - o.clock.monotonicMs());
        const r = await query(server, { name: expected.fqdn, type }, { timeoutMs: Math.min(o.queryTimeoutMs ?? 2000, remaining), signal, recursionDesired: false });
        const rcode = rcodeOf(r.message.flags);
        const a = answersFor(r.message, expected.fqdn, type);
        report.answered = a.values.map((v) => canonicalValue(type, v));
        report.rcode = rcodeName(rcode);
        delete report.error;
        const target = a.cnameChain.at(-1);
        if (a.values.length === 0 && target !== undefined) report.cname = target;
        else delete report.cname;
        if (report.cname === undefined && isMatch(expected, canonicalExpected, report.answered, rcode)) {
          report.matched = true;
          report.matchedAfterMs = Math.round(o.clock.monotonicMs() - start);
          o.onProgress?.({ kind: 'matched', report });
          return;
        }
        if (report.cname !== undefined && o.locate !== undefined) return; // followed below
      } catch (e) {
        if (signal.aborted) {
          // Cut off by the deadline while waiting for this server's answer.
          if (timeout.signal.aborted && report.rcode === '') report.error = 'DNS_TIMEOUT';
          return;
        }
        report.error = e instanceof AppError ? e.code : 'INTERNAL';
      }
      o.onProgress?.({ kind: 'poll', report });
      const wait = Math.min(backoff, deadline - o.clock.monotonicMs());
      if (wait <= 0) return;
      try {
        await o.clock.sleep(wait, signal);
      } catch {
        return;
      }
      backoff = Math.min(backoff * BACKOFF_FACTOR, MAX_BACKOFF_MS);
    }
  };

  const timer = setTimeout(() => timeout.abort(), Math.max(0, deadline - o.clock.monotonicMs()));
  try {
    await Promise.all(o.servers.map((s, i) => pollServer(s, reports[i] as ServerReport)));
  } finally {
    clearTimeout(timer);
  }
  if (o.signal?.aborted === true) throw new AppError('ABORTED', { evidence: { name: expected.fqdn } });

  const cnames = [...new Set(reports.map((r) => r.cname).filter((c) => c !== undefined))];
  const target = cnames[0];
  if (target !== undefined && cnames.length === 1 && o.locate !== undefined && depth < MAX_CNAME_DEPTH && reports.every((r) => r.cname === target)) {
    o.onProgress?.({ kind: 'cname', from: expected.fqdn, to: target });
    const servers = await o.locate(target);
    const inner = await waitAt({ ...expected, fqdn: target }, { ...o, servers }, start, deadline, depth + 1);
    return { ...inner, fqdn: expected.fqdn, servers: [...reports, ...inner.servers] };
  }

  const report: PropagationReport = {
    fqdn: expected.fqdn,
    type: expected.type,
    expected: canonicalExpected,
    absent: expected.absent === true,
    servers: reports,
    elapsedMs: Math.round(o.clock.monotonicMs() - start),
  };
  const lagging = reports.filter((r) => !r.matched);
  if (lagging.length > 0) {
    throw new AppError('PROPAGATION_TIMEOUT', {
      retryable: true,
      evidence: {
        name: expected.fqdn,
        type: expected.type,
        expected: [...canonicalExpected],
        absent: expected.absent === true,
        timeoutMs: o.timeoutMs,
        lagging: lagging.map((r): EvidenceValue => ({
          server: r.server,
          answered: r.answered,
          rcode: r.rcode,
          ...(r.cname === undefined ? {} : { cname: r.cname }),
          ...(r.error === undefined ? {} : { error: r.error }),
          polls: r.polls,
        })),
        matched: reports.filter((r) => r.matched).map((r) => r.server),
      },
    });
  }
  return report;
}
