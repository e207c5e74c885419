/**
 * The contract of zonekeeper's one outbound HTTP(S) client (see client.ts).
 *
 * - TLS is always verified; there is no option to skip it. Trust is chosen
 *   per request (`trust.caPem`), never process-wide.
 * - When the system clock is outside the peer certificate's validity but the
 *   trusted clock is inside it (and trusted), the chain is verified at the
 *   trusted time instead (tls-time.ts).
 * - Every response's `Date` header becomes a clock sample (`http:<host>`).
 * - Redirects are not followed: a 3xx is returned like any other status.
 * - Failures are AppErrors: HTTP_CONNECTION, HTTP_TIMEOUT (both with
 *   `requestSent` in the evidence), HTTP_RESPONSE_TOO_LARGE,
 *   HTTP_RATE_LIMITED, TLS_UNTRUSTED,
 *   TLS_HOSTNAME_MISMATCH, TLS_CERT_EXPIRED, TLS_CERT_NOT_YET_VALID,
 *   CLOCK_UNTRUSTED, ABORTED. Any other status is returned, not thrown;
 *   HTTP_STATUS is for callers that reject a status.
 */

/**
 * When to send a request again (at most the client's maxAttempts, 4 by
 * default, the first included):
 * - 'idempotent': on 429, 500, 502, 503, 504, a throttling answer the
 *   request's `throttled` recognises, a connection failure at any point,
 *   or a timeout before any request byte was sent. The default for GET,
 *   HEAD and OPTIONS.
 * - 'unprocessed': only when the server cannot have acted on it: 429, 503,
 *   a recognised throttling answer, or a connection failure or timeout
 *   before any request byte was sent. The default for every other method
 *   (a caller may choose 'idempotent' for a read sent as POST, or a PUT or
 *   DELETE it knows to be safe to repeat).
 * - 'none': never; every response, 429 included, is returned as it is (for
 *   requests that must be rebuilt to be resent, e.g. ACME JWS with a nonce).
 *
 * A request that was sent and then got no answer within `timeoutMs` is
 * never sent again, whatever the mode: the call fails with HTTP_TIMEOUT
 * after one timeout, so a silent server costs the configured time, not a
 * multiple of it. A write that timed out or lost its connection after it
 * was sent may have been applied (evidence `requestSent: true`); it is not
 * repeated blindly (a create could be applied twice).
 */
export type RetryMode = 'idempotent' | 'unprocessed' | 'none';

export interface HttpTrust {
  /**
   * PEM bundle of the root certificates trusted for this request only. They
   * replace the default roots; absent: Node's default CA certificates
   * (`tls.getCACertificates('default')`: the bundled Mozilla roots plus
   * NODE_EXTRA_CA_CERTS).
   */
  readonly caPem?: string;
}

export interface HttpRequest {
  readonly method: string;
  /** http: or https: URL. User info in the URL is not sent and never appears in errors. */
  readonly url: string;
  /** Request headers; `host`, `content-length` and `connection` are set by the client. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Limit for each attempt (connect, TLS, request, whole body), ms. Default 30 000. */
  readonly timeoutMs?: number;
  /** Aborts the request and any retry wait: rejects with ABORTED. */
  readonly signal?: AbortSignal;
  readonly trust?: HttpTrust;
  /** Default: 'idempotent' for GET/HEAD/OPTIONS, 'unprocessed' otherwise. */
  readonly retry?: RetryMode;
  /** Largest response body accepted, bytes. Default 10 MiB; more: HTTP_RESPONSE_TOO_LARGE. */
  readonly maxResponseBytes?: number;
  /** Secret strings (keys, tokens) to remove from any error evidence. */
  readonly secrets?: readonly string[];
  /**
   * Connect over this IP family only: a host name is resolved to addresses
   * of that family alone, and an IP literal (or a `resolve` pin) of the
   * other family fails with HTTP_CONNECTION (error EAFNOSUPPORT, not
   * retried) before anything is sent. Absent: either family.
   */
  readonly family?: 4 | 6;
  /** Local (source) address the socket is bound to; it must be of the family connected over. */
  readonly localAddress?: string;
  /**
   * The vendor's own "slow down" answer when it is not a 429 (DNSPod's
   * HTTP 200 `RequestLimitExceeded`, Alibaba's 400 `Throttling.User`, Route
   * 53's 400 `Throttling`, DNS Made Easy's 400 "Rate limit exceeded"):
   * returns the vendor's code for such a response, else undefined. Such a
   * response is retried like a 429 (in every mode but 'none'), and when the
   * retries end the request rejects with HTTP_RATE_LIMITED (`vendorCode`
   * in the evidence) instead of returning it.
   */
  readonly throttled?: (response: HttpResponse) => string | undefined;
  /**
   * Builds the request again before each retry (signed requests: a fresh
   * timestamp and nonce, since Alibaba refuses a nonce twice and DNS Made
   * Easy a date more than 30 s old). Its method, retry mode and limits are
   * this request's; its URL, headers, body and secrets are used. Absent:
   * the same request is sent again.
   */
  readonly renew?: () => HttpRequest | Promise<HttpRequest>;
}

export interface HttpResponse {
  readonly status: number;
  /**
   * Response headers by lower-case name; repeated headers joined with ", "
   * (Link lines are also kept one by one in `links`).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** The value of each `Link` header line, in order. */
  readonly links: readonly string[];
  readonly body: Buffer;
  /** The URL requested (redirects are not followed). */
  readonly url: string;
  /** `Retry-After` as a delay from now (HTTP-dates read against the trusted clock), ms. */
  readonly retryAfterMs?: number;
  /** Attempts made, this one included. */
  readonly attempts: number;
}

export interface HttpClient {
  request(r: HttpRequest): Promise<HttpResponse>;
}
