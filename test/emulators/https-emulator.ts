/**
 * What every vendor emulator shares: its own root and a server certificate
 * (IP 127.0.0.1 and the given DNS names), HTTPS on a free 127.0.0.1 port,
 * request counting per operation (every request, rejected and faulted
 * ones included), a count of error answers by kind, a log of answers, and
 * fault injection (faults.ts): a fault that matches a request answers it
 * instead of the emulator, which never sees that request.
 *
 * The emulator itself only classifies requests (operation name, write or
 * not), handles them, and says how its vendor answers (VendorShapes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DAY_MS, makeCert, makeRoot } from '../../src/http/testing/certs.ts';
import { startHttpsServer, type TestServer } from '../../src/http/testing/servers.ts';
import { serveFault, takeFault, type Fault, type FaultHost, type RateLimit, type VendorShapes } from './faults.ts';

export interface RequestLogEntry {
  readonly method: string;
  /** Path and query as requested. */
  readonly path: string;
  /** Status answered; 0 when the socket was reset or left hanging by a fault. */
  readonly status: number;
}

export interface HttpsEmulatorOptions {
  /** Common name of the emulator's own root. */
  readonly rootName: string;
  /** Common name of the server certificate. */
  readonly leafName: string;
  /** DNS names of the server certificate (IP 127.0.0.1 is always in it). */
  readonly dns: readonly string[];
  /** Server certificate validity, epoch ms (default: 400 days either side of now). */
  readonly notBefore?: number;
  readonly notAfter?: number;
  /** Send an HTTP Date header (default true). */
  readonly sendDate?: boolean;
  /** The operation a request is (its counter's name) and whether it writes. */
  readonly classify: (req: IncomingMessage, body: Buffer) => { readonly op: string; readonly write: boolean };
  readonly shapes: VendorShapes;
  /** The emulator proper: answers every request no fault answered. */
  readonly handle: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
}

export interface HttpsEmulatorBase extends FaultHost {
  readonly limit: RateLimit;
  readonly throttled: () => number;
  readonly port: number;
  /** https://127.0.0.1:<port> */
  readonly origin: string;
  /** PEM of the root that signed the server certificate. */
  readonly rootPem: string;
  /** Requests received per operation since the last reset. */
  readonly requests: Map<string, number>;
  /** Error answers per kind since the last reset (the emulator counts them with `failed`). */
  readonly errors: Map<string, number>;
  /** Every answer, in order (never cleared). */
  readonly log: RequestLogEntry[];
  // Function-valued fields, not methods: each emulator hands them on as its own.
  /** Requests of operation `op`, or all. */
  readonly count: (op?: string) => number;
  readonly writes: () => number;
  /** Count an error answer of kind `kind`. */
  readonly failed: (kind: string) => void;
  /** Clear the counters and any fault still queued. */
  readonly reset: () => void;
  readonly close: () => Promise<void>;
}

export async function startHttpsEmulator(o: HttpsEmulatorOptions): Promise<HttpsEmulatorBase> {
  const now = Date.now();
  const root = await makeRoot(o.rootName, now);
  const leaf = await makeCert({ name: o.leafName, issuer: root, notBefore: o.notBefore ?? now - 400 * DAY_MS, notAfter: o.notAfter ?? now + 400 * DAY_MS, dns: [...o.dns], ips: ['127.0.0.1'] });
  const requests = new Map<string, number>();
  const errors = new Map<string, number>();
  const log: RequestLogEntry[] = [];
  const faults: Fault[] = [];
  let writes = 0;
  const limit: RateLimit = {};
  let tokens: number | undefined;
  let lastRefill = performance.now();
  let throttled = 0;
  /** undefined: admitted; else seconds until a token is there. */
  const admit = (): number | undefined => {
    const rate = limit.perSecond;
    if (rate === undefined || rate <= 0) return undefined;
    const burst = limit.burst ?? rate;
    const at = performance.now();
    tokens = Math.min(burst, (tokens ?? burst) + ((at - lastRefill) / 1000) * rate);
    lastRefill = at;
    if (tokens >= 1) {
      tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - tokens) / rate));
  };

  const server: TestServer = await startHttpsServer(leaf.certPem, leaf.keyPem, (req, res, body) => {
    if (o.sendDate === false) res.sendDate = false;
    const { op, write } = o.classify(req, body);
    requests.set(op, (requests.get(op) ?? 0) + 1);
    if (write) writes++;
    const entry = (status: number): RequestLogEntry => ({ method: req.method ?? '', path: req.url ?? '', status });
    const fault = takeFault(faults, write);
    if (fault !== undefined) {
      log.push(entry(serveFault(fault, res, o.shapes, write)));
      return;
    }
    const wait = admit();
    if (wait !== undefined) {
      throttled++;
      log.push(entry(serveFault({ kind: 'status', status: 429, retryAfter: wait }, res, o.shapes, write)));
      return;
    }
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      log.push(entry(status));
      return writeHead(status, ...rest);
    }) as typeof res.writeHead;
    o.handle(req, res, body);
  });

  return {
    port: server.port,
    origin: `https://127.0.0.1:${server.port}`,
    rootPem: root.certPem,
    requests,
    errors,
    log,
    faults,
    limit,
    throttled: () => throttled,
    count: (op) => (op === undefined ? [...requests.values()].reduce((a, b) => a + b, 0) : (requests.get(op) ?? 0)),
    writes: () => writes,
    failed: (kind) => {
      errors.set(kind, (errors.get(kind) ?? 0) + 1);
    },
    reset: () => {
      requests.clear();
      errors.clear();
      faults.length = 0;
      writes = 0;
      throttled = 0;
    },
    close: () => server.close(),
  };
}

/** What every emulator hands on from its base unchanged (its own fields come on top). */
export function sharedFields(base: HttpsEmulatorBase): Pick<HttpsEmulatorBase, 'port' | 'rootPem' | 'requests' | 'errors' | 'faults' | 'limit' | 'throttled' | 'count' | 'writes' | 'reset' | 'close'> {
  return {
    port: base.port,
    rootPem: base.rootPem,
    requests: base.requests,
    errors: base.errors,
    faults: base.faults,
    limit: base.limit,
    throttled: base.throttled,
    count: base.count,
    writes: base.writes,
    reset: base.reset,
    close: base.close,
  };
}
