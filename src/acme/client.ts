/**
 * RFC 8555 protocol client: one CA directory, one account key. Every
 * request goes through the project's HttpClient with this CA's trust only.
 *
 * Contract:
 * - Nonces come from every response's Replay-Nonce; a HEAD to newNonce
 *   only when none is left.
 * - badNonce is retried with the fresh nonce of the error response, up to
 *   MAX_BAD_NONCE times; 429/503 are retried after Retry-After when it is
 *   within `maxRetryAfterMs`, otherwise the rate-limit error is thrown with
 *   the time the limit resets.
 * - Every other problem document becomes an AppError (problems.ts).
 * - Polling (authorizations, orders) uses the trusted clock's sleep and
 *   honours Retry-After, starting fast because CAs often finish in
 *   milliseconds.
 */
import { AppError } from '../core/errors.ts';
import type { Clock } from '../clock/clock.ts';
import type { HttpClient, HttpResponse } from '../http/types.ts';
import { signJws, externalAccountBinding, type AccountKey } from './jws.ts';
import { parseProblem, problemError, problemType } from './problems.ts';
import type { Account, Authorization, Directory, Identifier, Order, RenewalInfo } from './types.ts';

/**
 * badNonce retries per request. Each retry costs one round trip; CAs reject a
 * fresh nonce independently (Pebble's test mode: half of them), so the bound
 * must make an unlucky streak negligible: 2^-32 at a 50 % rejection rate.
 */
export const MAX_BAD_NONCE = 32;
const MAX_RATE_RETRIES = 3;

export interface AcmeClientOptions {
  readonly directoryUrl: string;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly key: AccountKey;
  /** Account URL, once known. */
  readonly kid?: string;
  /** PEM roots for this CA only (custom CAs); default: the public roots. */
  readonly trustPem?: string;
  readonly timeoutMs?: number;
  /** Longest Retry-After the client waits for on its own. */
  readonly maxRetryAfterMs?: number;
  readonly signal?: AbortSignal;
}

export interface AcmeResponse<T> {
  readonly status: number;
  readonly location?: string;
  readonly links: readonly string[];
  readonly body: T;
  readonly raw: HttpResponse;
}

function parseJson<T>(r: HttpResponse): T {
  try {
    return JSON.parse(r.body.toString('utf8')) as T;
  } catch {
    throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url: r.url, status: r.status, reason: 'body is not JSON' } });
  }
}

/** `Link: <url>;rel="alternate"` values for a relation. */
export function linksOf(links: readonly string[], rel: string): string[] {
  const out: string[] = [];
  for (const header of links)
    for (const part of header.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
      if (m !== null && new RegExp(`rel="?${rel}"?`).test(m[2] as string)) out.push(m[1] as string);
    }
  return out;
}

export class AcmeClient {
  readonly #o: AcmeClientOptions;
  #directory: Directory | undefined;
  #nonces: string[] = [];
  #kid: string | undefined;

  constructor(o: AcmeClientOptions) {
    this.#o = o;
    this.#kid = o.kid;
  }

  get accountUrl(): string | undefined {
    return this.#kid;
  }

  get key(): AccountKey {
    return this.#o.key;
  }

  #request(method: 'GET' | 'HEAD' | 'POST', url: string, body?: string): Promise<HttpResponse> {
    return this.#o.http.request({
      method,
      url,
      headers: method === 'POST' ? { 'content-type': 'application/jose+json' } : {},
      ...(body === undefined ? {} : { body }),
      ...(this.#o.trustPem === undefined ? {} : { trust: { caPem: this.#o.trustPem } }),
      ...(this.#o.timeoutMs === undefined ? {} : { timeoutMs: this.#o.timeoutMs }),
      ...(this.#o.signal === undefined ? {} : { signal: this.#o.signal }),
      retry: method === 'POST' ? 'none' : 'idempotent',
    });
  }

