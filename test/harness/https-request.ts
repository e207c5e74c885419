/**
 * One HTTPS request with node:https, trusting exactly the CA PEMs given
 * (never the system store), no connection reuse, whole body buffered.
 * Test-bed plumbing for Pebble and the ARI proxy; product code has its own
 * HTTP client.
 */
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';

export interface HttpsRequestOptions {
  /** Trusted CA certificates (PEM); the only trust anchors used. */
  readonly ca: string | readonly string[];
  /**
   * Instead of chain and validity checks, require the server's certificate
   * to be exactly this one (PEM). For the harness's own management calls,
   * which must work whatever validity window a test gave the certificate.
   */
  readonly pinnedCertPem?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Socket-idle limit; default 5000 ms. */
  readonly timeoutMs?: number;
}

export interface HttpsResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `body` as UTF-8. */
  readonly text: string;
}

/** Rejects on any TLS or socket error (the error's `code` is Node's, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
export function httpsRequest(url: string, o: HttpsRequestOptions): Promise<HttpsResponse> {
  const pinned = o.pinnedCertPem === undefined ? undefined : new X509Certificate(o.pinnedCertPem).raw;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: o.method ?? 'GET',
        headers: o.headers ?? {},
        ca: typeof o.ca === 'string' ? o.ca : [...o.ca],
        agent: false,
        timeout: o.timeoutMs ?? 5000,
        ...(o.pinnedCertPem === undefined ? {} : { rejectUnauthorized: false }),
      },
      (res) => {
        if (pinned !== undefined) {
          const peer = (res.socket as TLSSocket).getPeerCertificate();
          if (!pinned.equals(peer.raw)) {
            res.destroy();
            reject(new Error(`server certificate is not the pinned one: ${url}`));
            return;
          }
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error(`timeout after ${o.timeoutMs ?? 5000} ms: ${url}`)));
    req.once('error', reject);
    req.end(o.body);
  });
}

/** The `<url>` targets of every `Link` header entry with `rel="<rel>"`. */
export function linkTargets(headers: IncomingHttpHeaders, rel: string): string[] {
  const raw = headers['link'];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const v of values) {
    for (const m of v.matchAll(/<([^>]*)>\s*;\s*rel="?([^";,]+)"?/g)) {
      if (m[2] === rel && m[1] !== undefined) out.push(m[1]);
    }
  }
  return out;
}
