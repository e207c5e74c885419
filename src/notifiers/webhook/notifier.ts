/** The webhook notifier: one HTTP request per event, rendered from the configured templates. */
import { AppError, type EvidenceValue } from '../../core/errors.ts';
import { renderTemplate } from '../../core/template.ts';
import type { Clock } from '../../clock/clock.ts';
import type { HttpClient } from '../../http/types.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';
import { RAW_JSON, type NotifyPlaceholder, type WebhookNotifierConfig } from './config.ts';

const text = (v: EvidenceValue | undefined): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The placeholder values of an event (`rendered`: its title and text in the notifier's language). */
export function eventValues(e: NotifyEvent, rendered: RenderedEvent): Record<NotifyPlaceholder, string> {
  const error = e.data['error'];
  const code = error !== null && typeof error === 'object' && !Array.isArray(error) ? error['code'] : error;
  return {
    kind: e.kind,
    subject: e.subject,
    at: new Date(e.at).toISOString(),
    old: text(e.data['old']),
    new: text(e.data['new']),
    error: text(code),
    title: rendered.title,
    text: rendered.text,
    event: JSON.stringify({ kind: e.kind, subject: e.subject, at: new Date(e.at).toISOString(), data: e.data }),
  };
}

export class WebhookNotifier implements Notifier {
  readonly #c: WebhookNotifierConfig;
  readonly #http: HttpClient;

  constructor(c: WebhookNotifierConfig, deps: { http: HttpClient; clock: Clock }) {
    this.#c = c;
    this.#http = deps.http;
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const values = eventValues(e, rendered);
    const c = this.#c;
    const url = renderTemplate(c.url, values, 'url');
    const body = c.body === undefined ? values.event : renderTemplate(c.body, values, 'json', RAW_JSON);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const h of c.headers) headers[h.name] = renderTemplate(h.value, values, 'header');
    const res = await this.#http.request({
      method: c.method,
      url,
      headers,
      body,
      timeoutMs: c.timeoutMs,
      ...(signal === undefined ? {} : { signal }),
      ...(c.caPem === undefined ? {} : { trust: { caPem: c.caPem } }),
    });
    if (res.status < 200 || res.status >= 300)
      throw new AppError('NOTIFY_FAILED', { evidence: { notifier: 'webhook', url: new URL(url).origin, status: res.status, kind: e.kind }, retryable: res.status >= 500 });
  }
}
