/**
 * The webhook notifier's configuration: an http(s) URL template, a method,
 * headers (name → template) and a JSON body template (default: the whole
 * event as JSON). Placeholders: `kind`, `subject`, `at` (ISO 8601), `old`,
 * `new`, `error` (the error code of a failure), `title` and `text` (the
 * event rendered in the notifier's `lang`), and `event` (the whole event as
 * JSON; in a body it stands bare: `{"text": "{{kind}}", "event": {{event}}}`).
 */
import { AppError } from '../../core/errors.ts';
import { parseTemplate, renderTemplate, type Template } from '../../core/template.ts';

export type NotifyPlaceholder = 'kind' | 'subject' | 'at' | 'old' | 'new' | 'error' | 'title' | 'text' | 'event';
export const NOTIFY_PLACEHOLDERS: readonly NotifyPlaceholder[] = ['kind', 'subject', 'at', 'old', 'new', 'error', 'title', 'text', 'event'];
/** Placeholders inserted as JSON documents (not as string content) in a body. */
export const RAW_JSON: readonly NotifyPlaceholder[] = ['event'];

export interface WebhookNotifierConfig {
  readonly method: string;
  readonly url: Template<NotifyPlaceholder>;
  readonly headers: readonly { readonly name: string; readonly value: Template<NotifyPlaceholder> }[];
  /** Absent: the event as JSON. */
  readonly body?: Template<NotifyPlaceholder>;
  readonly caPem?: string;
  readonly timeoutMs: number;
}

const SAMPLE: Record<NotifyPlaceholder, string> = { kind: 'ip-changed', subject: 'ipv4', at: '2026-01-01T00:00:00.000Z', old: '1.1.1.1', new: '8.8.8.8', error: '', title: 'IPv4 changed', text: 'line 1\nline 2', event: '{"kind":"ip-changed"}' };

function invalid(path: string, reason: string): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason } });
}

export function parseUrl(text: string, path: string): Template<NotifyPlaceholder> {
  if (!/^https?:\/\//i.test(text)) throw invalid(path, 'must be an http:// or https:// URL');
  const t = parseTemplate(text, path, NOTIFY_PLACEHOLDERS);
  if (!URL.canParse(renderTemplate(t, SAMPLE, 'url'))) throw invalid(path, 'not a valid URL');
  return t;
}

export function parseBody(text: string, path: string): Template<NotifyPlaceholder> {
  const t = parseTemplate(text, path, NOTIFY_PLACEHOLDERS);
  try {
    JSON.parse(renderTemplate(t, SAMPLE, 'json', RAW_JSON));
  } catch {
    throw invalid(path, 'not JSON text (placeholders belong inside JSON strings; {{event}} stands bare)');
  }
  return t;
}
