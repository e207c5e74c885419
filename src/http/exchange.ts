/**
 * One HTTP/1.1 request and response on an already opened (and, for TLS,
 * already verified) socket, with node:http's parser. The socket is used for
 * this exchange only and destroyed at the end (`connection: close`).
 *
 * Resolves with the status, raw headers, the whole body (at most
 * `maxBytes`, else HTTP_RESPONSE_TOO_LARGE) and the monotonic and system
 * instants at which the request was sent and the response head arrived (for
 * the Date sample). Rejects with HTTP_CONNECTION when the connection fails
 * mid-way, or with the signal's reason when `signal` aborts.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Clock } from '../clock/clock.ts';
import { AppError } from '../core/errors.ts';
import { connectionError, discard } from './connect.ts';

export interface ExchangeInput {
  readonly method: string;
  /** Path and query, e.g. "/v1/zones?page=2". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** For evidence. */
  readonly url: string;
  readonly host: string;
  readonly secrets?: readonly string[];
}

export interface ExchangeResult {
  readonly status: number;
  /** Alternating names and values, as received. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sentSystemMs: number;
  readonly sentMono: number;
  readonly recvMono: number;
}

function tooLarge(x: ExchangeInput): AppError {
  return new AppError('HTTP_RESPONSE_TOO_LARGE', { evidence: { url: x.url, host: x.host, limitBytes: x.maxBytes }, secrets: x.secrets ?? [] });
}

export function exchange(socket: Socket, x: ExchangeInput, system: Clock): Promise<ExchangeResult> {
  return new Promise<ExchangeResult>((resolve, reject) => {
    let settled = false;
    let sentSystemMs = 0;
    let sentMono = 0;
    let recvMono = 0;
    const finish = (err: unknown, result?: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      x.signal.removeEventListener('abort', onAbort);
      req.destroy();
      discard(socket);
      if (result !== undefined) resolve(result);
      else reject(err);
    };
    const onAbort = (): void => finish(x.signal.reason);
    const headers: Record<string, string> = { ...x.headers };
    if (x.body !== undefined) headers['content-length'] = String(x.body.byteLength);
    const req = httpRequest({ method: x.method, path: x.path, headers, setHost: false, createConnection: () => socket });
    req.on('error', (e) => finish(connectionError(x, e)));
    req.on('response', (res: IncomingMessage) => {
      recvMono = system.monotonicMs();
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > x.maxBytes) {
        finish(tooLarge(x));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > x.maxBytes) finish(tooLarge(x));
        else chunks.push(chunk);
      });
      res.on('error', (e) => finish(connectionError(x, e)));
      res.on('close', () => {
        if (!res.complete) finish(connectionError(x, Object.assign(new Error('response cut short'), { code: 'ECONNRESET' })));
      });
      res.on('end', () => {
        finish(undefined, { status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), sentSystemMs, sentMono, recvMono });
      });
    });
    if (x.signal.aborted) {
      onAbort();
      return;
    }
    x.signal.addEventListener('abort', onAbort, { once: true });
    sentSystemMs = system.now();
    sentMono = system.monotonicMs();
    if (x.body === undefined) req.end();
    else req.end(x.body);
  });
}
