/**
 * ServerChan (Server酱): one push per event.
 *
 * Confirmed (the vendor's own examples, easychen/serverchan-demo and the
 * easychen/serverchan-sdk README, via the search tool): POST
 * https://sctapi.ftqq.com/<SendKey>.send (Server酱·Turbo), or for a SendKey
 * "sctp<n>t…" (Server酱³) https://<n>.push.ft07.com/send/<SendKey>.send,
 * with JSON {"title": "…", "desp": "…"} (desp is Markdown); the answer is
 * {"code": 0, "message": "…", "data": …}, 0 meaning sent. Assumed: a title
 * limit (we cut at 100 characters). desp is our plain lines, two spaces
 * before each line break so Markdown keeps them.
 */
import type { Clock } from '../../clock/clock.ts';
import type { HttpClient } from '../../http/types.ts';
import type { HttpSettings } from '../common-fields.ts';
import { postJson, truncateUtf8 } from '../http-post.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';

export interface ServerchanConfig {
  readonly sendKey: string;
  readonly http: HttpSettings;
}

const SC3 = /^sctp(\d+)t/;

/** The API origin a SendKey belongs to. */
export function defaultServerchanEndpoint(sendKey: string): string {
  const m = SC3.exec(sendKey);
  return m === null ? 'https://sctapi.ftqq.com' : `https://${m[1] ?? ''}.push.ft07.com`;
}

/** The path of the send call for a SendKey. */
export function serverchanPath(sendKey: string): string {
  return SC3.test(sendKey) ? `/send/${sendKey}.send` : `/${sendKey}.send`;
}

export class ServerchanNotifier implements Notifier {
  readonly #c: ServerchanConfig;
  readonly #http: HttpClient;

  constructor(c: ServerchanConfig, deps: { http: HttpClient; clock: Clock }) {
    this.#c = c;
    this.#http = deps.http;
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const c = this.#c;
    const title = Array.from(`[zonekeeper] ${rendered.title}`).slice(0, 100).join('');
    await postJson(
      this.#http,
      {
        notifier: 'serverchan',
        kind: e.kind,
        url: `${c.http.endpoint}${serverchanPath(c.sendKey)}`,
        body: { title, desp: truncateUtf8(rendered.text.replaceAll('\n', '  \n'), 30_000) },
        settings: c.http,
        secrets: [c.sendKey],
        signal,
      },
      (doc) => (doc['code'] === 0 ? undefined : { code: doc['code'] ?? 'code-missing', message: doc['message'] }),
    );
  }
}
