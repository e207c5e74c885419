/**
 * The provider contract (libdns shape). Names in records are relative to
 * `zone` ("@" for the apex); `zone` is absolute with a trailing dot.
 *
 * - getRecords: every record in the zone the provider can see.
 * - appendRecords: add records; existing records with other values at the
 *   same name and type stay (two TXT values at `_acme-challenge` coexist).
 *   Adding a record that already exists is not an error.
 * - setRecords: for each (name, type) in the input, make exactly the given
 *   values exist there, atomically where the provider can.
 * - deleteRecords: remove records matching name, type and data; an empty
 *   `data` removes the whole (name, type) set. Deleting what is not there
 *   is not an error (idempotent).
 *
 * - listZones (optional, where the vendor API lists zones): every zone the
 *   credential can see, absolute with a trailing dot. Used to find the zone
 *   of a name when `zone` is not configured (longest matching suffix), before
 *   falling back to an SOA walk.
 *
 * Concurrent calls on one provider are safe: two appends (or deletes) at
 * the same name and type both take effect (the ACME solver writes the
 * apex's and the wildcard's challenge at once); providers whose writes read
 * and write back whole sets queue them per zone (serial-writes.ts).
 *
 * Every method honours `signal`, returns the records it affected, and fails
 * only with AppError (PROVIDER_AUTH, PROVIDER_PERMISSION, TSIG_*, UPDATE_*,
 * DNS_* ...).
 */
import type { DnsRecord } from '../core/record.ts';
import type { TrustedClock } from '../clock/clock.ts';
import type { DnsContext } from '../dns/context.ts';
import type { HttpClient } from '../http/types.ts';

export interface ProviderCall {
  readonly signal?: AbortSignal;
}

export interface DnsProvider {
  /** The zone this provider was configured for, if any (absolute). */
  readonly zone?: string;
  getRecords(zone: string, call?: ProviderCall): Promise<DnsRecord[]>;
  appendRecords(zone: string, records: readonly DnsRecord[], call?: ProviderCall): Promise<DnsRecord[]>;
  setRecords(zone: string, records: readonly DnsRecord[], call?: ProviderCall): Promise<DnsRecord[]>;
  deleteRecords(zone: string, records: readonly DnsRecord[], call?: ProviderCall): Promise<DnsRecord[]>;
  listZones?(call?: ProviderCall): Promise<string[]>;
}

/** What every provider gets from the composition root. */
export interface ProviderDeps {
  readonly clock: TrustedClock;
  readonly dns: DnsContext;
  /** The process's HTTP client (providers over HTTP); absent: the provider makes one on the same clock. */
  readonly http?: HttpClient;
}

/**
 * - string / integer: a scalar (`${env:}` / `${file:}` references resolved);
 * - object: a mapping with the fixed `fields` below;
 * - map: a mapping from free-form keys to string values (HTTP headers, tags);
 *   keys must match `keyPattern` when given.
 */
export type FieldType = 'string' | 'integer' | 'object' | 'map';

/** One configuration field of a provider; drives validation, CLI help, docs and the web form. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly secret: boolean;
  /**
   * Part of a credential though not secret (access key ids, TSIG key names):
   * checked for stray whitespace and invisible characters like a secret, and
   * shown. Implied by `secret`.
   */
  readonly credential?: boolean;
  readonly description: string;
  readonly default?: string | number;
  /** For `object` fields. */
  readonly fields?: readonly FieldSpec[];
  /** Allowed values, for enumerations. */
  readonly enum?: readonly string[];
  /** For `map` fields: what every key must look like, and its description for errors. */
  readonly keyPattern?: { readonly regex: RegExp; readonly description: string };
}

export interface ProviderManifest<C = unknown> {
  /** Stable forever (lowercase); renames live on as aliases. */
  readonly id: string;
  readonly aliases: readonly string[];
  readonly displayName: string;
  readonly docsUrl: string;
  readonly fields: readonly FieldSpec[];
  readonly capabilities: readonly ('get' | 'append' | 'set' | 'delete')[];
  /**
   * The TTLs the vendor's API accepts at all (seconds, inclusive), plus
   * single special values (Cloudflare's 1 = automatic). Plans may demand
   * more (Alibaba free edition: 600); the vendor's refusal says so then.
   * Absent: any 0 … 2^31−1.
   */
  readonly ttl?: { readonly min: number; readonly max: number; readonly also?: readonly number[] };
  /** Per-record options the vendor has beyond name/type/data/ttl. */
  readonly recordOptions?: readonly 'proxied'[];
  /**
   * Build the typed config from raw, already schema-checked values (field
   * types, required, unknown keys, secrets' invisible characters are checked
   * generically from `fields`). Throws CONFIG_INVALID for semantic problems.
   */
  parse(raw: Readonly<Record<string, unknown>>, path: string): C;
  create(config: C, deps: ProviderDeps): DnsProvider;
}
