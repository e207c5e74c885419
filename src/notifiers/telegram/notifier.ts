/**
 * Telegram: one Bot API `sendMessage` per event.
 *
 * Confirmed (Bot API examples and typings citing https://core.telegram.org/bots/api#sendmessage,
 * found with the search tool): POST https://api.telegram.org/bot<token>/sendMessage
 * with a JSON body {chat_id, text}; the answer is {"ok": true, "result":
 * Message} or {"ok": false, "error_code": n, "description": "…"} (with an
 * HTTP 4xx). From the Bot API reference, not re-checked here: `text` is at
 * most 4096 characters. Plain text is sent (no parse_mode), so nothing in
 * the text needs escaping.
 */
import type { Clock } from '../../clock/clock.ts';
import type { HttpClient } from '../../http/types.ts';
import type { HttpSettings } from '../common-fields.ts';
import { chatText, postJson } from '../http-post.ts';
import type { Notifier, NotifyEvent, RenderedEvent } from '../types.ts';

export interface TelegramConfig {
  readonly botToken: string;
  readonly chatId: string;
  readonly http: HttpSettings;
}

const MAX_CHARS = 4096;

/** At most `max` characters (code points), "…" when cut. */
function truncateChars(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export class TelegramNotifier implements Notifier {
  readonly #c: TelegramConfig;
  readonly #http: HttpClient;

  constructor(c: TelegramConfig, deps: { http: HttpClient; clock: Clock }) {
    this.#c = c;
    this.#http = deps.http;
  }

  async send(e: NotifyEvent, rendered: RenderedEvent, signal?: AbortSignal): Promise<void> {
    const c = this.#c;
    const chatId = /^-?[0-9]+$/.test(c.chatId) ? Number(c.chatId) : c.chatId;
    await postJson(
      this.#http,
      {
        notifier: 'telegram',
        kind: e.kind,
        url: `${c.http.endpoint}/bot${c.botToken}/sendMessage`,
        body: { chat_id: chatId, text: truncateChars(chatText(rendered), MAX_CHARS) },
        settings: c.http,
        secrets: [c.botToken],
        signal,
      },
      (doc) => (doc['ok'] === true ? undefined : { code: doc['error_code'] ?? 'ok-missing', message: doc['description'] }),
    );
  }
}
