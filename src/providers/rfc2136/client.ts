/**
 * RFC 2136 UPDATE and zone transfer, signed with TSIG, against one primary.
 *
 * Clock handling: Time Signed comes from the trusted clock. Every verified
 * response feeds the clock an authenticated sample (its Time Signed is the
 * server's clock). On BADTIME the answer is verified with our request MAC,
 * the server time is taken from Other Data, the clock is corrected, and the
 * update is re-signed and sent once more. BADSIG / BADKEY / REFUSED /
 * NOTAUTH are never retried.
 */
import { randomInt } from 'node:crypto';
import { AppError } from '../../core/errors.ts';
import type { TrustedClock } from '../../clock/clock.ts';
import { formatServer, type ServerAddress } from '../../dns/context.ts';
import { exchange } from '../../dns/transport.ts';
import { CLASS, OPCODE, RCODE, TYPE, encodeMessage, makeFlags, rcodeOf, type ResourceRecord } from '../../dns/wire.ts';
import { TSIG_ERROR, signMessage, verifyResponse, type TsigKey } from '../../signing/tsig.ts';
import { rcodeName, tsigFailure, updateFailure } from './errors.ts';

export const DEFAULT_FUDGE = 300;

export interface Rfc2136ClientOptions {
  readonly server: ServerAddress;
  readonly key?: TsigKey;
  readonly clock: TrustedClock;
  readonly timeoutMs: number;
  readonly fudge?: number;
}

export interface UpdateOutcome {
  /** UPDATE messages sent (1, or 2 after a BADTIME correction). */
  readonly attempts: number;
  /** Server clock (epoch seconds) from the last verified response. */
  readonly serverTime?: number;
}

interface Exchanged {
  readonly rcode: number;
  readonly tsigError: number;
  readonly serverTime?: number;
}

export class Rfc2136Client {
  readonly #o: Rfc2136ClientOptions;

  constructor(options: Rfc2136ClientOptions) {
    this.#o = options;
  }

  get server(): ServerAddress {
    return this.#o.server;
  }

  /** Send one UPDATE for `zone` with the given update-section records. */
  async update(zone: string, updates: readonly ResourceRecord[], signal?: AbortSignal): Promise<UpdateOutcome> {
    const first = await this.#send(zone, updates, signal);
    if (first.tsigError !== TSIG_ERROR.BADTIME) return this.#finish(zone, first, 1);
    // The clock has been fed the authenticated server time: re-sign once.
    const second = await this.#send(zone, updates, signal);
    if (second.tsigError === TSIG_ERROR.BADTIME) {
      throw new AppError('TSIG_BADTIME', {
        evidence: {
          server: formatServer(this.#o.server),
          zone,
          key: this.#o.key?.name ?? null,
          serverTime: second.serverTime ?? null,
          attempts: 2,
        },
      });
    }
    return this.#finish(zone, second, 2);
  }

  #finish(zone: string, r: Exchanged, attempts: number): UpdateOutcome {
    if (r.rcode !== RCODE.NOERROR) throw updateFailure(r.rcode, this.#evidence(zone));
    return r.serverTime === undefined ? { attempts } : { attempts, serverTime: r.serverTime };
  }

  #evidence(zone: string): Record<string, string | number | null> {
    return {
      server: formatServer(this.#o.server),
      zone,
      key: this.#o.key?.name ?? null,
      algorithm: this.#o.key?.algorithm ?? null,
    };
  }

  async #send(zone: string, updates: readonly ResourceRecord[], signal?: AbortSignal): Promise<Exchanged> {
    const unsigned = encodeMessage({
      id: randomInt(0, 0x10000),
      flags: makeFlags({ opcode: OPCODE.UPDATE }),
      questions: [{ name: zone, type: TYPE.SOA, class: CLASS.IN }],
      answers: [],
      authorities: updates,
      additionals: [],
    });
    const { clock, key } = this.#o;
    const fudge = this.#o.fudge ?? DEFAULT_FUDGE;
    const signed = key === undefined ? undefined : signMessage(unsigned, key, { timeSigned: Math.floor(clock.now() / 1000), fudge });
    const wire = signed?.wire ?? unsigned;
    const sentSystem = clock.system.now();
    const sentMono = clock.system.monotonicMs();
    // Over TCP: reliable, so an UPDATE is never retransmitted (and never applied or counted twice).
    const reply = await exchange(this.#o.server, wire, {
      timeoutMs: this.#o.timeoutMs,
      tcp: true,
      ...(signal === undefined ? {} : { signal }),
    });
    const recvMono = clock.system.monotonicMs();
    const rcode = rcodeOf(reply.message.flags);
    if (key === undefined || signed === undefined) return { rcode, tsigError: 0 };
    const v = verifyResponse(reply.response, reply.message, key, signed.mac);
    const evidence = { ...this.#evidence(zone), rcode: rcodeName(rcode) };
    switch (v.status) {
      case 'verified': {
        const delay = recvMono - sentMono;
        clock.addSample({
          source: `tsig:${formatServer(this.#o.server)}`,
          kind: 'authenticated',
          // Time Signed has one-second resolution: the true time lies in [t, t+1).
          serverMs: v.serverTime * 1000 + 500,
          systemMs: sentSystem + delay / 2,
          monoMs: sentMono + delay / 2,
          delayMs: delay,
          uncertaintyMs: delay / 2 + 500,
        });
        if (v.tsig.error !== TSIG_ERROR.NOERROR && v.tsig.error !== TSIG_ERROR.BADTIME) throw tsigFailure(v.tsig.error, evidence);
        return { rcode, tsigError: v.tsig.error, serverTime: v.serverTime };
      }
      case 'no-mac':
        throw tsigFailure(v.tsig.error, evidence);
      case 'bad-mac':
        throw new AppError('TSIG_RESPONSE_INVALID', { evidence });
      case 'unsigned':
        // An unsigned failure is still a failure; an unsigned success cannot be trusted.
        if (rcode !== RCODE.NOERROR) throw updateFailure(rcode, evidence);
        throw new AppError('TSIG_RESPONSE_UNSIGNED', { evidence });
    }
  }
}
