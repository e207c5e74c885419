import { isIP } from 'node:net';
import { AppError } from '../core/errors.ts';
import type { ServerAddress } from './context.ts';

/**
 * Parse "host", "host:port", "v6", "[v6]" or "[v6]:port". `path` names the
 * config setting in the error. Host names are kept as given.
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
    if (isIP(host) === 0 && !/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i.test(host))
      throw bad('not an IP address or host name');
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port out of range 1-65535');
  return { host, port };
}
