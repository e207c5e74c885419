/**
 * The URL a container health check asks: the daemon's `/healthz` at the
 * address ZONEKEEPER_LISTEN names (`host:port`, `[v6]:port`), default
 * 127.0.0.1:9876. A wildcard address (0.0.0.0, ::, empty host) is asked on
 * loopback of the same family.
 */
export const DEFAULT_LISTEN = '127.0.0.1:9876';

/** Throws RangeError for a value that is not `host:port` with a port 1–65535. */
export function healthzUrl(listen: string | undefined): string {
  const value = listen === undefined || listen.trim() === '' ? DEFAULT_LISTEN : listen.trim();
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = Number(m?.[3]);
  if (m === null || !(port >= 1 && port <= 65535)) throw new RangeError(`ZONEKEEPER_LISTEN must be host:port or [ipv6]:port, not ${JSON.stringify(value)}`);
  const v6 = m[1];
  if (v6 !== undefined) return `http://[${v6 === '::' || v6 === '' ? '::1' : v6}]:${port}/healthz`;
  const host = m[2] ?? '';
  return `http://${host === '' || host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/healthz`;
}
