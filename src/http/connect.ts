/**
 * Opening the connection of one HTTP attempt: TCP for http:, verified TLS
 * for https:. Nothing is written on a socket before it is returned, so a
 * peer that fails verification never sees a request byte.
 *
 * TLS, per connection (no shared agent, trust passed with each connect):
 * 1. Connect with `rejectUnauthorized: true` and the request's roots
 *    (`ca`, or Node's defaults): OpenSSL verifies the chain at the system
 *    time, Node checks the host name.
 * 2. If that fails with a certificate verification error, connect again
 *    with `rejectUnauthorized: false` to see the certificates (Node gives no
 *    access to them after a rejected handshake). That inspection socket is
 *    returned only if (a) OpenSSL and Node accept it after all, or (b)
 *    OpenSSL's complaint is validity and tls-time.ts accepts the chain at
 *    the trusted time. Otherwise it is destroyed and a typed error thrown
 *    (TLS_UNTRUSTED with the subject and issuer, TLS_HOSTNAME_MISMATCH,
 *    TLS_CERT_EXPIRED, TLS_CERT_NOT_YET_VALID, CLOCK_UNTRUSTED).
 *
 * Network failures reject with HTTP_CONNECTION (evidence: url, host, error
 * code); when `signal` aborts, the promise rejects with the signal's reason
 * and the socket is destroyed.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { LookupFunction } from 'node:net';
import type { TrustedClock } from '../clock/clock.ts';
import { AppError } from '../core/errors.ts';
import { acceptAtTrustedTime, peerChain, untrustedError, VALIDITY_ERRORS, type TlsTarget } from './tls-time.ts';
import { normalizeHost } from './verify-chain.ts';

/** Certificate verification results as Node reports them (OpenSSL X509_V_ERR_* names, and Node's host check). */
const VERIFY_ERRORS: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'UNSPECIFIED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface ConnectTarget extends TlsTarget {
  readonly protocol: 'http:' | 'https:';
  readonly port: number;
  readonly lookup?: LookupFunction;
  readonly signal: AbortSignal;
  /** Connect over this IP family only (HttpRequest.family). */
  readonly family?: 4 | 6;
  /** Bind the socket to this local address (HttpRequest.localAddress). */
  readonly localAddress?: string;
}

function codeOf(e: unknown): string {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : e instanceof Error ? e.message : String(e);
}

export function connectionError(t: { url: string; host: string; secrets?: readonly string[] }, e: unknown): AppError {
  const error = codeOf(e);
  return new AppError('HTTP_CONNECTION', {
    evidence: { url: t.url, host: t.host, error },
    retryable: error !== 'ENOTFOUND' && error !== 'EAFNOSUPPORT',
    cause: e,
    secrets: t.secrets ?? [],
  });
}

/** Destroy a socket we are done with; a late error event from it must not go unhandled. */
export function discard(socket: Socket): void {
  socket.on('error', () => {});
  socket.destroy();
}

/** Resolve once `socket` emits `readyEvent`; reject on its error or on abort (destroying it either way). */
function whenReady<S extends Socket>(socket: S, readyEvent: string, signal: AbortSignal): Promise<S> {
  return new Promise<S>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off(readyEvent, onReady);
      socket.off('error', onError);
      signal.removeEventListener('abort', onAbort);
    };
    const onReady = (): void => {
      cleanup();
      resolve(socket);
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
    if (signal.aborted) {
      onAbort();
      return;
    }
    socket.once(readyEvent, onReady);
    socket.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function tlsOptions(t: ConnectTarget, rejectUnauthorized: boolean): ConnectionOptions {
  const host = normalizeHost(t.host);
  return {
    host,
    port: t.port,
    // SNI carries DNS names only (RFC 6066).
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(t.caPem === undefined ? {} : { ca: t.caPem }),
    ...(t.lookup === undefined ? {} : { lookup: t.lookup }),
    ...socketFamily(t),
    rejectUnauthorized,
    ALPNProtocols: ['http/1.1'],
  };
}

/** The family and local address options of net/tls connect, when the request sets them. */
function socketFamily(t: ConnectTarget): { family?: 4 | 6; localAddress?: string } {
  return { ...(t.family === undefined ? {} : { family: t.family }), ...(t.localAddress === undefined ? {} : { localAddress: t.localAddress }) };
}

/** tls.connect, turning a bad `ca` bundle (thrown synchronously) into CONFIG_INVALID. */
function startTls(t: ConnectTarget, rejectUnauthorized: boolean): TLSSocket {
  try {
    return tlsConnect(tlsOptions(t, rejectUnauthorized));
  } catch (e) {
    throw new AppError('CONFIG_INVALID', { evidence: { url: t.url, reason: 'the trusted CA bundle is not valid PEM certificates', error: codeOf(e) }, cause: e });
  }
}

/** The inspection connection of step 2: returned only when acceptable. */
async function inspect(t: ConnectTarget, clock: TrustedClock, firstError: string): Promise<TLSSocket> {
  let socket: TLSSocket;
  try {
    socket = await whenReady(startTls(t, false), 'secureConnect', t.signal);
  } catch (e) {
    if (t.signal.aborted) throw e;
    // The peer cannot be inspected: report what the verified handshake said.
    throw untrustedError(t, [], firstError);
  }
  try {
    if (socket.authorized) return socket;
    const chain = peerChain(socket);
    const reported = String(socket.authorizationError);
    if (!VALIDITY_ERRORS.has(reported)) throw untrustedError(t, chain, reported);
    acceptAtTrustedTime(chain, t, clock, reported);
    return socket;
  } catch (e) {
    discard(socket);
    throw e;
  }
}

/** Open the attempt's connection; see the module comment. */
export async function openConnection(t: ConnectTarget, clock: TrustedClock): Promise<Socket> {
  const literal = isIP(normalizeHost(t.host));
  if (t.family !== undefined && literal !== 0 && literal !== t.family) throw connectionError(t, Object.assign(new Error('address family mismatch'), { code: 'EAFNOSUPPORT' }));
  if (t.protocol === 'http:') {
    const host = normalizeHost(t.host);
    try {
      return await whenReady(netConnect({ host, port: t.port, ...(t.lookup === undefined ? {} : { lookup: t.lookup }), ...socketFamily(t) }), 'connect', t.signal);
    } catch (e) {
      if (t.signal.aborted) throw e;
      throw connectionError(t, e);
    }
  }
  try {
    return await whenReady(startTls(t, true), 'secureConnect', t.signal);
  } catch (e) {
    if (t.signal.aborted || e instanceof AppError) throw e;
    const code = codeOf(e);
    if (!VERIFY_ERRORS.has(code)) throw connectionError(t, e);
    return await inspect(t, clock, code);
  }
}
