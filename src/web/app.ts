/**
 * The daemon's HTTP API (hono). Only /healthz, /readyz, first-run setup and
 * sign-in answer without authentication; every other path, unknown ones
 * included, is 401 without a session or API token (auth/middleware.ts).
 * Tested in-process with `app.request()`.
 */
import { Hono } from 'hono';
import type { Clock } from '../clock/clock.ts';
import { toAppError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { requireAuth, type AuthEnv } from './auth/middleware.ts';
import type { LoginThrottle } from './auth/throttle.ts';
import { errorResponse, webError } from './http-errors.ts';
import { openApiDocument } from './openapi.ts';
import { publicAuthRoutes, sessionRoutes } from './routes/auth.ts';
import { stateRoutes, type StateRouteDeps } from './routes/state.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { accessLog } from '../observability/access-log.ts';
import type { Logger } from '../daemon/log.ts';

export interface WebDeps extends StateRouteDeps {
  readonly store: Store;
  readonly clock: Clock & { readonly trusted: boolean };
  readonly throttle: LoginThrottle;
  setupToken(): string | undefined;
  setupDone?(): Promise<void>;
  readonly secureCookies: boolean;
  /** GET /metrics (Prometheus text), authenticated; absent: no such route. */
  readonly metrics?: () => Promise<string>;
  /** The access log (method, path, route, status; never headers, query or body); absent: none. */
  readonly log?: Logger;
}

export function createApp(d: WebDeps): Hono {
  const app = new Hono();
  if (d.log !== undefined) app.use('*', accessLog(d.log, d.clock));
  app.onError((e, c) => errorResponse(c, toAppError(e)));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const problems: string[] = [];
    try {
      await d.store.schemaVersion();
    } catch (e) {
      problems.push(`store: ${toAppError(e).code}`);
    }
    if (!d.clock.trusted) problems.push('clock: not trusted yet (no agreeing time source)');
    return c.json({ ready: problems.length === 0, problems }, problems.length === 0 ? 200 : 503);
  });
  app.route('/', publicAuthRoutes(d));

  const authed = new Hono<AuthEnv>();
  authed.use('*', requireAuth(d.store, d.clock));
  authed.route('/', sessionRoutes(d));
  authed.route('/', stateRoutes(d));
  if (d.metrics !== undefined) authed.route('/', metricsRoutes({ metrics: d.metrics }));
  authed.get('/openapi.json', (c) => c.json(openApiDocument(d.version)));
  authed.all('*', (c) => errorResponse(c, webError('WEB_NOT_FOUND', { path: c.req.path })));
  app.route('/', authed);
  return app;
}
