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
}

/** What every provider gets from the composition root. */
export interface ProviderDeps {
  readonly clock: TrustedClock;
  readonly dns: DnsContext;
  /** The process's HTTP client (providers over HTTP); absent: the provider makes one on the same clock. */
  readonly http?: HttpClient;
}

export type FieldType = 'string' | 'integer' | 'object';

/** One configuration field of a provider; drives validation, CLI help, docs and the web form. */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly secret: boolean;
  readonly description: string;
  readonly default?: string | number;
  /** For `object` fields. */
  readonly fields?: readonly FieldSpec[];
  /** Allowed values, for enumerations. */
  readonly enum?: readonly string[];
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
   * Build the typed config from raw, already schema-checked values (field
   * types, required, unknown keys, secrets' invisible characters are checked
   * generically from `fields`). Throws CONFIG_INVALID for semantic problems.
   */
  parse(raw: Readonly<Record<string, unknown>>, path: string): C;
  create(config: C, deps: ProviderDeps): DnsProvider;
}
