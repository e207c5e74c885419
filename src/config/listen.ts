/** The `listen` setting: where the daemon's HTTP API listens. */
import { isIP } from 'node:net';
import { AppError } from '../core/errors.ts';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export const DEFAULT_LISTEN_HOST = '127.0.0.1';
export const DEFAULT_LISTEN_PORT = 9876;

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const FORM = /^(?:\[([^\]]+)\]|([^:[\]\s]*))(?::(\d{1,5}))?$/;

/**
 * "host:port", "[v6]:port", ":port" (host 127.0.0.1) or "host" (port 9876);
 * the host an IP address or a host name; port 0 lets the system pick one.
 * CONFIG_INVALID naming `path` otherwise.
 */
export function parseListenAddress(text: string, path: string): ListenAddress {
  const bad = (reason: string): AppError => new AppError('CONFIG_INVALID', { evidence: { path, reason, value: text } });
  const m = FORM.exec(text.trim());
  if (m === null) throw bad('expected host:port, [IPv6]:port or :port');
  const host = m[1] ?? (m[2] === '' || m[2] === undefined ? DEFAULT_LISTEN_HOST : m[2]);
  if (m[1] !== undefined && isIP(host) !== 6) throw bad('not an IPv6 address in brackets');
  // A name whose last label is all digits ("127.0.0.256") is a mistyped address.
  if (m[1] === undefined && isIP(host) === 0 && (!HOST_NAME.test(host) || /(^|\.)\d+$/.test(host))) throw bad('not an IP address or host name');
  const port = m[3] === undefined ? DEFAULT_LISTEN_PORT : Number(m[3]);
  if (port > 65535) throw bad('port out of range 0-65535');
  return { host, port };
}
