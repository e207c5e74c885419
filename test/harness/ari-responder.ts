/**
 * ACME Renewal Information (RFC 9773) in front of Pebble 2.4.0, which has
 * none: an in-process HTTPS reverse proxy on a free 127.0.0.1 port that
 * serves the test CA's localhost certificate and forwards everything to
 * Pebble, except that it
 *   - adds `"renewalInfo": "<proxy>/renewal-info"` to the directory;
 *   - answers `GET /renewal-info/<certID>` with the window a test set for
 *     that certID (`setWindow`), else a default (see `AriProxyOptions`),
 *     else 404; always with a `Retry-After` header;
 *   - records the payload of every newOrder it forwards (`orders`), so a
 *     test can assert the `replaces` field.
 *
 * The client's Host header is passed to Pebble unchanged: Pebble builds
 * every URL it returns from it and checks each JWS `url` against it, so
 * signed requests to proxy URLs verify. Any Pebble-origin URL that still
 * appears in a body, `Location` or `Link` is rewritten to the proxy origin.
 *
 * Pebble 2.4.0 ignores an unknown `replaces` member in newOrder (201, order
 * created as usual), so the proxy forwards request bodies untouched.
 */
import 'reflect-metadata';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthorityKeyIdentifierExtension, X509Certificate } from '@peculiar/x509';
import { freePort } from './ports.ts';
import { httpsRequest } from './https-request.ts';
import type { PebbleBed } from './pebble.ts';

export interface AriWindow {
  readonly start: Date;
  readonly end: Date;
  readonly explanationURL?: string;
  /** Retry-After of the answer for this certID; default the proxy's `retryAfterSeconds`. */
  readonly retryAfterSeconds?: number;
}

export interface RecordedOrder {
  /** The newOrder payload's `identifiers`, as sent. */
  readonly identifiers: unknown;
  /** The newOrder payload's `replaces`, when present. */
  readonly replaces?: string;
  /** Pebble's HTTP status for this newOrder. */
  readonly status: number;
}

export interface AriProxyOptions {
  readonly pebble: Pick<PebbleBed, 'directoryUrl' | 'tlsCaPem' | 'pki'>;
  /** Default Retry-After in seconds; default 21600 (6 h). */
  readonly retryAfterSeconds?: number;
  /**
   * Window for a certID without `setWindow`. Default: for a certificate that
   * was downloaded through the proxy, [notBefore + 2/3 of its lifetime,
   * notBefore + 5/6 of its lifetime]; for any other certID, none (404).
   */
  readonly defaultWindow?: (certId: string) => AriWindow | undefined;
}

export interface AriProxy {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** The proxy's directory: use it instead of Pebble's. */
  readonly directoryUrl: string;
  /** `<origin>/renewal-info`, as advertised in the directory. */
  readonly renewalInfoUrl: string;
  /** Sets (replaces) the window served for `certId`. */
  setWindow(certId: string, window: AriWindow): void;
  clearWindow(certId: string): void;
  /** Every newOrder forwarded, oldest first (live array). */
  readonly orders: readonly RecordedOrder[];
  /** certID of every renewal-info GET, oldest first (live array). */
  readonly renewalInfoRequests: readonly string[];
  stop(): Promise<void>;
}

/** The positive DER INTEGER contents for a hex serial: leading 0x00 when the high bit is set. */
function serialDer(hex: string): Buffer {
  const raw = Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  return (raw[0] ?? 0) > 0x7f ? Buffer.concat([Buffer.from([0]), raw]) : raw;
}

/**
 * RFC 9773 §4.1 certID of the first certificate in `pem`:
 * base64url(AKI keyIdentifier) "." base64url(serial DER contents), no padding.
 * An independent implementation for tests; throws if the AKI is missing.
 */
export function ariCertId(pem: string): string {
  const cert = new X509Certificate(firstPem(pem));
  const aki = cert.getExtension(AuthorityKeyIdentifierExtension);
  if (aki?.keyId === undefined) throw new Error('certificate has no authority key identifier');
  return `${Buffer.from(aki.keyId, 'hex').toString('base64url')}.${serialDer(cert.serialNumber).toString('base64url')}`;
}

function firstPem(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem);
  if (m === null) throw new Error('no PEM certificate');
  return m[0];
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res: ServerResponse, status: number, type: string, detail: string): void {
  const text = JSON.stringify({ type: `urn:ietf:params:acme:error:${type}`, detail, status });
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `{identifiers, replaces}` from a flattened JWS body; undefined if it is not one. */
function orderPayload(body: Buffer): { identifiers: unknown; replaces?: string } | undefined {
  try {
    const jws = JSON.parse(body.toString('utf8')) as { payload?: unknown };
    if (typeof jws.payload !== 'string') return undefined;
    const p = JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) as { identifiers?: unknown; replaces?: unknown };
    return typeof p.replaces === 'string' ? { identifiers: p.identifiers, replaces: p.replaces } : { identifiers: p.identifiers };
  } catch {
    return undefined;
  }
}

