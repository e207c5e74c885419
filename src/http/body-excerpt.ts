/**
 * What error evidence may show of a response body that is not the API's
 * answer (a load balancer's HTML page, a JSON or XML document cut short): a
 * short single line, secrets removed. An HTML page is shown by its
 * `<title>` when it has one ("502 Bad Gateway"), else by its text without
 * tags; anything else by its first characters. Never the whole body.
 */
import { redactString } from '../core/redact.ts';

/** Longest excerpt, characters ("…" marks a cut). */
export const MAX_EXCERPT = 200;

function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  return /html/i.test(contentType ?? '') || /^\s*(<!doctype html|<html)/i.test(text);
}

/** The excerpt of `body` (decoded as UTF-8); "" for an empty body. */
export function bodyExcerpt(body: Uint8Array, contentType: string | undefined, secrets: readonly string[] = [], max = MAX_EXCERPT): string {
  let text = Buffer.from(body).toString('utf8');
  if (looksLikeHtml(text, contentType)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    text = title !== undefined && title.trim() !== '' ? title : text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  }
  const line = redactString(text.replace(/\s+/g, ' ').trim(), secrets);
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
