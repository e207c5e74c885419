/**
 * A DNS record as providers see it (libdns shape): the name is relative to
 * the zone ("@" for the apex), data is in presentation form ("192.0.2.1",
 * a TXT value unquoted and unescaped, "target.example.com." for a CNAME).
 */
export interface DnsRecord {
  readonly name: string;
  readonly type: string;
  readonly data: string;
  /** Seconds; undefined means the provider's default. */
  readonly ttl?: number;
  /**
   * Proxied through the provider's CDN (Cloudflare's orange cloud). Only
   * providers that have such a flag read and write it (their manifest lists
   * `proxied` in `recordOptions`); undefined on a write leaves it as it is.
   */
  readonly proxied?: boolean;
}

/** What an authoritative nameserver is expected to serve at an absolute name. */
export interface ExpectedRRset {
  /** Absolute, lower-case, with trailing dot. */
  readonly fqdn: string;
  readonly type: string;
  /** Values that must all be present (presentation form). Empty with `absent` for deletions. */
  readonly values: readonly string[];
  /** true: wait until none of `values` is served any more (or the RRset is gone when values is empty). */
  readonly absent?: boolean;
}
