/**
 * WeCom (WeChat Work): one group robot message per event.
 *
 * Confirmed (群机器人配置说明 on developer.work.weixin.qq.com, as quoted by
 * pages found with the search tool): POST
 * https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key> with JSON
 * {"msgtype": "text", "text": {"content": "…"}}; content at most 2048 bytes
 * of UTF-8; at most 20 messages a minute per robot. Assumed (the usual
 * WeCom API answer, not in the excerpts we read): {"errcode": 0, "errmsg":
 * "ok"} on success, another errcode on refusal.
 */
import type { Clock } from '../../clock/clock.ts';
import type { HttpClient } from '../../http/types.ts';
import type { HttpSettings } from '../common-fields.ts';
import { chatText, postJson, truncateUtf8 } from '../http-post.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';

export interface WecomConfig {
  readonly key: string;
  readonly http: HttpSettings;
}

const MAX_BYTES = 2048;

export class WecomNotifier implements Notifier {
  readonly #c: WecomConfig;
  readonly #http: HttpClient;

  constructor(c: WecomConfig, deps: { http: HttpClient; clock: Clock }) {
    this.#c = c;
    this.#http = deps.http;
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const c = this.#c;
    await postJson(
      this.#http,
      {
        notifier: 'wecom',
        kind: e.kind,
        url: `${c.http.endpoint}/cgi-bin/webhook/send?${new URLSearchParams({ key: c.key }).toString()}`,
        body: { msgtype: 'text', text: { content: truncateUtf8(chatText(rendered), MAX_BYTES) } },
        settings: c.http,
        secrets: [c.key],
        signal,
      },
      (doc) => (doc['errcode'] === 0 ? undefined : { code: doc['errcode'] ?? 'errcode-missing', message: doc['errmsg'] }),
    );
  }
}
