/**
 * A plain-HTTP reverse proxy on a free 127.0.0.1 port that forwards every
 * request to `upstream` unchanged (method, path, headers, body) and counts
 * them, for servers that keep no request count of their own (PowerDNS).
 * The answer is passed back as it came, status and headers included.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { startHttpServer, type TestServer } from '../../src/http/testing/servers.ts';

export interface HttpCountProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Requests forwarded since the last reset, all or with this method. */
  count(method?: string): number;
  /** Answers since the last reset with this status. */
  statusCount(status: number): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startHttpCountProxy(upstream: string): Promise<HttpCountProxy> {
  const target = new URL(upstream);
  const methods = new Map<string, number>();
  const statuses = new Map<number, number>();
  const server: TestServer = await startHttpServer((req, res, body) => {
    const method = req.method ?? 'GET';
    methods.set(method, (methods.get(method) ?? 0) + 1);
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    const out = httpRequest({ host: target.hostname, port: target.port, method, path: req.url, headers }, (up) => {
      const status = up.statusCode ?? 502;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      res.writeHead(status, up.headers);
      up.pipe(res);
    });
    out.on('error', (e) => {
      statuses.set(502, (statuses.get(502) ?? 0) + 1);
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    out.end(body);
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    count: (method) => (method === undefined ? [...methods.values()].reduce((a, b) => a + b, 0) : (methods.get(method.toUpperCase()) ?? 0)),
    statusCount: (status) => statuses.get(status) ?? 0,
    reset: () => {
      methods.clear();
      statuses.clear();
    },
    close: () => server.close(),
  };
}
