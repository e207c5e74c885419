/**
 * One DNS exchange over TCP (RFC 1035 §4.2.2, RFC 7766): the request goes
 * out with a two-byte length prefix; the response is reassembled from as
 * many reads as it takes. A response whose ID or question does not match,
 * or a connection closed mid-message, is DNS_MALFORMED; a connection closed
 * before any byte is DNS_NETWORK. The socket is always destroyed.
 */
import { connect } from 'node:net';
import { decodeMessage, type DecodedMessage } from './wire.ts';
import { abortedError, malformedError, networkError, responseMatches, timeoutError, type Expectation, type Where } from './exchange-match.ts';
import type { RawResult } from './transport-udp.ts';

export interface TcpParams {
  readonly host: string;
  readonly port: number;
  readonly where: Where;
  readonly request: Uint8Array;
  readonly expect: Expectation;
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}

export function tcpExchange(p: TcpParams): Promise<RawResult> {
  return new Promise<RawResult>((resolve, reject) => {
    if (p.signal?.aborted === true) {
      reject(abortedError(p.where, p.signal));
      return;
    }
    const socket = connect({ host: p.host, port: p.port });
    socket.setNoDelay(true);
    let done = false;
    let sentAt = performance.now();
    let buffered: Buffer = Buffer.alloc(0);
    let timer: ReturnType<typeof setTimeout> | undefined;

    const finish = (err: unknown, result?: RawResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      p.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (result !== undefined) resolve(result);
      else reject(err);
    };
    const onAbort = (): void => finish(abortedError(p.where, p.signal as AbortSignal));
    p.signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => finish(timeoutError(p.where)), Math.max(0, p.deadline - performance.now()));

    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(p.request.length);
      sentAt = performance.now();
      socket.write(Buffer.concat([len, p.request]));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      if (buffered.length < 2) return;
      const len = buffered.readUInt16BE(0);
      if (buffered.length < 2 + len) return;
      const response = Buffer.from(buffered.subarray(2, 2 + len));
      let message: DecodedMessage;
      try {
        message = decodeMessage(response);
      } catch (e) {
        finish(malformedError(p.where, 'undecodable response', e));
        return;
      }
      if (!responseMatches(message, p.expect)) {
        finish(malformedError(p.where, 'response does not match the request'));
        return;
      }
      finish(undefined, { response, message, rttMs: performance.now() - sentAt });
    });
    socket.on('error', (e) => finish(networkError(p.where, e)));
    socket.on('close', () => {
      if (buffered.length === 0) finish(networkError(p.where, { code: 'ECONNRESET' }, { reason: 'connection closed without a response' }));
      else finish(malformedError(p.where, 'connection closed mid-response'));
    });
  });
}
