/**
 * DingTalk: one robot message per event.
 *
 * Confirmed (the custom-robot guide https://open.dingtalk.com/document/group/custom-robot-access
 * as quoted by pages and SDKs found with the search tool): POST
 * https://oapi.dingtalk.com/robot/send?access_token=<token>[&timestamp=<ms>&sign=<sign>]
 * with JSON {"msgtype": "text", "text": {"content": "…"}}; the answer is
 * {"errcode": 0, "errmsg": "ok"} on success and another errcode (HTTP 200)
 * on refusal. The signature is in sign.ts. Assumed: the size limit (we cut
 * the text at 18 000 bytes of UTF-8).
 */
import type { Clock } from '../../clock/clock.ts';
import type { HttpClient } from '../../http/types.ts';
import type { HttpSettings } from '../common-fields.ts';
import { chatText, postJson, truncateUtf8 } from '../http-post.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';
import { dingtalkSign } from './sign.ts';

export interface DingtalkConfig {
  readonly accessToken: string;
  readonly secret?: string;
  readonly http: HttpSettings;
}

const MAX_BYTES = 18_000;

export class DingtalkNotifier implements Notifier {
  readonly #c: DingtalkConfig;
  readonly #http: HttpClient;
  readonly #clock: Clock;

  constructor(c: DingtalkConfig, deps: { http: HttpClient; clock: Clock }) {
    this.#c = c;
    this.#http = deps.http;
    this.#clock = deps.clock;
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const c = this.#c;
    const query = new URLSearchParams({ access_token: c.accessToken });
    const secrets = [c.accessToken];
    if (c.secret !== undefined) {
      const timestamp = Math.floor(this.#clock.now());
      const sign = dingtalkSign(timestamp, c.secret);
      query.set('timestamp', String(timestamp));
      query.set('sign', sign);
      secrets.push(c.secret, sign, encodeURIComponent(sign));
    }
    await postJson(
      this.#http,
      {
        notifier: 'dingtalk',
        kind: e.kind,
        url: `${c.http.endpoint}/robot/send?${query.toString()}`,
        body: { msgtype: 'text', text: { content: truncateUtf8(chatText(rendered), MAX_BYTES) } },
        settings: c.http,
        secrets,
        signal,
      },
      (doc) => (doc['errcode'] === 0 ? undefined : { code: doc['errcode'] ?? 'errcode-missing', message: doc['errmsg'] }),
    );
  }
}
