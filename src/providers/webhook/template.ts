/**
 * The webhook provider's placeholders (the template engine is core/template.ts):
 * `name` (relative to the zone, "@" for the apex), `fqdn` (absolute, no
 * trailing dot), `zone` (no trailing dot), `type`, `data`, `ttl`. A `list`
 * template knows only `zone`.
 */
import type { Template as CoreTemplate, TemplateValues as CoreValues } from '../../core/template.ts';

export { parseTemplate, renderTemplate, type Escaping } from '../../core/template.ts';

export type Placeholder = 'name' | 'fqdn' | 'zone' | 'type' | 'data' | 'ttl';
export type Template = CoreTemplate<Placeholder>;
export type TemplateValues = CoreValues<Placeholder>;

export const RECORD_PLACEHOLDERS: readonly Placeholder[] = ['name', 'fqdn', 'zone', 'type', 'data', 'ttl'];
export const ZONE_PLACEHOLDERS: readonly Placeholder[] = ['zone'];
