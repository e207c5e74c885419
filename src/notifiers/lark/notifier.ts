/**
 * Feishu / Lark: one custom bot message per event.
 *
 * Confirmed (自定义机器人使用指南, https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot,
 * through the samples and SDKs that cite it, found with the search tool):
 * POST https://open.feishu.cn/open-apis/bot/v2/hook/<id> with JSON
 * {"msg_type": "text", "content": {"text": "…"}}, plus "timestamp" and
 * "sign" when the bot verifies signatures (sign.ts); the answer is
 * {"code": 0, "msg": "success", "data": {}} on success, another code on
 * refusal. Assumed: that older bots answer {"StatusCode": 0,
 * "StatusMessage": "success"} (both shapes are read), and the size limit
 * (we cut the text at 18 000 bytes of UTF-8).
 */
import type { Clock } from '../../clock/clock.ts';
import type { HttpClient } from '../../http/types.ts';
import type { HttpSettings } from '../common-fields.ts';
import { chatText, postJson, truncateUtf8 } from '../http-post.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';
import { larkSign } from './sign.ts';

export interface LarkConfig {
  readonly hook: string;
  readonly secret?: string;
  readonly http: HttpSettings;
}

const MAX_BYTES = 18_000;

export class LarkNotifier implements Notifier {
  readonly #c: LarkConfig;
  readonly #http: HttpClient;
  readonly #clock: Clock;

  constructor(c: LarkConfig, deps: { http: HttpClient; clock: Clock }) {
    this.#c = c;
    this.#http = deps.http;
    this.#clock = deps.clock;
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const c = this.#c;
    const secrets = [c.hook];
    let signature = {};
    if (c.secret !== undefined) {
      const timestamp = Math.floor(this.#clock.now() / 1000);
      const sign = larkSign(timestamp, c.secret);
      signature = { timestamp: String(timestamp), sign };
      secrets.push(c.secret, sign);
    }
    await postJson(
      this.#http,
      {
        notifier: 'lark',
        kind: e.kind,
        url: `${c.http.endpoint}/open-apis/bot/v2/hook/${c.hook}`,
        body: { ...signature, msg_type: 'text', content: { text: truncateUtf8(chatText(rendered), MAX_BYTES) } },
        settings: c.http,
        secrets,
        signal,
      },
      (doc) => {
        const code = doc['code'] ?? doc['StatusCode'];
        return code === 0 ? undefined : { code: code ?? 'code-missing', message: doc['msg'] ?? doc['StatusMessage'] };
      },
    );
  }
}
