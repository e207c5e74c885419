/** The DDNS vocabulary shared by config, reconcile, events and the command. */
import type { AppError, Evidence } from '../core/errors.ts';

export type Family = 'ipv4' | 'ipv6';
export type AddressType = 'A' | 'AAAA';

export const FAMILY_OF: Readonly<Record<AddressType, Family>> = { A: 'ipv4', AAAA: 'ipv6' };

/** One record that must point at this machine (one type; a config entry with [A, AAAA] gives two). */
export interface DesiredRecord {
  /** Absolute, lower-case, with the trailing dot. */
  readonly fqdn: string;
  readonly type: AddressType;
  /** The configured provider name. */
  readonly provider: string;
  /** Seconds; absent: the provider's default (and a TTL already there is left alone). */
  readonly ttl?: number;
  /** Providers that proxy (cloudflare): the wanted flag; absent: left as it is. */
  readonly proxied?: boolean;
}

/** The public addresses detected this pass (absent: that family was not detected). */
export interface Addresses {
  readonly ipv4?: string;
  readonly ipv6?: string;
}

/**
 * - unchanged: the provider holds exactly the address (read this pass, or
 *   known from the last read and not due for another);
 * - updated: written this pass;
 * - would-update: differs, but this is a dry run;
 * - failed: the read or the write failed (`error`);
 * - no-address: this record's family was not detected this pass; left alone.
 */
export type RecordAction = 'unchanged' | 'updated' | 'would-update' | 'failed' | 'no-address';

export interface RecordOutcome {
  readonly fqdn: string;
  readonly type: AddressType;
  readonly provider: string;
  readonly zone?: string;
  readonly action: RecordAction;
  /** The values the provider held (as read this pass, or as last known). */
  readonly before?: readonly string[];
  /** The address wanted. */
  readonly after?: string;
  /** The provider's records were read this pass for this record. */
  readonly read: boolean;
  readonly error?: AppError;
}

export type DdnsEventKind = 'ip-changed' | 'record-updated' | 'update-failed';

/** What the pass tells the world (stored, and sent to notifiers). Never carries a secret. */
export interface DdnsEvent {
  readonly kind: DdnsEventKind;
  /** A family for ip-changed, an fqdn (no trailing dot) otherwise. */
  readonly subject: string;
  readonly at: number;
  readonly data: Evidence;
}
