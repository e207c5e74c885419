/**
 * The one request the chat notifiers make: POST a JSON document to the
 * vendor and read its JSON answer (see `postJson`). Errors name the origin
 * and status, never the path or query (tokens live there); an answer that
 * is not JSON is NOTIFY_REJECTED with `vendorCode: "not-json"`. Secrets
 * (tokens, keys) are passed to the HTTP client so no error carries them.
 */
import { AppError, type Evidence } from '../core/errors.ts';
import type { HttpClient } from '../http/types.ts';
import type { HttpSettings } from './common-fields.ts';

export interface PostJson {
  readonly notifier: string;
  readonly kind: string;
  readonly url: string;
  readonly body: unknown;
  readonly settings: HttpSettings;
  readonly secrets: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/** The vendor's refusal in an answer: its code and message; undefined when the answer says "sent". */
export type VendorError = (doc: Record<string, unknown>) => { readonly code: unknown; readonly message: unknown } | undefined;

/**
 * POST `body` as JSON and check the answer: 429 and 5xx are NOTIFY_FAILED
 * (retryable); any other answer must be a JSON object, and `vendorError`
 * decides whether it is a refusal (NOTIFY_REJECTED); a non-2xx answer that
 * `vendorError` does not explain is NOTIFY_FAILED.
 */
export async function postJson(http: HttpClient, p: PostJson, vendorError: VendorError): Promise<void> {
  const res = await http.request({
    method: 'POST',
    url: p.url,
    headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
    body: JSON.stringify(p.body),
    timeoutMs: p.settings.timeoutMs,
    secrets: p.secrets,
    ...(p.signal === undefined ? {} : { signal: p.signal }),
    ...(p.settings.caPem === undefined ? {} : { trust: { caPem: p.settings.caPem } }),
  });
  const failed = (): AppError =>
    new AppError('NOTIFY_FAILED', { evidence: { notifier: p.notifier, url: new URL(p.url).origin, status: res.status, kind: p.kind }, retryable: res.status === 429 || res.status >= 500, secrets: p.secrets });
  if (res.status === 429 || res.status >= 500) throw failed();
  let doc: unknown;
  try {
    doc = JSON.parse(res.body.toString('utf8'));
  } catch {
    if (res.status < 200 || res.status >= 300) throw failed();
    throw rejected(p, 'not-json', res.body.toString('utf8').slice(0, 200));
  }
  const obj = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  const refusal = vendorError(obj);
  if (refusal !== undefined) throw rejected(p, refusal.code, refusal.message);
  if (res.status < 200 || res.status >= 300) throw failed();
}

/** NOTIFY_REJECTED: the vendor answered but refused the message (its code and message as evidence). */
export function rejected(p: { notifier: string; kind: string; url: string; secrets: readonly string[] }, vendorCode: unknown, vendorMessage: unknown): AppError {
  const evidence: Evidence = {
    notifier: p.notifier,
    url: new URL(p.url).origin,
    kind: p.kind,
    vendorCode: typeof vendorCode === 'number' || typeof vendorCode === 'string' ? vendorCode : String(vendorCode),
    vendorMessage: typeof vendorMessage === 'string' ? vendorMessage.slice(0, 300) : JSON.stringify(vendorMessage ?? null).slice(0, 300),
  };
  return new AppError('NOTIFY_REJECTED', { evidence, secrets: p.secrets });
}

/** `text` cut to at most `maxBytes` of UTF-8 (whole characters), with "…" when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let out = '';
  let used = 0;
  const budget = maxBytes - Buffer.byteLength('…', 'utf8');
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return `${out}…`;
}

/** Title and text as one message for chat channels: "[zonekeeper] <title>", a blank line, the text. */
export function chatText(r: { title: string; text: string }): string {
  return `[zonekeeper] ${r.title}\n\n${r.text}`;
}
