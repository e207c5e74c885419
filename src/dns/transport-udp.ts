/**
 * One DNS exchange over UDP. A fresh socket per exchange, connected to the
 * server (so the kernel drops datagrams from anyone else and reports ICMP
 * port unreachable as ECONNREFUSED); every datagram is still checked for the
 * server's address and port, the request's ID and question. Anything else is
 * ignored. The request is retransmitted (same bytes, same ID) until
 * `attempts` sends are used up, spreading the time left evenly; a late
 * answer to an earlier send is accepted. The socket is always closed.
 */
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { decodeMessage, type DecodedMessage } from './wire.ts';
import {
  abortedError,
  idOf,
  malformedError,
  networkError,
  responseMatches,
  sameAddress,
  timeoutError,
  type Expectation,
  type Where,
} from './exchange-match.ts';

export interface RawResult {
  readonly response: Buffer;
  readonly message: DecodedMessage;
  readonly rttMs: number;
}

export interface UdpParams {
  readonly host: string;
  readonly port: number;
  readonly where: Where;
  readonly request: Uint8Array;
  readonly expect: Expectation;
  /** performance.now() value by which the exchange gives up. */
  readonly deadline: number;
  readonly attempts: number;
  readonly signal?: AbortSignal | undefined;
}

export function udpExchange(p: UdpParams): Promise<RawResult> {
  return new Promise<RawResult>((resolve, reject) => {
    if (p.signal?.aborted === true) {
      reject(abortedError(p.where, p.signal));
      return;
    }
    const socket = createSocket(isIPv6(p.host) ? 'udp6' : 'udp4');
    let timer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    let sent = 0;
    let sentAt = 0;
    /** A datagram with our ID that did not decode: reported if nothing better arrives. */
    let garbled: unknown;

    const finish = (err: unknown, result?: RawResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.signal?.removeEventListener('abort', onAbort);
      socket.close();
      if (result !== undefined) resolve(result);
      else reject(err);
    };
    const onAbort = (): void => finish(abortedError(p.where, p.signal as AbortSignal));
    p.signal?.addEventListener('abort', onAbort, { once: true });

    socket.on('error', (e) => finish(networkError(p.where, e)));
    socket.on('message', (msg, rinfo) => {
      if (rinfo.port !== p.port || !sameAddress(rinfo.address, p.host)) return;
      let message: DecodedMessage;
      try {
        message = decodeMessage(msg);
      } catch (e) {
        if (idOf(msg) === p.expect.id) garbled = e;
        return;
      }
      if (!responseMatches(message, p.expect)) return;
      finish(undefined, { response: Buffer.from(msg), message, rttMs: performance.now() - sentAt });
    });

    const send = (): void => {
      sent++;
      sentAt = performance.now();
      socket.send(p.request, (e) => {
        if (e !== null && e !== undefined) finish(networkError(p.where, e));
      });
      const left = p.attempts - sent;
      const wait = Math.max(0, (p.deadline - sentAt) / (left + 1));
      timer = setTimeout(() => {
        if (sent < p.attempts) send();
        else
          finish(
            garbled !== undefined
              ? malformedError(p.where, 'undecodable response', garbled)
              : timeoutError(p.where, { attempts: sent }),
          );
      }, wait);
    };
    socket.connect(p.port, p.host, () => {
      if (!done) send();
    });
  });
}
