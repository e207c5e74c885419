import { isIP } from 'node:net';
import { AppError } from '../core/errors.ts';
import type { ServerAddress } from './context.ts';

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/**
 * Parse "host", "host:port", "v6", "[v6]" or "[v6]:port". `path` names the
 * config setting in the error. Host names are kept as given; a name whose
 * last label is all digits is refused (no top-level domain is numeric, so it
 * is a mistyped IPv4 address). Throws CONFIG_INVALID `{ path, reason, value }`.
 */
export function parseServerAddress(text: string, defaultPort: number, path: string): ServerAddress {
  const t = text.trim();
  const bad = (reason: string): AppError => new AppError('CONFIG_INVALID', { evidence: { path, reason, value: text } });
  let host: string;
  let port = defaultPort;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket !== null) {
    host = bracket[1] as string;
    if (isIP(host) !== 6) throw bad('not an IPv6 address in brackets');
    if (bracket[2] !== undefined) port = Number(bracket[2]);
  } else if (isIP(t) === 6) {
    host = t;
  } else {
    const m = /^([^:\s]+)(?::(\d+))?$/.exec(t);
    if (m === null) throw bad('expected host[:port]');
    host = m[1] as string;
    if (m[2] !== undefined) port = Number(m[2]);
    // A name whose last label is all digits ("127.0.0.256", "5353") is a mistyped address, not a host name.
    if (isIP(host) === 0 && (!HOST_NAME.test(host) || /(^|\.)\d+\.?$/.test(host))) throw bad('not an IP address or host name');
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port out of range 1-65535');
  return { host, port };
}
