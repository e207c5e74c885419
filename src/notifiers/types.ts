/**
 * Notifiers tell people about events (an address changed, a certificate was
 * renewed, a credential is failing, …). Same shape as providers: one
 * manifest per notifier type feeds the registry, config validation and docs.
 *
 * Contract of `Notifier.send`: deliver one event, already rendered as
 * `{ title, text }` in the notifier's language by the renderer the
 * composition root injects (src/notifiers never renders text itself), or
 * reject with an AppError (HTTP_*, TLS_*, SMTP_*, NOTIFY_FAILED with the
 * receiver's status, NOTIFY_REJECTED with the vendor's own error code);
 * never retried beyond what the HTTP layer retries; never throws for the
 * event's content. An event carries no secret (its producers guarantee
 * that), so it may be sent as it is.
 */
import type { TrustedClock } from '../clock/clock.ts';
import type { Evidence } from '../core/errors.ts';
import type { HttpClient } from '../http/types.ts';
import type { FieldSpec } from '../providers/types.ts';

export interface NotifyEvent {
  /** e.g. ip-changed, certificate-renewed, clock-skew (a lower-case-dashed token; see EVENT_KINDS). */
  readonly kind: string;
  /** What it is about: a family, an fqdn, a certificate name, a provider name. */
  readonly subject: string;
  /** Epoch ms (trusted clock). */
  readonly at: number;
  readonly data: Evidence;
}

/** The languages notifications are written in (`lang:` of a notifier). */
export type NotifyLang = 'en' | 'zh-CN';
export const NOTIFY_LANGS: readonly NotifyLang[] = ['en', 'zh-CN'];

/** An event as people read it: a one-line title and a plain-text body (lines separated by "\n"). */
export interface RenderedEvent {
  readonly title: string;
  readonly text: string;
}

/** Renders an event in a language; injected at composition (src/cli/event-messages.ts). Never throws. */
export type EventRenderer = (e: NotifyEvent, lang: NotifyLang) => RenderedEvent;

export interface Notifier {
  send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void>;
}

export interface NotifierDeps {
  readonly http: HttpClient;
  /** The trusted clock: signatures (DingTalk, Lark), mail Date headers and TLS checks of mail servers use its time. */
  readonly clock: TrustedClock;
}

export interface NotifierManifest<C = unknown> {
  readonly id: string;
  readonly displayName: string;
  /** The type's own fields followed by NOTIFIER_COMMON_FIELDS (lang, minInterval, maxPerHour). */
  readonly fields: readonly FieldSpec[];
  /** Typed config from schema-checked values; CONFIG_INVALID for semantic problems. */
  parse(raw: Readonly<Record<string, unknown>>, path: string): C;
  create(config: C, deps: NotifierDeps): Notifier;
}
