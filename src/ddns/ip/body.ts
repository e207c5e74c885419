/**
 * What an echo endpoint (or a command) answered, read strictly: the answer
 * must BE one address, not contain one. ddns-go once published 1.2.1.1
 * scraped from a challenge page by a first-regex-match; here a page that
 * merely contains an address is refused and says why.
 *
 * - text: UTF-8, surrounding whitespace (and a BOM) trimmed; what is left
 *   must parse as exactly one address (address.ts: strict, no zone id).
 * - json: an object; `field` (dots walk into nested objects: "data.ip")
 *   must be a string that is, trimmed, exactly one address.
 * - auto: json when the Content-Type says JSON or the body starts with
 *   "{", else text.
 *
 * Refusal reasons: 'empty-answer', 'not-text' (not UTF-8), 'html' (markup),
 * 'multiple-lines', 'text-around-address' (a sentence or list holding an
 * address), 'not-an-address', 'zone-id', 'json-invalid' (not a JSON object),
 * 'json-field-missing' (absent or not a string).
 */
import { parseIp, type IpAddress } from './address.ts';

export type AnswerFormat = 'auto' | 'text' | 'json';

export type BodyReason = 'empty-answer' | 'not-text' | 'html' | 'multiple-lines' | 'text-around-address' | 'not-an-address' | 'zone-id' | 'json-invalid' | 'json-field-missing';

export type BodyParse = { readonly ok: true; readonly address: IpAddress } | { readonly ok: false; readonly reason: BodyReason };

const MARKUP = /<\s*[a-z!/?]/i;
const TOKEN_SEPARATORS = /[\s,;"'`<>()[\]{}=|]+/;

/** A short, single-line excerpt of an answer for reports (never more than 80 characters). */
export function answerExcerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 79)}…` : one;
}

function containsAddress(text: string): boolean {
  return text
    .split(TOKEN_SEPARATORS)
    .some((token) => parseIp(token).ok || parseIp(token.replace(/[.!?:]+$/, '')).ok || parseIp(token.replace(/^[^0-9a-fA-F:]+/, '')).ok);
}

/** A text answer: exactly one address once trimmed. */
export function parseTextAnswer(raw: string): BodyParse {
  const text = raw.replace(/^\uFEFF/, '').trim();
  if (text === '') return { ok: false, reason: 'empty-answer' };
  if (MARKUP.test(text)) return { ok: false, reason: 'html' };
  if (/[\r\n]/.test(text)) return { ok: false, reason: 'multiple-lines' };
  const p = parseIp(text);
  if (p.ok) return p;
  if (p.reason === 'zone-id') return p;
  return { ok: false, reason: containsAddress(text) ? 'text-around-address' : 'not-an-address' };
}

/** A JSON answer: `field` (dotted path) holds exactly one address. */
export function parseJsonAnswer(text: string, field: string): BodyParse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'json-invalid' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, reason: 'json-invalid' };
  let v: unknown = doc;
  for (const key of field.split('.')) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, key)) return { ok: false, reason: 'json-field-missing' };
    v = (v as Record<string, unknown>)[key];
  }
  if (typeof v !== 'string') return { ok: false, reason: 'json-field-missing' };
  return parseTextAnswer(v);
}

/** Decode as UTF-8, or undefined when the bytes are not UTF-8. */
export function utf8(body: Uint8Array | string): string | undefined {
  if (typeof body === 'string') return body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return undefined;
  }
}

/** Read an answer in `format` (see the module comment); `contentType` decides 'auto'. */
export function parseAnswer(body: Uint8Array | string, format: AnswerFormat, field: string, contentType?: string): BodyParse {
  const text = utf8(body);
  if (text === undefined) return { ok: false, reason: 'not-text' };
  const json = format === 'json' || (format === 'auto' && (/[/+]json\b/i.test(contentType ?? '') || text.trimStart().replace(/^\uFEFF/, '').startsWith('{')));
  return json ? parseJsonAnswer(text.replace(/^\uFEFF/, ''), field) : parseTextAnswer(text);
}
