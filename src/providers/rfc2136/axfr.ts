/**
 * Zone transfer (AXFR over TCP), TSIG-signed when a key is given, with every
 * signed message of the stream verified (RFC 8945 5.3.1). Returns the zone's
 * records without the closing SOA.
 */
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { AppError } from '../../core/errors.ts';
import type { TrustedClock } from '../../clock/clock.ts';
import { formatServer, type ServerAddress } from '../../dns/context.ts';
import { CLASS, RCODE, TYPE, decodeMessage, encodeMessage, makeFlags, rcodeOf, type ResourceRecord } from '../../dns/wire.ts';
import { TSIG_ERROR, signMessage, verifyContinuation, verifyResponse, type TsigKey } from '../../signing/tsig.ts';
import { tsigFailure, updateFailure } from './errors.ts';
import { DEFAULT_FUDGE } from './client.ts';

export interface AxfrOptions {
  readonly server: ServerAddress;
  readonly key?: TsigKey;
  readonly clock: TrustedClock;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Read length-prefixed DNS messages from a TCP stream until `done` says stop. */
function readStream(o: AxfrOptions, request: Buffer, onMessage: (msg: Buffer) => boolean): Promise<void> {
  const where = { server: formatServer(o.server), transport: 'tcp' };
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host: o.server.host, port: o.server.port });
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err === undefined) resolve();
      else reject(err instanceof Error ? err : new Error('zone transfer failed'));
    };
    const onAbort = (): void => finish(new AppError('ABORTED', { evidence: where }));
    const timer = setTimeout(() => finish(new AppError('DNS_TIMEOUT', { evidence: where, retryable: true })), o.timeoutMs);
    if (o.signal?.aborted === true) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (e) => finish(new AppError('DNS_NETWORK', { evidence: { ...where, error: e.message }, retryable: true })));
    socket.on('end', () => finish(new AppError('DNS_MALFORMED', { evidence: { ...where, reason: 'transfer ended early' } })));
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(request.length);
      socket.write(Buffer.concat([len, request]));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      try {
        while (buffered.length >= 2) {
          const n = buffered.readUInt16BE(0);
          if (buffered.length < 2 + n) break;
          const msg = buffered.subarray(2, 2 + n);
          buffered = buffered.subarray(2 + n);
          if (onMessage(Buffer.from(msg))) return finish();
        }
      } catch (e) {
        finish(e);
      }
    });
  });
}

export async function axfr(zone: string, o: AxfrOptions): Promise<ResourceRecord[]> {
  const unsigned = encodeMessage({
    id: randomInt(0, 0x10000),
    flags: makeFlags({}),
    questions: [{ name: zone, type: 252, class: CLASS.IN }],
    answers: [],
    authorities: [],
    additionals: [],
  });
  const signed = o.key === undefined ? undefined : signMessage(unsigned, o.key, { timeSigned: Math.floor(o.clock.now() / 1000), fudge: DEFAULT_FUDGE });
  const evidence = { server: formatServer(o.server), zone, key: o.key?.name ?? null };
  const records: ResourceRecord[] = [];
  let soaCount = 0;
  let first = true;
  let lastMac: Uint8Array = signed?.mac ?? new Uint8Array();
  let unsignedSince: Buffer[] = [];
  await readStream(o, signed?.wire ?? unsigned, (msg) => {
    const decoded = decodeMessage(msg);
    const rcode = rcodeOf(decoded.flags);
    if (o.key !== undefined) {
      const v = first ? verifyResponse(msg, decoded, o.key, lastMac) : verifyContinuation(lastMac, unsignedSince, msg, decoded, o.key);
      if (v.status === 'no-mac') throw tsigFailure(v.tsig.error, evidence);
      if (v.status === 'bad-mac') throw new AppError('TSIG_RESPONSE_INVALID', { evidence });
      if (v.status === 'unsigned') {
        if (first) throw rcode !== RCODE.NOERROR ? updateFailure(rcode, evidence) : new AppError('TSIG_RESPONSE_UNSIGNED', { evidence });
        unsignedSince.push(msg);
      } else {
        if (v.tsig.error !== TSIG_ERROR.NOERROR) throw tsigFailure(v.tsig.error, evidence);
        lastMac = v.tsig.mac;
        unsignedSince = [];
      }
    }
    first = false;
    if (rcode !== RCODE.NOERROR) throw updateFailure(rcode, evidence);
    for (const rr of decoded.answers) {
      if (rr.type === TYPE.SOA) soaCount++;
      if (soaCount === 2 && rr.type === TYPE.SOA) return true;
      records.push(rr);
    }
    return false;
  });
  return records;
}
