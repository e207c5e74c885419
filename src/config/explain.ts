/**
 * The list `config explain` prints: every effective setting with its value
 * and source, built from the merged layers (layers.ts) and the defaults of
 * the schema (schema.ts). Secrets are replaced by their length here, so no
 * consumer of the list can print one.
 */
import type { EvidenceValue } from '../core/errors.ts';
import { isPlainObject } from './fields.ts';
import { getAt, getOwn, type Merged } from './layers.ts';
import type { ZkConfig } from './load.ts';
import type { EffectiveSetting, SettingOrigin } from './provenance.ts';
import { resolveReferences } from './references.ts';
import { CONFIG_SCHEMA, childNode, resolveNode, type DefaultValue, type SchemaNode } from './schema.ts';
import { formatPath, type PathSegment, type SettingPath } from './setting-path.ts';

/** Every secret value the parsed config holds (what masking compares against). */
export function configSecrets(config: ZkConfig): string[] {
  const out: string[] = [];
  for (const p of config.providers.values()) out.push(...p.secrets);
  for (const n of config.notifiers.values()) out.push(...n.secrets);
  for (const c of config.certificates.values()) {
    if (typeof c.ca === 'object' && c.ca.eab !== undefined) out.push(c.ca.eab.hmacKey);
    if (c.pfx !== undefined) out.push(c.pfx.password);
  }
  return out.filter((s) => s !== '');
}

/** The schema node at `path` of `doc` (an entry resolved by its type); undefined off the schema. */
export function schemaNodeAt(doc: unknown, path: SettingPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = CONFIG_SCHEMA;
  let value = doc;
  for (const s of path) {
    if (node === undefined) return undefined;
    node = childNode(node, value, s);
    value = getOwn(value, s);
  }
  return node === undefined ? undefined : resolveNode(node, value);
}

function toEvidence(v: unknown): EvidenceValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(toEvidence);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toEvidence(x)]));
  return v === undefined ? null : typeof v === 'bigint' ? v.toString() : null;
}

/** Strings with their `${env:}` / `${file:}` references resolved (left as written if one no longer resolves). */
function resolved(v: unknown, path: string, env: NodeJS.ProcessEnv): unknown {
  if (typeof v === 'string') {
    try {
      return resolveReferences(v, path, env);
    } catch {
      return v;
    }
  }
  return Array.isArray(v) ? v.map((x) => resolved(x, path, env)) : v;
}

/** A value that is, or (for longer secrets) contains, a secret. */
function holdsSecret(v: unknown, secrets: readonly string[]): boolean {
  if (Array.isArray(v)) return v.some((x) => holdsSecret(x, secrets));
  if (typeof v !== 'string') return false;
  return secrets.some((s) => v === s || (s.length >= 6 && v.includes(s)));
}

function secretLength(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + secretLength(x), 0);
  return Array.from(typeof v === 'string' ? v : String(v)).length;
}

function compare(a: SettingPath, b: SettingPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as PathSegment;
    const y = b[i] as PathSegment;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

function defaultsOf(node: SchemaNode, value: unknown, path: PathSegment[], out: { path: PathSegment[]; value: DefaultValue }[]): void {
  const n = resolveNode(node, value);
  const absent = value === undefined || value === null;
  switch (n.kind) {
    case 'leaf':
      if (absent && n.default !== undefined) out.push({ path, value: n.default });
      return;
    case 'section':
      if (absent && n.default !== undefined) out.push({ path, value: n.default });
      else if ((absent && n.optional !== true) || isPlainObject(value)) for (const key of Object.keys(n.keys)) defaultsOf(n.keys[key] as SchemaNode, getOwn(value, key), [...path, key], out);
      return;
    case 'names':
      if (isPlainObject(value)) for (const key of Object.keys(value)) defaultsOf(n.entry, value[key], [...path, key], out);
      return;
    case 'list':
      if (Array.isArray(value)) value.forEach((item, i) => defaultsOf(n.item, item, [...path, i], out));
      return;
    case 'open':
      return;
  }
}

/**
 * Every effective setting of `m` (parsed as `config`), defaults included,
 * sorted by path. A setting is secret when its schema says so or its value
 * is (or holds) one of the config's secrets; its value is then left out.
 */
export function effectiveSettings(m: Merged, config: ZkConfig, env: NodeJS.ProcessEnv): EffectiveSetting[] {
  const secrets = configSecrets(config);
  const rows: { path: SettingPath; setting: EffectiveSetting }[] = [];
  const add = (path: SettingPath, raw: unknown, origin: SettingOrigin): void => {
    const text = formatPath(path);
    const node = schemaNodeAt(m.doc, path);
    const value = resolved(raw, text, env);
    const secret = (node?.kind === 'leaf' && node.secret === true) || holdsSecret(value, secrets);
    const setting: EffectiveSetting = { path: text, ...origin, ...(secret ? { secret: { length: secretLength(value) } } : { value: toEvidence(value) }) };
    rows.push({ path, setting });
  };
  for (const leaf of m.leaves.values()) {
    const raw = getAt(m.doc, leaf.path);
    if (raw !== null && raw !== undefined) add(leaf.path, raw, leaf.origin);
  }
  const defaults: { path: PathSegment[]; value: DefaultValue }[] = [];
  defaultsOf(CONFIG_SCHEMA, m.doc, [], defaults);
  for (const d of defaults) add(d.path, d.value, { source: 'default' });
  return rows.sort((a, b) => compare(a.path, b.path)).map((r) => r.setting);
}
