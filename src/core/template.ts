/**
 * Request templates: text with `{{placeholder}}` slots, checked when the
 * configuration is read and rendered per request (webhook provider,
 * webhook notifier).
 *
 * Which placeholders a template may use is the caller's list; any other
 * name is CONFIG_INVALID naming it and the allowed ones.
 *
 * Escaping depends on where the template is used:
 * - 'url': every value percent-encoded (encodeURIComponent);
 * - 'json': every value JSON-string-escaped (the body template is JSON text
 *   with the placeholders inside strings; a number may also stand bare),
 *   except the placeholders the caller names `raw`, whose values are JSON
 *   documents inserted as they are;
 * - 'header': verbatim, but a value with CR or LF is refused (RECORD_INVALID).
 */
import { AppError } from './errors.ts';

export type Escaping = 'url' | 'json' | 'header';
export type TemplateValues<P extends string = string> = Readonly<Record<P, string>>;

/** A checked template: literal text and placeholders, alternating. */
export interface Template<P extends string = string> {
  readonly source: string;
  readonly parts: readonly (string | { readonly placeholder: P })[];
}

const SLOT = /\{\{([^{}]*)\}\}/g;

/** Parse `source`; CONFIG_INVALID at `path` for a placeholder not in `allowed`. */
export function parseTemplate<P extends string>(source: string, path: string, allowed: readonly P[]): Template<P> {
  const parts: (string | { placeholder: P })[] = [];
  let last = 0;
  for (const m of source.matchAll(SLOT)) {
    const name = (m[1] ?? '').trim();
    if (!(allowed as readonly string[]).includes(name))
      throw new AppError('CONFIG_INVALID', { evidence: { path, reason: 'unknown placeholder in template', placeholder: name, allowed: [...allowed] } });
    if (m.index > last) parts.push(source.slice(last, m.index));
    parts.push({ placeholder: name as P });
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts };
}

function escape(value: string, how: Escaping, placeholder: string): string {
  switch (how) {
    case 'url':
      return encodeURIComponent(value);
    case 'json':
      return JSON.stringify(value).slice(1, -1);
    case 'header':
      if (/[\r\n]/.test(value)) throw new AppError('RECORD_INVALID', { evidence: { placeholder, reason: 'a value sent in an HTTP header must not contain CR or LF' } });
      return value;
  }
}

/** The template with every placeholder replaced by its escaped value (`raw` ones verbatim in JSON). */
export function renderTemplate<P extends string>(t: Template<P>, values: TemplateValues<P>, how: Escaping, raw: readonly P[] = []): string {
  return t.parts.map((p) => (typeof p === 'string' ? p : how === 'json' && raw.includes(p.placeholder) ? values[p.placeholder] : escape(values[p.placeholder], how, p.placeholder))).join('');
}
