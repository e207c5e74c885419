/**
 * Webhook templates: text with `{{placeholder}}` slots, checked when the
 * configuration is read and rendered per request.
 *
 * Placeholders: `name` (relative to the zone, "@" for the apex), `fqdn`
 * (absolute, no trailing dot), `zone` (no trailing dot), `type`, `data`,
 * `ttl`. Which of them a template may use depends on the request (a `list`
 * template knows only `zone`); any other name is CONFIG_INVALID naming it.
 *
 * Escaping depends on where the template is used:
 * - 'url': every value percent-encoded (encodeURIComponent);
 * - 'json': every value JSON-string-escaped (the body template is JSON text
 *   with the placeholders inside strings; `{{ttl}}` may also stand bare);
 * - 'header': verbatim, but a value with CR or LF is refused (RECORD_INVALID).
 */
import { AppError } from '../../core/errors.ts';

export type Placeholder = 'name' | 'fqdn' | 'zone' | 'type' | 'data' | 'ttl';
export type Escaping = 'url' | 'json' | 'header';
export type TemplateValues = Readonly<Record<Placeholder, string>>;

export const RECORD_PLACEHOLDERS: readonly Placeholder[] = ['name', 'fqdn', 'zone', 'type', 'data', 'ttl'];
export const ZONE_PLACEHOLDERS: readonly Placeholder[] = ['zone'];

/** A checked template: literal text and placeholders, alternating. */
export interface Template {
  readonly source: string;
  readonly parts: readonly (string | { readonly placeholder: Placeholder })[];
}

const SLOT = /\{\{([^{}]*)\}\}/g;

/** Parse `source`; CONFIG_INVALID at `path` for a placeholder not in `allowed`. */
export function parseTemplate(source: string, path: string, allowed: readonly Placeholder[]): Template {
  const parts: (string | { placeholder: Placeholder })[] = [];
  let last = 0;
  for (const m of source.matchAll(SLOT)) {
    const name = (m[1] ?? '').trim();
    if (!(allowed as readonly string[]).includes(name))
      throw new AppError('CONFIG_INVALID', { evidence: { path, reason: 'unknown placeholder in template', placeholder: name, allowed: [...allowed] } });
    if (m.index > last) parts.push(source.slice(last, m.index));
    parts.push({ placeholder: name as Placeholder });
    last = m.index + m[0].length;
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts };
}

function escape(value: string, how: Escaping, placeholder: Placeholder): string {
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

/** The template with every placeholder replaced by its escaped value. */
export function renderTemplate(t: Template, values: TemplateValues, how: Escaping): string {
  return t.parts.map((p) => (typeof p === 'string' ? p : escape(values[p.placeholder], how, p.placeholder))).join('');
}