  #keepNonce(r: HttpResponse): void {
    const n = r.headers['replay-nonce'];
    if (n !== undefined && /^[A-Za-z0-9_-]+$/.test(n)) this.#nonces.push(n);
  }

  async directory(): Promise<Directory> {
    if (this.#directory !== undefined) return this.#directory;
    const r = await this.#request('GET', this.#o.directoryUrl);
    if (r.status !== 200) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url: r.url, status: r.status, reason: 'directory not found' } });
    const d = parseJson<Directory>(r);
    if (typeof d.newNonce !== 'string' || typeof d.newAccount !== 'string' || typeof d.newOrder !== 'string')
      throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url: r.url, reason: 'not an ACME directory' } });
    this.#directory = d;
    return d;
  }

  async #nonce(): Promise<string> {
    const n = this.#nonces.pop();
    if (n !== undefined) return n;
    const d = await this.directory();
    const r = await this.#request('HEAD', d.newNonce);
    const fresh = r.headers['replay-nonce'];
    if (fresh === undefined) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url: d.newNonce, status: r.status, reason: 'no Replay-Nonce' } });
    return fresh;
  }

  /** POST a JWS; `payload` undefined is POST-as-GET. Throws problems as AppErrors. */
  async post<T>(url: string, payload: unknown, opts: { useJwk?: boolean } = {}): Promise<AcmeResponse<T>> {
    let badNonces = 0;
    let rateRetries = 0;
    for (;;) {
      const nonce = await this.#nonce();
      const useKid = opts.useJwk !== true && this.#kid !== undefined;
      const jws = await signJws({ key: this.#o.key, url, nonce, payload, ...(useKid ? { kid: this.#kid as string } : {}) });
      const r = await this.#request('POST', url, JSON.stringify(jws));
      this.#keepNonce(r);
      if (r.status < 400) {
        const isJson = (r.headers['content-type'] ?? '').includes('json');
        const body = (isJson && r.body.length > 0 ? parseJson<T>(r) : r.body) as T;
        return { status: r.status, ...(r.headers['location'] === undefined ? {} : { location: r.headers['location'] }), links: r.links, body, raw: r };
      }
      const problem = parseProblem(r.body) ?? { type: 'about:blank', status: r.status, detail: r.body.toString('utf8').slice(0, 200) };
      const type = problemType(problem);
      if (type === 'badNonce' && ++badNonces < MAX_BAD_NONCE) continue;
      const retryAfter = r.retryAfterMs;
      if ((r.status === 429 || r.status === 503) && retryAfter !== undefined && retryAfter <= (this.#o.maxRetryAfterMs ?? 30_000) && rateRetries++ < MAX_RATE_RETRIES) {
        await this.#o.clock.sleep(retryAfter, this.#o.signal);
        continue;
      }
      throw problemError(
        problem,
        {
          url,
          ...(type === 'badNonce' ? { attempts: badNonces } : {}),
          ...(retryAfter === undefined ? {} : { retryAfter: new Date(this.#o.clock.now() + retryAfter).toISOString() }),
        },
        retryAfter,
      );
    }
  }

  /** Find or create the account for this key (newAccount is idempotent per key). */
  async account(o: { contact?: readonly string[]; termsOfServiceAgreed: boolean; eab?: { kid: string; hmacKey: string } }): Promise<string> {
    const d = await this.directory();
    const payload: Record<string, unknown> = { termsOfServiceAgreed: o.termsOfServiceAgreed };
    if (o.contact !== undefined && o.contact.length > 0) payload['contact'] = o.contact;
    if (o.eab !== undefined) payload['externalAccountBinding'] = await externalAccountBinding(this.#o.key, o.eab.kid, o.eab.hmacKey, d.newAccount);
    else if (d.meta?.externalAccountRequired === true) throw new AppError('ACME_EAB_REQUIRED', { evidence: { directory: this.#o.directoryUrl } });
    const r = await this.post<Account>(d.newAccount, payload, { useJwk: true });
    if (r.location === undefined) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url: d.newAccount, reason: 'no account Location' } });
    this.#kid = r.location;
    return r.location;
  }

  async newOrder(identifiers: readonly Identifier[], replaces?: string): Promise<{ url: string; order: Order }> {
    const d = await this.directory();
    const r = await this.post<Order>(d.newOrder, { identifiers, ...(replaces === undefined ? {} : { replaces }) });
    if (r.location === undefined) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url: d.newOrder, reason: 'no order Location' } });
    return { url: r.location, order: r.body };
  }

  async get<T>(url: string): Promise<{ body: T; retryAfterMs?: number }> {
    const r = await this.post<T>(url, undefined);
    const retryAfterMs = r.raw.retryAfterMs;
    return retryAfterMs === undefined ? { body: r.body } : { body: r.body, retryAfterMs };
  }

  async authorization(url: string): Promise<Authorization> {
    return (await this.get<Authorization>(url)).body;
  }

  /** Tell the CA the challenge is ready (empty JSON object payload). */
  async respond(challengeUrl: string): Promise<void> {
    await this.post(challengeUrl, {});
  }

  /**
   * Poll `url` until `done(body)`; first poll at once, then 50 ms growing
   * to 1 s, or the server's Retry-After. Rejects with ACME_TIMEOUT.
   */
  async poll<T>(url: string, done: (body: T) => boolean, waitingFor: string, timeoutMs: number): Promise<T> {
    const clock = this.#o.clock;
    const deadline = clock.monotonicMs() + timeoutMs;
    let delay = 50;
    for (;;) {
      const { body, retryAfterMs } = await this.get<T>(url);
      if (done(body)) return body;
      const wait = Math.min(retryAfterMs ?? delay, 1000, deadline - clock.monotonicMs());
      if (wait <= 0) throw new AppError('ACME_TIMEOUT', { retryable: true, evidence: { url, waitingFor, timeoutMs } });
      await clock.sleep(wait, this.#o.signal);
      delay = Math.min(delay * 1.5, 1000);
    }
  }

  async finalize(finalizeUrl: string, csrDer: Uint8Array): Promise<Order> {
    return (await this.post<Order>(finalizeUrl, { csr: Buffer.from(csrDer).toString('base64url') })).body;
  }

  /** The PEM chain at `url`, and the URLs of alternate chains. */
  async certificate(url: string): Promise<{ pem: string; alternates: string[] }> {
    const r = await this.post<Buffer>(url, undefined);
    const pem = Buffer.isBuffer(r.body) ? r.body.toString('utf8') : String(r.body);
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url, reason: 'not a PEM certificate chain' } });
    return { pem, alternates: linksOf(r.links, 'alternate') };
  }

  async revoke(certDer: Uint8Array, reason: number): Promise<void> {
    const d = await this.directory();
    await this.post(d.revokeCert, { certificate: Buffer.from(certDer).toString('base64url'), reason });
  }

  /** RFC 9773 renewalInfo; undefined when the CA has no ARI. GET, unauthenticated. */
  async renewalInfo(certId: string): Promise<{ info: RenewalInfo; retryAfterMs?: number } | undefined> {
    const d = await this.directory();
    if (d.renewalInfo === undefined) return undefined;
    const url = `${d.renewalInfo.replace(/\/$/, '')}/${certId}`;
    const r = await this.#request('GET', url);
    if (r.status !== 200) return undefined;
    const info = parseJson<RenewalInfo>(r);
    if (typeof info.suggestedWindow?.start !== 'string' || typeof info.suggestedWindow.end !== 'string')
      throw new AppError('ACME_RESPONSE_INVALID', { evidence: { url, reason: 'renewalInfo without suggestedWindow' } });
    const retryAfterMs = r.retryAfterMs;
    return retryAfterMs === undefined ? { info } : { info, retryAfterMs };
  }
}
