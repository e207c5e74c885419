/**
 * The HTTP access log (hono middleware): one debug line per request with
 * method, path (never the query string), matched route, status and
 * duration; a warning for 5xx answers. Headers, cookies, query strings and
 * bodies are never logged: they are where tokens, passwords and session
 * ids travel.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../daemon/log.ts';

export function accessLog(log: Logger, clock: Pick<Clock, 'monotonicMs'>): MiddlewareHandler {
  return async (c, next) => {
    const start = clock.monotonicMs();
    await next();
    const line = { event: 'http', method: c.req.method, path: c.req.path, route: c.req.routePath, status: c.res.status, ms: Math.round(clock.monotonicMs() - start) };
    if (c.res.status >= 500) log.warn(line);
    else log.debug(line);
  };
}