/** Starts the proxy in front of `opts.pebble`; resolves once it listens. */
export async function startAriProxy(opts: AriProxyOptions): Promise<AriProxy> {
  // Pinned, like pebble.ts: the upstream leg works whatever validity the test gave the certificate.
  const upstreamTls = { ca: opts.pebble.tlsCaPem, pinnedCertPem: opts.pebble.pki.server.certPem };
  const upstream = new URL(opts.pebble.directoryUrl);
  const upstreamOrigin = upstream.origin;
  const upstreamDir = await httpsRequest(opts.pebble.directoryUrl, upstreamTls);
  const newOrderPath = new URL((JSON.parse(upstreamDir.text) as { newOrder: string }).newOrder).pathname;
  const port = await freePort();
  const origin = `https://127.0.0.1:${port}`;
  const renewalInfoUrl = `${origin}/renewal-info`;
  const defaultRetryAfter = opts.retryAfterSeconds ?? 21600;
  const windows = new Map<string, AriWindow>();
  const seen = new Map<string, { notBefore: Date; notAfter: Date }>();
  const orders: RecordedOrder[] = [];
  const renewalInfoRequests: string[] = [];
  const rewrite = (s: string): string => s.split(upstreamOrigin).join(origin);

  const windowFor = (certId: string): AriWindow | undefined => {
    const set = windows.get(certId) ?? opts.defaultWindow?.(certId);
    if (set !== undefined) return set;
    const cert = seen.get(certId);
    if (cert === undefined) return undefined;
    const life = cert.notAfter.getTime() - cert.notBefore.getTime();
    const at = (f: number): Date => new Date(cert.notBefore.getTime() + Math.round(life * f));
    return { start: at(2 / 3), end: at(5 / 6) };
  };

  const renewalInfo = (res: ServerResponse, certId: string): void => {
    renewalInfoRequests.push(certId);
    if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(certId)) return problem(res, 400, 'malformed', 'certID is not base64url "." base64url');
    const w = windowFor(certId);
    if (w === undefined) return problem(res, 404, 'malformed', `no renewal information for ${certId}`);
    const body: Record<string, unknown> = { suggestedWindow: { start: w.start.toISOString(), end: w.end.toISOString() } };
    if (w.explanationURL !== undefined) body['explanationURL'] = w.explanationURL;
    sendJson(res, 200, body, { 'content-type': 'application/json', 'retry-after': String(w.retryAfterSeconds ?? defaultRetryAfter) });
  };

  const forward = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const method = req.method ?? 'GET';
    const up = await httpsRequest(`${upstreamOrigin}${path}`, { ...upstreamTls, method, headers, ...(body.length > 0 ? { body } : {}) });
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(up.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      out[k] = k === 'location' || k === 'link' ? (Array.isArray(v) ? v.map(rewrite) : rewrite(v)) : v;
    }
    const type = up.headers['content-type'] ?? '';
    let payload = up.body;
    if (path === upstream.pathname && method === 'GET' && up.status === 200) {
      const dir = JSON.parse(rewrite(up.text)) as Record<string, unknown>;
      payload = Buffer.from(JSON.stringify({ ...dir, renewalInfo: renewalInfoUrl }, null, 2));
    } else if (/json|text/.test(type)) {
      payload = Buffer.from(rewrite(up.text));
    }
    if (type.startsWith('application/pem-certificate-chain') && up.status === 200) {
      const cert = new X509Certificate(firstPem(up.text));
      seen.set(ariCertId(up.text), { notBefore: cert.notBefore, notAfter: cert.notAfter });
    }
    if (method === 'POST' && path === newOrderPath) {
      const p = orderPayload(body);
      if (p !== undefined) orders.push({ ...p, status: up.status });
    }
    out['content-length'] = String(payload.length);
    res.writeHead(up.status, out);
    res.end(method === 'HEAD' ? undefined : payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = req.url ?? '/';
    const ri = /^\/renewal-info\/([^/?]*)$/.exec(path);
    if (ri !== null && req.method === 'GET') return renewalInfo(res, decodeURIComponent(ri[1] ?? ''));
    await forward(req, res, path);
  };

  const server: Server = createServer({ cert: opts.pebble.pki.server.certPem, key: opts.pebble.pki.server.keyPem }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) problem(res, 502, 'serverInternal', `ari proxy: ${e instanceof Error ? e.message : String(e)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });

  return {
    origin,
    directoryUrl: `${origin}${upstream.pathname}`,
    renewalInfoUrl,
    setWindow: (certId, w) => {
      windows.set(certId, w);
    },
    clearWindow: (certId) => {
      windows.delete(certId);
    },
    orders,
    renewalInfoRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
