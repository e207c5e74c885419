/**
 * A plain-HTTP reverse proxy with fault injection (faults.ts), on a free
 * 127.0.0.1 port, for real servers that have no fault hook of their own
 * (PowerDNS): every request is forwarded to `upstream` unchanged (method,
 * path, headers, body) and its answer passed back as it came, unless a
 * queued fault matches it; then the fault answers and the upstream never
 * sees the request (a write is not applied). A request whose method is not
 * GET, HEAD or OPTIONS counts as a write.
 *
 * `shapes` says how the upstream's own answers look (what 'truncated-json'
 * cuts); throttling and 5xx answers are those of a rate-limiting proxy in
 * front of it (nginx's HTML pages, Retry-After when the test asks).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { startHttpServer, type TestServer } from '../../src/http/testing/servers.ts';
import { serveFault, takeFault, type Fault, type FaultHost, type VendorAnswer } from './faults.ts';

export interface FaultProxy extends FaultHost {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Clears the counters and any queued fault. */
  reset(): void;
  close(): Promise<void>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `ok`: a representative success answer of the upstream's API. */
export async function startFaultProxy(upstream: string, ok: VendorAnswer): Promise<FaultProxy> {
  const target = new URL(upstream);
  const faults: Fault[] = [];
  let total = 0;
  let writes = 0;
  const shapes = {
    ok: (): VendorAnswer => ok,
    busy: (status: number, retryAfter: number | undefined): VendorAnswer => ({
      status,
      headers: { 'content-type': 'text/html', ...(retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) }) },
      body: `<html>\r\n<head><title>${status} ${status === 429 ? 'Too Many Requests' : 'Service Temporarily Unavailable'}</title></head>\r\n<body>\r\n<center><h1>${status}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    }),
  };
  const server: TestServer = await startHttpServer((req, res, body) => {
    const method = req.method ?? 'GET';
    const write = !READS.has(method);
    total++;
    if (write) writes++;
    const fault = takeFault(faults, write);
    if (fault !== undefined) {
      serveFault(fault, res, shapes, write);
      return;
    }
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    const out = httpRequest({ host: target.hostname, port: target.port, method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (e) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${e.message}`);
    });
    out.end(body);
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    faults,
    count: () => total,
    writes: () => writes,
    reset: () => {
      total = 0;
      writes = 0;
      faults.length = 0;
    },
    close: () => server.close(),
  };
}
