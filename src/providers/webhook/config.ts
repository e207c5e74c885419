/**
 * The webhook provider's typed configuration and the parsing of one call
 * (`append`, `delete`, `set`, `list`): method, URL, headers and body
 * templates, all checked when the configuration is read (CONFIG_INVALID
 * naming the setting: unknown placeholder, URL not http(s), body not JSON,
 * malformed header line).
 *
 * `headers` is a map (header name → value template): the names are the
 * user's own, so the manifest declares it a free-form `map` field.
 */
import { AppError } from '../../core/errors.ts';
import { isPlainObject } from '../../config/fields.ts';
import type { HmacAlgorithm } from './hmac.ts';
import { parseTemplate, renderTemplate, type Placeholder, type Template, type TemplateValues } from './template.ts';

export interface WebhookHeader {
  readonly name: string;
  readonly value: Template;
}

export interface WebhookCall {
  readonly method: string;
  readonly url: Template;
  readonly headers: readonly WebhookHeader[];
  readonly body?: Template;
}

export interface WebhookConfig {
  /** Absolute, with a trailing dot. */
  readonly zone: string;
  readonly append: WebhookCall;
  readonly delete: WebhookCall;
  readonly set?: WebhookCall;
  readonly list?: WebhookCall;
  readonly hmac?: { readonly header: string; readonly secret: string; readonly algorithm: HmacAlgorithm };
  readonly bearer?: string;
  readonly caPem?: string;
  readonly timeoutMs: number;
  /** TTL rendered for records that have none. */
  readonly ttl: number;
}

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const SAMPLE: TemplateValues = { name: 'sample', fqdn: 'sample.example.com', zone: 'example.com', type: 'TXT', data: 'sample "value"', ttl: '300' };

/** A checked setting as text (strings and numbers), else `fallback`. */
export function text(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

function invalid(path: string, reason: string, extra: Record<string, string> = {}): AppError {
  return new AppError('CONFIG_INVALID', { evidence: { path, reason, ...extra } });
}

/** Headers from the checked `headers` map (names lower-cased, values templates; CR/LF refused by the template parser). */
export function parseHeaders(map: Readonly<Record<string, unknown>>, path: string, allowed: readonly Placeholder[]): WebhookHeader[] {
  return Object.entries(map).map(([name, value]) => {
    if (!HEADER_NAME.test(name)) throw invalid(`${path}.${name}`, 'not a valid header name');
    return { name: name.toLowerCase(), value: parseTemplate(text(value, ''), `${path}.${name}`, allowed) };
  });
}

/** One call from the checked raw mapping at `path`. */
export function parseCall(raw: unknown, path: string, allowed: readonly Placeholder[], withBody: boolean): WebhookCall {
  if (!isPlainObject(raw)) throw invalid(path, 'expected a mapping');
  const method = text(raw['method'], withBody ? 'post' : 'get').toUpperCase();
  if (!(METHODS as readonly string[]).includes(method.toLowerCase())) throw invalid(`${path}.method`, 'not one of the allowed values', { value: method });
  const urlText = text(raw['url'], '');
  if (!/^https?:\/\//i.test(urlText)) throw invalid(`${path}.url`, 'must be an http:// or https:// URL', { value: urlText });
  const url = parseTemplate(urlText, `${path}.url`, allowed);
  if (!URL.canParse(renderTemplate(url, SAMPLE, 'url'))) throw invalid(`${path}.url`, 'not a valid URL', { value: urlText });
  const headers = isPlainObject(raw['headers']) ? parseHeaders(raw['headers'], `${path}.headers`, allowed) : [];
  if (!withBody || typeof raw['body'] !== 'string') return { method, url, headers };
  const body = parseTemplate(raw['body'], `${path}.body`, allowed);
  try {
    JSON.parse(renderTemplate(body, SAMPLE, 'json'));
  } catch {
    throw invalid(`${path}.body`, 'not JSON text (placeholders belong inside JSON strings; {{ttl}} may stand bare)');
  }
  return { method, url, headers, body };
}
