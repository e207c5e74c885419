/**
 * GET /metrics: the Prometheus text exposition (format 0.0.4), behind
 * requireAuth like every route. Prometheus scrapes it with an API token
 * (`authorization: { type: Bearer, credentials: zkt_… }`, see README).
 */
import { Hono } from 'hono';
import { PROMETHEUS_CONTENT_TYPE } from '../../observability/exposition.ts';
import type { AuthEnv } from '../auth/middleware.ts';

export interface MetricsRouteDeps {
  /** The exposition text (read at every scrape). */
  metrics(): Promise<string>;
}

export function metricsRoutes(d: MetricsRouteDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get('/metrics', async (c) => c.body(await d.metrics(), 200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }));
  return app;
}
