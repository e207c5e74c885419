/**
 * Merging the layers of settings into one document, remembering for every
 * value which layer set it. Layers are applied lowest first (stored, file,
 * env, flag); a later one wins per setting:
 *
 * - a mapping is merged key by key into a mapping below it;
 * - anything else (a value, a list) replaces what was there, and the origins
 *   of everything it replaced are forgotten;
 * - `null` over an existing value is "not set" and changes nothing.
 *
 * A "setting" (a leaf, which has an origin) is a value, an empty mapping, or
 * a list of plain values (`dns.resolvers: [a, b]` is one setting); a list
 * holding mappings is a list of settings (`ddns.records[0].name`).
 */
import { AppError } from '../core/errors.ts';
import { isPlainObject } from './fields.ts';
import type { SettingOrigin } from './provenance.ts';
import { formatPath, isUnder, type PathSegment, type SettingPath } from './setting-path.ts';

export interface Leaf {
  readonly path: SettingPath;
  readonly origin: SettingOrigin;
}

export interface Merged {
  /** The merged document, as the section parsers read it. */
  readonly doc: Record<string, unknown>;
  /** formatPath text → the setting there and who set it. */
  readonly leaves: Map<string, Leaf>;
}

export function emptyMerged(): Merged {
  return { doc: {}, leaves: new Map() };
}

/** An own property only: a key named `__proto__` or `constructor` is data here. */
export function getOwn(container: unknown, key: PathSegment): unknown {
  if (Array.isArray(container)) return typeof key === 'number' ? container[key] : undefined;
  if (isPlainObject(container) && typeof key === 'string' && Object.hasOwn(container, key)) return container[key];
  return undefined;
}

function setOwn(container: Record<string, unknown> | unknown[], key: PathSegment, value: unknown): void {
  if (Array.isArray(container) && typeof key === 'number') container[key] = value;
  else Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
}

export function getAt(doc: unknown, path: SettingPath): unknown {
  let v = doc;
  for (const s of path) v = getOwn(v, s);
  return v;
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => isPlainObject(v) || Array.isArray(v);

function forget(m: Merged, under: SettingPath): void {
  for (const [key, leaf] of m.leaves) if (isUnder(leaf.path, under)) m.leaves.delete(key);
}

function record(m: Merged, path: SettingPath, value: unknown, originOf: (p: SettingPath) => SettingOrigin): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const k of Object.keys(value)) record(m, [...path, k], value[k], originOf);
  } else if (Array.isArray(value) && value.some(isContainer)) {
    value.forEach((item, i) => record(m, [...path, i], item, originOf));
  } else {
    m.leaves.set(formatPath(path), { path, origin: originOf(path) });
  }
}

/**
 * A setting above `path` (a list given whole, an empty mapping) is about to
 * be entered: it stops being one setting, and what else it holds keeps its
 * origin item by item.
 */
function split(m: Merged, path: SettingPath): void {
  for (let i = 1; i < path.length; i++) {
    const prefix = path.slice(0, i);
    const key = formatPath(prefix);
    const leaf = m.leaves.get(key);
    if (leaf === undefined) continue;
    m.leaves.delete(key);
    const v = getAt(m.doc, prefix);
    if (isPlainObject(v)) for (const k of Object.keys(v)) m.leaves.set(formatPath([...prefix, k]), { path: [...prefix, k], origin: leaf.origin });
    else if (Array.isArray(v)) v.forEach((_, j) => m.leaves.set(formatPath([...prefix, j]), { path: [...prefix, j], origin: leaf.origin }));
  }
}

function invalidPath(path: SettingPath, origin: SettingOrigin, reason: string): AppError {
  return new AppError('CONFIG_INVALID', {
    evidence: { path: formatPath(path), reason, source: origin.source, ...(origin.env === undefined ? {} : { env: origin.env }) },
  });
}

/**
 * The container that will hold `path`'s last segment, creating mappings and
 * lists on the way (a value in the way is replaced by a mapping). A list item
 * must exist or be the next one (appended); CONFIG_INVALID otherwise.
 */
function parentOf(m: Merged, path: SettingPath, origin: SettingOrigin): Record<string, unknown> | unknown[] {
  let container: Record<string, unknown> | unknown[] = m.doc;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as PathSegment;
    if (typeof seg === 'number') {
      if (!Array.isArray(container)) throw invalidPath(path.slice(0, i), origin, 'not a list: give it whole');
      if (seg > container.length) throw invalidPath(path.slice(0, i + 1), origin, `no such item (the list has ${container.length}; the next one may be added)`);
    } else if (Array.isArray(container)) {
      throw invalidPath(path.slice(0, i), origin, 'a list: name an item ([0])');
    }
    if (i === path.length - 1) break;
    const wantList = typeof path[i + 1] === 'number';
    let child = getOwn(container, seg);
    if (wantList ? !Array.isArray(child) : !isPlainObject(child)) {
      if (wantList && child !== undefined && child !== null) throw invalidPath(path.slice(0, i + 1), origin, 'not a list: give it whole');
      forget(m, path.slice(0, i + 1));
      child = wantList ? [] : {};
      setOwn(container, seg, child);
    }
    container = child as Record<string, unknown> | unknown[];
  }
  return container;
}

/**
 * Put `value` at `path` (the root when empty) with the merge rules above;
 * `originOf` gives the origin of each setting it brings.
 */
export function applyValue(m: Merged, path: SettingPath, value: unknown, originOf: (p: SettingPath) => SettingOrigin): void {
  const current = path.length === 0 ? m.doc : getAt(m.doc, path);
  if (value === undefined) return;
  if (value === null && current !== undefined && current !== null) return;
  if (isPlainObject(value) && isPlainObject(current)) {
    if (Object.keys(current).length === 0 && Object.keys(value).length > 0) m.leaves.delete(formatPath(path));
    for (const k of Object.keys(value)) applyValue(m, [...path, k], value[k], originOf);
    return;
  }
  if (path.length === 0) throw new AppError('CONFIG_INVALID', { evidence: { path: '(top)', reason: 'expected a mapping' } });
  split(m, path);
  const container = parentOf(m, path, originOf(path));
  forget(m, path);
  setOwn(container, path[path.length - 1] as PathSegment, structuredClone(value));
  record(m, path, value, originOf);
}
