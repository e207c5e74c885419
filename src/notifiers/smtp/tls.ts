/**
 * Verified TLS for SMTP, over a new connection (implicit TLS, port 465) or
 * over the connection after STARTTLS. There is no way to skip verification.
 *
 * The handshake runs with Node's own checks reported rather than enforced
 * (`rejectUnauthorized: false`), and the socket is handed back only when
 * they passed (`authorized`: chain to the configured roots and host name),
 * or when the sole complaint is a validity period and the chain verifies at
 * the trusted time (src/http/tls-time.ts: a wrong system clock must not
 * stop mail). Nothing is written on the socket before that decision;
 * otherwise it is destroyed and the error is TLS_UNTRUSTED,
 * TLS_HOSTNAME_MISMATCH, TLS_CERT_EXPIRED, TLS_CERT_NOT_YET_VALID or
 * CLOCK_UNTRUSTED (evidence url `smtp://host:port`).
 */
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { TrustedClock } from '../../clock/clock.ts';
import { AppError } from '../../core/errors.ts';
import { discard } from '../../http/connect.ts';
import { acceptAtTrustedTime, peerChain, untrustedError, VALIDITY_ERRORS, type TlsTarget } from '../../http/tls-time.ts';

export interface SmtpTlsTarget {
  readonly host: string;
  readonly port: number;
  readonly caPem?: string;
  /** Upgrade this connection (STARTTLS); absent: connect anew. */
  readonly socket?: Socket;
}

/** Wait for the handshake; reject on error or abort (destroying the socket). */
function handshake(socket: TLSSocket, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off('secureConnect', onReady);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onError = (e: Error): void => {
      cleanup();
      discard(socket);
      reject(e);
    };
    const onAbort = (): void => {
      cleanup();
      discard(socket);
      reject(signal.reason as Error);
    };
    if (signal.aborted) return onAbort();
    socket.once('secureConnect', onReady);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function openVerifiedTls(t: SmtpTlsTarget, clock: TrustedClock, signal: AbortSignal): Promise<TLSSocket> {
  const target: TlsTarget = { url: `smtp://${t.host}:${t.port}`, host: t.host, ...(t.caPem === undefined ? {} : { caPem: t.caPem }) };
  let socket: TLSSocket;
  try {
    socket = tlsConnect({
      // `host` is also what the certificate must name (with `socket`, it is only that).
      ...(t.socket === undefined ? { host: t.host, port: t.port } : { socket: t.socket, host: t.host }),
      // SNI carries DNS names only (RFC 6066).
      ...(isIP(t.host) === 0 ? { servername: t.host } : {}),
      ...(t.caPem === undefined ? {} : { ca: t.caPem }),
      rejectUnauthorized: false,
    });
  } catch (e) {
    throw new AppError('CONFIG_INVALID', { evidence: { url: target.url, reason: 'the trusted CA bundle is not valid PEM certificates', error: (e as Error).message }, cause: e });
  }
  await handshake(socket, signal);
  if (socket.authorized) return socket;
  try {
    const reported = String(socket.authorizationError);
    const chain = peerChain(socket);
    if (!VALIDITY_ERRORS.has(reported)) throw untrustedError(target, chain, reported);
    acceptAtTrustedTime(chain, target, clock, reported);
    return socket;
  } catch (e) {
    discard(socket);
    throw e;
  }
}
