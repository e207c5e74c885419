/**
 * Notifiers tell people about events (an address changed, a record was
 * updated, an update failed, …). Same shape as providers: one manifest per
 * notifier type feeds the registry, config validation and docs.
 *
 * Contract of `Notifier.send`: deliver one event or reject with an AppError
 * (HTTP_*, TLS_*, NOTIFY_FAILED with the receiver's status); never retried
 * beyond what the HTTP layer retries; never throws for the event's content.
 * An event carries no secret (its producers guarantee that), so it may be
 * sent as it is.
 */
import type { Clock } from '../clock/clock.ts';
import type { Evidence } from '../core/errors.ts';
import type { HttpClient } from '../http/types.ts';
import type { FieldSpec } from '../providers/types.ts';

export interface NotifyEvent {
  /** e.g. ip-changed, record-updated, update-failed (a lower-case-dashed token). */
  readonly kind: string;
  /** What it is about: a family, an fqdn, a certificate name. */
  readonly subject: string;
  /** Epoch ms (trusted clock). */
  readonly at: number;
  readonly data: Evidence;
}

export interface Notifier {
  send(e: NotifyEvent, signal?: AbortSignal): Promise<void>;
}

export interface NotifierDeps {
  readonly http: HttpClient;
  readonly clock: Clock;
}

export interface NotifierManifest<C = unknown> {
  readonly id: string;
  readonly displayName: string;
  readonly fields: readonly FieldSpec[];
  /** Typed config from schema-checked values; CONFIG_INVALID for semantic problems. */
  parse(raw: Readonly<Record<string, unknown>>, path: string): C;
  create(config: C, deps: NotifierDeps): Notifier;
}
